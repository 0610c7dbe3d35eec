import { aContract } from '../factories/contract.factory.js';
import { aUser, aWorld, anOrganization, type World } from '../factories/identity.factory.js';
import { TestApp } from '../support/test-app.js';

describe('handler rosters', () => {
  let t: TestApp;
  let w: World;
  let contractId: string;
  const roster = () => `/api/contracts/${contractId}/roster`;

  beforeAll(async () => {
    // 2026-11-25 19:00 in Tokyo; tokens last until 03:00 the next day.
    t = await TestApp.start({ at: '2026-11-25T10:00:00.000Z' });
    w = await aWorld(t);
    contractId = (await aContract(t, w)).id;
  });
  afterAll(() => t.close());

  it('names a contractor handler, valid from today when the contract has started', async () => {
    const response = await t.post(
      roster(),
      { userId: w.staffX.user.id, role: 'handler' },
      w.officerA.token,
    );
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      contractId,
      userId: w.staffX.user.id,
      organizationId: w.contractorX.id,
      displayName: w.staffX.user.displayName,
      role: 'handler',
      validFrom: '2026-11-25',
      validTo: null,
      removedAt: null,
    });
  });

  it('names the business date in Tokyo, not in UTC', async () => {
    // 2026-11-25T15:30Z is already 26 November in Tokyo.
    t.clock.set('2026-11-25T15:30:00.000Z');
    try {
      const response = await t.post(
        roster(),
        { userId: w.staffX2.user.id, role: 'responsible' },
        w.officerA.token,
      );
      expect(response.status).toBe(201);
      expect(response.body.validFrom).toBe('2026-11-26');
    } finally {
      t.clock.set('2026-11-25T10:00:00.000Z');
    }
  });

  it('defaults to the contract start when the contract has not started', async () => {
    const future = await aContract(t, w, { startsOn: '2027-04-01', endsOn: '2028-03-31' });
    const response = await t.post(
      `/api/contracts/${future.id}/roster`,
      { userId: w.staffX.user.id, role: 'handler' },
      w.officerA.token,
    );
    expect(response.status).toBe(201);
    expect(response.body.validFrom).toBe('2027-04-01');
  });

  it('names a subcontractor’s staff as its responsible person, with given dates', async () => {
    const response = await t.post(
      roster(),
      {
        userId: w.staffZ.user.id,
        role: 'responsible',
        validFrom: '2026-12-01',
        validTo: '2027-03-31',
      },
      w.officerA.token,
    );
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      organizationId: w.subcontractorZ.id,
      validFrom: '2026-12-01',
      validTo: '2027-03-31',
    });
  });

  describe('refuses, writing nothing,', () => {
    let before: number;
    beforeEach(async () => {
      before = await t.count('roster_entries');
    });
    afterEach(async () => {
      expect(await t.count('roster_entries')).toBe(before);
    });

    it('staff of an unrelated contractor (422 ROSTER_USER_NOT_ELIGIBLE)', async () => {
      const response = await t.post(
        roster(),
        { userId: w.staffY.user.id, role: 'handler' },
        w.officerA.token,
      );
      expect(response.status).toBe(422);
      expect(response.body.code).toBe('ROSTER_USER_NOT_ELIGIBLE');
    });

    it('a ward officer, an auditor or an admin as handler (422)', async () => {
      for (const who of ['officerA', 'auditor', 'admin'] as const) {
        const response = await t.post(
          roster(),
          { userId: w[who].user.id, role: 'handler' },
          w.officerA.token,
        );
        expect(response.status).toBe(422);
        expect(response.body.code).toBe('ROSTER_USER_NOT_ELIGIBLE');
      }
    });

    it('an unknown user, answered like an ineligible one (422)', async () => {
      const response = await t.post(
        roster(),
        { userId: '00000000-0000-4000-8000-000000000000', role: 'handler' },
        w.officerA.token,
      );
      expect(response.status).toBe(422);
      expect(response.body.code).toBe('ROSTER_USER_NOT_ELIGIBLE');
    });

    it('a disabled contractor user (422)', async () => {
      const { user } = await aUser(t, w.contractorX, 'contractor_staff', { login: false });
      await t.dataSource.query(
        t.database.kind === 'postgres'
          ? 'UPDATE users SET active = false WHERE id = $1'
          : 'UPDATE users SET active = 0 WHERE id = ?',
        [user.id],
      );
      const response = await t.post(
        roster(),
        { userId: user.id, role: 'handler' },
        w.officerA.token,
      );
      expect(response.status).toBe(422);
    });

    it('the same user in the same role for an overlapping period (409)', async () => {
      const response = await t.post(
        roster(),
        { userId: w.staffX.user.id, role: 'handler', validFrom: '2027-01-01' },
        w.officerA.token,
      );
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('ROSTER_ENTRY_EXISTS');
    });

    it('validTo before validFrom (422 INVALID_PERIOD)', async () => {
      const response = await t.post(
        roster(),
        {
          userId: w.staffX2.user.id,
          role: 'handler',
          validFrom: '2027-01-02',
          validTo: '2027-01-01',
        },
        w.officerA.token,
      );
      expect(response.status).toBe(422);
      expect(response.body.code).toBe('INVALID_PERIOD');
    });

    it('a bad body (400 with the fields)', async () => {
      const response = await t.post(
        roster(),
        { userId: '', role: 'boss', validFrom: 'tomorrow', note: 'x' },
        w.officerA.token,
      );
      expect(response.status).toBe(400);
      expect(response.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
        'note',
        'role',
        'userId',
        'validFrom',
      ]);
    });

    it('contractor staff, auditors and admins (403)', async () => {
      for (const who of ['staffX', 'auditor', 'admin'] as const) {
        const response = await t.post(
          roster(),
          { userId: w.staffX2.user.id, role: 'handler' },
          w[who].token,
        );
        expect(response.status).toBe(403);
        expect(response.body.code).toBe('FORBIDDEN_ROLE');
      }
    });

    it('a ward officer of another ward, who cannot see the contract (404)', async () => {
      const response = await t.post(
        roster(),
        { userId: w.staffX2.user.id, role: 'handler' },
        w.officerB.token,
      );
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('CONTRACT_NOT_FOUND');
    });

    it('a ward officer of the same organization kind but another ward removing an entry (404)', async () => {
      const entries = await t.get(roster(), w.officerA.token);
      const response = await t.delete(`${roster()}/${entries.body.items[0].id}`, w.officerB.token);
      expect(response.status).toBe(404);
    });
  });

  it('is readable by contract members, their auditors and admins; 404 for strangers', async () => {
    // Admins read rosters (not content) to find where a leaver is named.
    for (const who of ['officerA', 'staffX', 'auditor', 'admin'] as const) {
      const response = await t.get(roster(), w[who].token);
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeGreaterThanOrEqual(3);
    }
    // Z's staff is named from 1 December only: not yet a reader (need to know).
    const early = await t.get(roster(), w.staffZ.token);
    expect([early.status, early.body.code]).toEqual([403, 'NOT_ROSTERED']);
    for (const who of ['officerB', 'staffY', 'auditorB'] as const) {
      const response = await t.get(roster(), w[who].token);
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('CONTRACT_NOT_FOUND');
      expect(response.text).not.toContain(w.staffX.user.id);
    }
  });

  it('withdraws an entry, keeping it in the history; a second withdrawal is 404', async () => {
    const { user } = await aUser(t, w.contractorX, 'contractor_staff', { login: false });
    const added = await t.post(roster(), { userId: user.id, role: 'handler' }, w.officerA.token);
    expect(added.status).toBe(201);
    t.clock.advance(60_000);
    const removed = await t.delete(`${roster()}/${added.body.id}`, w.officerA.token);
    expect(removed.status).toBe(200);
    expect(removed.body.removedAt).toBe(t.clock.now().toISOString());
    const history = await t.get(roster(), w.officerA.token);
    const kept = history.body.items.find((e: { id: string }) => e.id === added.body.id);
    expect(kept.removedAt).toBe(removed.body.removedAt);
    const again = await t.delete(`${roster()}/${added.body.id}`, w.officerA.token);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('ROSTER_ENTRY_NOT_FOUND');
    // Withdrawn, the user can be named again.
    const renamed = await t.post(roster(), { userId: user.id, role: 'handler' }, w.officerA.token);
    expect(renamed.status).toBe(201);
  });

  it('an entry id of another contract is 404 on this one', async () => {
    const other = await aContract(t, w);
    const added = await t.post(
      `/api/contracts/${other.id}/roster`,
      { userId: w.staffX.user.id, role: 'handler' },
      w.officerA.token,
    );
    const response = await t.delete(`${roster()}/${added.body.id}`, w.officerA.token);
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('ROSTER_ENTRY_NOT_FOUND');
  });

  it('accepts users of a subcontractor only while it is approved on the contract', async () => {
    const stranger = await anOrganization(t, 'contractor');
    const { user } = await aUser(t, stranger, 'contractor_staff', { login: false });
    const response = await t.post(roster(), { userId: user.id, role: 'handler' }, w.officerA.token);
    expect(response.status).toBe(422);
  });
});
