import type { MediumKind } from './custody-state.js';
import {
  checkSplitChannel,
  methodRefusal,
  type ItemFacts,
  type PastDispatch,
  type SplitChannelInput,
} from './split-channel.rule.js';

const MINUTE = 60_000;
const AT = new Date('2026-04-01T01:00:00.000Z');

const dvd: ItemFacts = { id: 'm1', kind: 'dvd_r', unlocksMediumId: null };
const notice: ItemFacts = { id: 'n1', kind: 'password_notice', unlocksMediumId: 'm1' };
const unrelated: ItemFacts = { id: 'm9', kind: 'usb', unlocksMediumId: null };

/** m1 is unlocked by n1: each is the other's counterpart. */
const COUNTERPARTS: ReadonlyMap<string, readonly string[]> = new Map([
  ['m1', ['n1']],
  ['n1', ['m1']],
]);

function input(overrides: Partial<SplitChannelInput> = {}): SplitChannelInput {
  return {
    items: [dvd],
    method: 'hand',
    occurredAt: AT,
    minSeparationMinutes: 60,
    counterparts: COUNTERPARTS,
    counterpartDispatches: [],
    bagCargo: [],
    ...overrides,
  };
}

function dispatchAt(offsetMs: number, mediumId = 'n1', handoverId = 'h0'): PastDispatch {
  return { handoverId, mediumId, dispatchedAt: new Date(AT.getTime() + offsetMs).toISOString() };
}

