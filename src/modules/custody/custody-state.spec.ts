import {
  CLOSED_STATES,
  CUSTODY_STATES,
  custodyRefusal,
  stateOnReceipt,
  type CustodyState,
  type HandoverPurpose,
} from './custody-state.js';

const SENDER = 'org-ward';
const OTHER = 'org-contractor';

const medium = (state: CustodyState, holderOrganizationId = SENDER) => ({
  id: 'm1',
  state,
  holderOrganizationId,
});

describe('CLOSED_STATES', () => {
  it('holds exactly erased, destroyed and lost', () => {
    expect([...CLOSED_STATES].sort()).toEqual(['destroyed', 'erased', 'lost']);
  });

  it('leaves the other states open', () => {
    const open = CUSTODY_STATES.filter((s) => !CLOSED_STATES.has(s));
    expect([...open].sort()).toEqual(['compromised', 'held', 'in_transit', 'returned']);
  });
});

describe('custodyRefusal', () => {
  it.each<CustodyState>(['erased', 'destroyed', 'lost'])(
    'refuses a %s medium as MEDIUM_CLOSED with its state',
    (state) => {
      expect(custodyRefusal(medium(state), SENDER)).toEqual({
        code: 'MEDIUM_CLOSED',
        mediumId: 'm1',
        state,
      });
    },
  );

  it('refuses a medium in transit as IN_TRANSIT', () => {
    expect(custodyRefusal(medium('in_transit'), SENDER)).toEqual({
      code: 'IN_TRANSIT',
      mediumId: 'm1',
    });
  });

  it.each<CustodyState>(['held', 'returned', 'compromised'])(
    'refuses a %s medium held by another organization as NOT_CUSTODIAN',
    (state) => {
      expect(custodyRefusal(medium(state, OTHER), SENDER)).toEqual({
        code: 'NOT_CUSTODIAN',
        mediumId: 'm1',
      });
    },
  );

  it.each<CustodyState>(['held', 'returned', 'compromised'])(
    'lets the holder send a %s medium',
    (state) => {
      expect(custodyRefusal(medium(state, SENDER), SENDER)).toBeNull();
    },
  );

  describe('precedence', () => {
    it.each<CustodyState>(['erased', 'destroyed', 'lost'])(
      'a %s medium held by another organization is MEDIUM_CLOSED',
      (state) => {
        expect(custodyRefusal(medium(state, OTHER), SENDER)).toEqual({
          code: 'MEDIUM_CLOSED',
          mediumId: 'm1',
          state,
        });
      },
    );

    it('a medium in transit held by another organization is IN_TRANSIT', () => {
      expect(custodyRefusal(medium('in_transit', OTHER), SENDER)?.code).toBe('IN_TRANSIT');
    });
  });
});

describe('stateOnReceipt', () => {
  const PURPOSES: HandoverPurpose[] = ['provide', 'return', 'subcontract', 'internal'];

  it.each(PURPOSES.flatMap((purpose) => [true, false].map((toWard) => ({ purpose, toWard }))))(
    'compromised wins ($purpose, toWard $toWard)',
    ({ purpose, toWard }) => {
      expect(stateOnReceipt({ compromised: true, purpose, toWard })).toBe('compromised');
    },
  );

  it("a 'return' to a ward is returned", () => {
    expect(stateOnReceipt({ compromised: false, purpose: 'return', toWard: true })).toBe(
      'returned',
    );
  });

  it("a 'return' not to a ward is held", () => {
    expect(stateOnReceipt({ compromised: false, purpose: 'return', toWard: false })).toBe('held');
  });

  it.each(
    (['provide', 'subcontract', 'internal'] as const).flatMap((purpose) =>
      [true, false].map((toWard) => ({ purpose, toWard })),
    ),
  )('$purpose (toWard $toWard) is held', ({ purpose, toWard }) => {
    expect(stateOnReceipt({ compromised: false, purpose, toWard })).toBe('held');
  });
});