describe('checkSplitChannel', () => {
  it('passes a medium with no counterpart activity at all', () => {
    expect(checkSplitChannel(input())).toBeNull();
  });

  describe('same_channel', () => {
    it('refuses a password notice sent over LGWAN', () => {
      const v = checkSplitChannel(input({ items: [notice], method: 'lgwan' }));
      expect(v).toMatchObject({ rule: 'same_channel', mediumId: 'n1' });
      expect(v!.message).toMatch(/LGWAN/);
    });

    it('refuses it even when the notice has no counterparts and sits among other items', () => {
      const lone: ItemFacts = { id: 'n2', kind: 'password_notice', unlocksMediumId: null };
      const file: ItemFacts = { id: 'f1', kind: 'encrypted_file', unlocksMediumId: null };
      expect(
        checkSplitChannel(input({ items: [file, lone], method: 'lgwan', counterparts: new Map() })),
      ).toMatchObject({ rule: 'same_channel', mediumId: 'n2' });
    });

    it('lets a password notice travel by hand', () => {
      expect(checkSplitChannel(input({ items: [notice], method: 'hand' }))).toBeNull();
    });
  });

  describe('same_handover', () => {
    it('refuses a medium and its notice in the same items', () => {
      const v = checkSplitChannel(input({ items: [dvd, notice] }));
      expect(v).toMatchObject({ rule: 'same_handover', mediumId: 'm1', counterpartId: 'n1' });
    });

    it('refuses them in either order', () => {
      const v = checkSplitChannel(input({ items: [notice, dvd] }));
      expect(v).toMatchObject({ rule: 'same_handover', mediumId: 'n1', counterpartId: 'm1' });
    });

    it('allows unrelated items together', () => {
      expect(checkSplitChannel(input({ items: [dvd, unrelated] }))).toBeNull();
    });
  });

  describe('same_occasion', () => {
    it('allows a counterpart dispatched exactly minSeparationMinutes before', () => {
      expect(
        checkSplitChannel(input({ counterpartDispatches: [dispatchAt(-60 * MINUTE)] })),
      ).toBeNull();
    });

    it('refuses a counterpart dispatched 59 min 59.999 s before', () => {
      const v = checkSplitChannel(input({ counterpartDispatches: [dispatchAt(-60 * MINUTE + 1)] }));
      expect(v).toMatchObject({
        rule: 'same_occasion',
        mediumId: 'm1',
        counterpartId: 'n1',
        handoverId: 'h0',
      });
    });

    it('allows a counterpart dispatched exactly minSeparationMinutes after (back-dating)', () => {
      expect(
        checkSplitChannel(input({ counterpartDispatches: [dispatchAt(60 * MINUTE)] })),
      ).toBeNull();
    });

    it('refuses a counterpart dispatched 59 min 59.999 s after (back-dating)', () => {
      const v = checkSplitChannel(input({ counterpartDispatches: [dispatchAt(60 * MINUTE - 1)] }));
      expect(v).toMatchObject({ rule: 'same_occasion', mediumId: 'm1', counterpartId: 'n1' });
      // It may go once the separation after the counterpart's dispatch has passed.
      expect(v?.earliestAt).toBe(new Date(AT.getTime() + 120 * MINUTE - 1).toISOString());
    });

    it('names the earliest instant after the latest dispatch of any counterpart', () => {
      const v = checkSplitChannel(
        input({ counterpartDispatches: [dispatchAt(-30 * MINUTE), dispatchAt(10 * MINUTE)] }),
      );
      const latest = Date.parse(dispatchAt(10 * MINUTE).dispatchedAt);
      expect(v?.earliestAt).toBe(new Date(latest + 60 * MINUTE).toISOString());
    });

    it('refuses a counterpart dispatched at the very same instant', () => {
      expect(checkSplitChannel(input({ counterpartDispatches: [dispatchAt(0)] }))).toMatchObject({
        rule: 'same_occasion',
      });
    });

    it('compares instants, whatever the offset of dispatchedAt', () => {
      const tokyo: PastDispatch = {
        handoverId: 'h0',
        mediumId: 'n1',
        dispatchedAt: '2026-04-01T09:30:00+09:00', // 00:30Z, 30 minutes before AT
      };
      expect(checkSplitChannel(input({ counterpartDispatches: [tokyo] }))).toMatchObject({
        rule: 'same_occasion',
      });
    });

    it('honours the contract minSeparationMinutes', () => {
      const dispatches = [dispatchAt(-30 * MINUTE)];
      expect(
        checkSplitChannel(input({ minSeparationMinutes: 30, counterpartDispatches: dispatches })),
      ).toBeNull();
      expect(
        checkSplitChannel(input({ minSeparationMinutes: 31, counterpartDispatches: dispatches })),
      ).toMatchObject({ rule: 'same_occasion' });
    });

    it('checks the notice side too: the medium it unlocks dispatched shortly before', () => {
      const v = checkSplitChannel(
        input({ items: [notice], counterpartDispatches: [dispatchAt(-10 * MINUTE, 'm1', 'hx')] }),
      );
      expect(v).toMatchObject({
        rule: 'same_occasion',
        mediumId: 'n1',
        counterpartId: 'm1',
        handoverId: 'hx',
      });
    });

    it('never counts dispatches of media that are not counterparts', () => {
      const dispatches = [dispatchAt(0, 'm9'), dispatchAt(0, 'm1'), dispatchAt(MINUTE, 'n7')];
      expect(checkSplitChannel(input({ counterpartDispatches: dispatches }))).toBeNull();
    });

    it('skips far dispatches and finds the close one among several', () => {
      const dispatches = [
        dispatchAt(-3 * 60 * MINUTE, 'n1', 'old'),
        dispatchAt(0, 'm9', 'unrelated'),
        dispatchAt(5 * MINUTE, 'n1', 'close'),
      ];
      expect(checkSplitChannel(input({ counterpartDispatches: dispatches }))).toMatchObject({
        rule: 'same_occasion',
        handoverId: 'close',
      });
    });

    it('mentions the required minutes and the actual gap in its message', () => {
      const v = checkSplitChannel(
        input({ minSeparationMinutes: 90, counterpartDispatches: [dispatchAt(-45 * MINUTE)] }),
      );
      expect(v!.message).toContain('90 minutes');
      expect(v!.message).toContain('45 minutes');
    });

    it('reports 59 (not 60) minutes for a gap of 59 min 59.999 s', () => {
      const v = checkSplitChannel(input({ counterpartDispatches: [dispatchAt(-60 * MINUTE + 1)] }));
      expect(v!.message).toContain('at least 60 minutes');
      expect(v!.message).toContain('59 minutes');
    });
  });

  describe('same_bag', () => {
    it('refuses a bag that still carries a counterpart', () => {
      const v = checkSplitChannel(input({ bagCargo: [{ handoverId: 'h5', mediumId: 'n1' }] }));
      expect(v).toMatchObject({
        rule: 'same_bag',
        mediumId: 'm1',
        counterpartId: 'n1',
        handoverId: 'h5',
      });
    });

    it('refuses a notice put in the bag that carries the medium it unlocks', () => {
      const v = checkSplitChannel(
        input({ items: [notice], bagCargo: [{ handoverId: 'h6', mediumId: 'm1' }] }),
      );
      expect(v).toMatchObject({ rule: 'same_bag', mediumId: 'n1', counterpartId: 'm1' });
    });

    it('allows a bag carrying unrelated media', () => {
      const cargo = [
        { handoverId: 'h7', mediumId: 'm9' },
        { handoverId: 'h8', mediumId: 'm1' },
      ];
      expect(checkSplitChannel(input({ bagCargo: cargo }))).toBeNull();
    });
  });

  describe('precedence', () => {
    const near = [dispatchAt(-MINUTE, 'm1'), dispatchAt(-MINUTE, 'n1')];
    const cargo = [
      { handoverId: 'hb', mediumId: 'm1' },
      { handoverId: 'hb', mediumId: 'n1' },
    ];

    it('same_channel comes before same_handover, same_occasion and same_bag', () => {
      const v = checkSplitChannel(
        input({
          items: [dvd, notice],
          method: 'lgwan',
          counterpartDispatches: near,
          bagCargo: cargo,
        }),
      );
      expect(v!.rule).toBe('same_channel');
    });

    it('same_handover comes before same_occasion and same_bag', () => {
      const v = checkSplitChannel(
        input({ items: [dvd, notice], counterpartDispatches: near, bagCargo: cargo }),
      );
      expect(v!.rule).toBe('same_handover');
    });

    it('same_occasion comes before same_bag', () => {
      const v = checkSplitChannel(input({ counterpartDispatches: near, bagCargo: cargo }));
      expect(v!.rule).toBe('same_occasion');
    });

    it('same_bag is reported when it is the only violation', () => {
      expect(checkSplitChannel(input({ bagCargo: cargo }))!.rule).toBe('same_bag');
    });

    it('a later item’s same_channel beats an earlier item’s same_handover', () => {
      // Scanning rule by rule (not item by item): the LGWAN notice is found first.
      const v = checkSplitChannel(input({ items: [dvd, notice], method: 'lgwan' }));
      expect(v).toMatchObject({ rule: 'same_channel', mediumId: 'n1' });
    });
  });

  it('passes an item with no counterparts whatever was dispatched or carried', () => {
    const v = checkSplitChannel(
      input({
        items: [unrelated],
        counterpartDispatches: [dispatchAt(0, 'n1'), dispatchAt(0, 'm1')],
        bagCargo: [{ handoverId: 'hb', mediumId: 'n1' }],
      }),
    );
    expect(v).toBeNull();
  });

  it('passes an item whose counterpart list is empty', () => {
    const v = checkSplitChannel(
      input({
        counterparts: new Map([['m1', []]]),
        counterpartDispatches: [dispatchAt(0, 'n1')],
        bagCargo: [{ handoverId: 'hb', mediumId: 'n1' }],
      }),
    );
    expect(v).toBeNull();
  });
});

describe('methodRefusal', () => {
  const item = (id: string, kind: MediumKind): ItemFacts => ({ id, kind, unlocksMediumId: null });
  const ALL_KINDS: MediumKind[] = [
    'dvd_r',
    'cd_r',
    'usb',
    'encrypted_file',
    'paper',
    'password_notice',
  ];

  it('lets LGWAN carry encrypted files only', () => {
    expect(
      methodRefusal([item('f1', 'encrypted_file'), item('f2', 'encrypted_file')], 'lgwan', null),
    ).toBeNull();
  });

  it.each<MediumKind>(['dvd_r', 'cd_r', 'usb', 'paper', 'password_notice'])(
    'refuses a %s over LGWAN, naming the medium',
    (kind) => {
      const refusal = methodRefusal(
        [item('f1', 'encrypted_file'), item('x1', kind)],
        'lgwan',
        'BAG-1',
      );
      expect(refusal).not.toBeNull();
      expect(refusal!.mediumId).toBe('x1');
      expect(refusal!.message).toContain(kind);
    },
  );

  it.each([undefined, null, ''])('refuses a handover by hand with bagId %p', (bagId) => {
    const refusal = methodRefusal([item('m1', 'dvd_r')], 'hand', bagId);
    expect(refusal).not.toBeNull();
    expect(refusal!.message).toMatch(/bagId/);
    expect(refusal!.mediumId).toBeUndefined();
  });

  it.each(ALL_KINDS)('accepts a %s by hand in a bag', (kind) => {
    expect(methodRefusal([item('x1', kind)], 'hand', 'BAG-1')).toBeNull();
  });

  it('accepts a mixed handover by hand in a bag', () => {
    expect(
      methodRefusal(
        ALL_KINDS.map((k, i) => item(`x${i}`, k)),
        'hand',
        'BAG-1',
      ),
    ).toBeNull();
  });
});
