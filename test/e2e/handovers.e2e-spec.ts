import { randomUUID } from 'node:crypto';
import { aContract } from '../factories/contract.factory.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { aUser, type TestUser } from '../factories/identity.factory.js';
import type { OrganizationEntity } from '../../src/modules/identity/entities/organization.entity.js';
import { TestApp } from '../support/test-app.js';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

/** A party of a handover as the API names it: the person, and the organization it recorded. */
const partyOf = (who: TestUser, organization: OrganizationEntity) => ({
  userId: who.user.id,
  loginId: who.user.loginId,
  displayName: who.user.displayName,
  organizationId: organization.id,
  organizationName: organization.name,
});

describe('handovers', () => {
  let t: TestApp;
  let c: CustodyWorld;

  beforeAll(async () => {
    t = await TestApp.start({ at: '2026-11-25T01:00:00.000Z' });
    c = await aCustodyWorld(t);
  });
  afterAll(() => t.close());
  // Tokens live 8 hours; the tests move the clock by hours at most per file.

  /**
   * Runs a request that must be refused and proves that nothing was written:
   * same ledger length, same projections.
   */
  async function refused(
    request: () => Promise<{ status: number; body: any }>,
    status: number,
    code: string,
  ) {
    const before = {
      ledger: await t.count('ledger_entries'),
      handovers: await t.count('handovers'),
      incidents: await t.count('incidents'),
      media: JSON.stringify(await t.dataSource.query('SELECT * FROM media ORDER BY id')),
    };
    const response = await request();
    expect({ status: response.status, code: response.body.code }).toEqual({ status, code });
    expect(response.body).toEqual({
      statusCode: status,
      code,
      message: expect.any(String),
      details: expect.any(Object),
    });
    expect(await t.count('ledger_entries')).toBe(before.ledger);
    expect(await t.count('handovers')).toBe(before.handovers);
    expect(await t.count('incidents')).toBe(before.incidents);
    expect(JSON.stringify(await t.dataSource.query('SELECT * FROM media ORDER BY id'))).toBe(
      before.media,
    );
    return response;
  }

  describe('a handover signed on both sides', () => {
    it('moves custody on receipt, not on dispatch', async () => {
      const dvd = await c.dvd('住民-001');
      const sent = await c.provide([dvd], { sealNumber: 'S-0001' });
      expect(sent.status).toBe(201);
      expect(sent.body).toEqual({
        id: expect.any(String),
        seq: expect.any(Number),
        status: 'dispatched',
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        items: [{ mediumId: dvd, label: '住民-001', kind: 'dvd_r' }],
        from: expect.objectContaining({ userId: c.w.officerA.user.id }),
        to: expect.objectContaining({
          userId: c.w.staffX.user.id,
          loginId: c.w.staffX.user.loginId,
          displayName: c.w.staffX.user.displayName,
        }),
      });
      let medium = await c.medium(dvd);
      expect(medium.custody).toMatchObject({
        state: 'in_transit',
        holderOrganizationId: c.w.wardA.id,
        inTransitHandoverId: sent.body.id,
      });

      c.minutes(30);
      const got = await c.receive(c.w.staffX.token, sent.body.id);
      expect(got.status).toBe(201);
      expect(got.body).toMatchObject({
        id: sent.body.id,
        seq: sent.body.seq + 1,
        status: 'received',
        compromisedMediumIds: [],
        incidentIds: [],
      });
      medium = await c.medium(dvd);
      expect(medium.custody).toMatchObject({
        state: 'held',
        holderOrganizationId: c.w.contractorX.id,
        holderUserId: c.w.staffX.user.id,
        inTransitHandoverId: null,
        seq: got.body.seq,
      });

      const list = await t.get(`${c.base}/handovers`, c.w.staffX.token);
      const h = list.body.items.find((x: { id: string }) => x.id === sent.body.id);
      expect(h).toMatchObject({
        status: 'received',
        items: [dvd],
        purpose: 'provide',
        method: 'hand',
        fromUserId: c.w.officerA.user.id,
        toUserId: c.w.staffX.user.id,
        from: partyOf(c.w.officerA, c.w.wardA),
        to: partyOf(c.w.staffX, c.w.contractorX),
        dispatchSeq: sent.body.seq,
        receiptSeq: got.body.seq,
        sealIntact: true,
        compromised: false,
      });
    });

    it('names both parties of each handover, by name and organization, to readers of the contract only', async () => {
      const dvd = await c.dvd();
      const provided = await c.provide([dvd]);
      await c.receive(c.w.staffX.token, provided.body.id);
      c.minutes(1);
      const back = await c.dispatch(c.w.staffX.token, {
        items: [dvd],
        toUserId: c.w.officerA.user.id,
        method: 'hand',
        bagId: 'BAG-NAMES',
        purpose: 'return',
      });
      expect(back.status).toBe(201);
      // Another ward's contract with handovers of its own, in the same service.
      const other = await aCustodyWorld(t);
      await other.provide([await other.dvd()]);

      const list = await t.get(`${c.base}/handovers`, c.w.staffX.token);
      expect(list.status).toBe(200);
      const byId = (id: string) => list.body.items.find((x: { id: string }) => x.id === id);
      expect(byId(provided.body.id)).toMatchObject({
        from: partyOf(c.w.officerA, c.w.wardA),
        to: partyOf(c.w.staffX, c.w.contractorX),
      });
      expect(byId(back.body.id)).toMatchObject({
        from: partyOf(c.w.staffX, c.w.contractorX),
        to: partyOf(c.w.officerA, c.w.wardA),
      });
      // Exactly the fields of a party, and only people of this contract's organizations.
      const own = new Set([c.w.wardA.id, c.w.contractorX.id, c.w.subcontractorZ.id]);
      for (const h of list.body.items) {
        for (const [party, userId, organizationId] of [
          [h.from, h.fromUserId, h.fromOrganizationId],
          [h.to, h.toUserId, h.toOrganizationId],
        ]) {
          expect(Object.keys(party).sort()).toEqual([
            'displayName',
            'loginId',
            'organizationId',
            'organizationName',
            'userId',
          ]);
          expect([party.userId, party.organizationId]).toEqual([userId, organizationId]);
          expect(own.has(party.organizationId)).toBe(true);
        }
      }
      // Strangers to the contract still learn nothing of it, its parties included.
      for (const stranger of [other.w.officerA, c.w.officerB, c.w.staffY]) {
        const r = await t.get(`${c.base}/handovers`, stranger.token);
        expect([r.status, r.body.code]).toEqual([404, 'CONTRACT_NOT_FOUND']);
      }
    });

    it('a subcontractor hands back to the contractor with purpose subcontract', async () => {
      const dvd = await c.dvd();
      const provided = await c.provide([dvd]);
      await c.receive(c.w.staffX.token, provided.body.id);
      c.minutes(1);
      const sub = await c.dispatch(c.w.staffX.token, {
        items: [dvd],
        toUserId: c.w.staffZ.user.id,
        method: 'hand',
        bagId: 'BAG-SUB-1',
        purpose: 'subcontract',
      });
      await c.receive(c.w.staffZ.token, sub.body.id);
      c.minutes(1);
      const wrong = await c.dispatch(c.w.staffZ.token, {
        items: [dvd],
        toUserId: c.w.staffX.user.id,
        method: 'hand',
        bagId: 'BAG-SUB-2',
        purpose: 'return',
      });
      expect([wrong.status, wrong.body.details]).toEqual([
        422,
        { expected: 'subcontract', given: 'return' },
      ]);
      const back = await c.dispatch(c.w.staffZ.token, {
        items: [dvd],
        toUserId: c.w.staffX.user.id,
        method: 'hand',
        bagId: 'BAG-SUB-2',
        purpose: 'subcontract',
      });
      expect(back.status).toBe(201);
      expect((await c.receive(c.w.staffX.token, back.body.id)).status).toBe(201);
      expect((await c.medium(dvd)).custody).toMatchObject({
        state: 'held',
        holderOrganizationId: c.w.contractorX.id,
      });
    });

    it('goes to an approved subcontractor and back to the ward, ending returned', async () => {
      const dvd = await c.dvd();
      const provided = await c.provide([dvd]);
      await c.receive(c.w.staffX.token, provided.body.id);
      c.minutes(1);
      const sub = await c.dispatch(c.w.staffX.token, {
        items: [dvd],
        toUserId: c.w.staffZ.user.id,
        method: 'hand',
        bagId: 'BAG-SUB',
        purpose: 'subcontract',
      });
      expect(sub.status).toBe(201);
      expect((await c.receive(c.w.staffZ.token, sub.body.id)).status).toBe(201);
      expect((await c.medium(dvd)).custody.holderOrganizationId).toBe(c.w.subcontractorZ.id);
      c.minutes(1);
      const back = await c.dispatch(c.w.staffZ.token, {
        items: [dvd],
        toUserId: c.w.officerA.user.id,
        method: 'hand',
        bagId: 'BAG-RET',
        purpose: 'return',
      });
      expect(back.status).toBe(201);
      expect((await c.receive(c.w.officerA.token, back.body.id)).status).toBe(201);
      expect((await c.medium(dvd)).custody).toMatchObject({
        state: 'returned',
        holderOrganizationId: c.w.wardA.id,
      });
    });

    it('sends an encrypted file over LGWAN without a bag', async () => {
      const file = await c.register(c.w.officerA.token, {
        kind: 'encrypted_file',
        label: 'kazei-2026.zip',
        description: '課税データ',
        recordCount: 5000,
        encrypted: true,
        sha256: SHA_A,
      });
      const sent = await c.dispatch(c.w.officerA.token, {
        items: [file.body.id],
        toUserId: c.w.staffX.user.id,
        method: 'lgwan',
        purpose: 'provide',
      });
      expect(sent.status).toBe(201);
      const got = await c.receive(c.w.staffX.token, sent.body.id, {
        sealIntact: true,
        sha256: { [file.body.id]: SHA_A.toUpperCase() },
      });
      expect(got.status).toBe(201);
      expect(got.body.compromisedMediumIds).toEqual([]);
    });
  });

  describe('the split-channel rule', () => {
    it('refuses a medium and its notice in the same handover', async () => {
      const dvd = await c.dvd();
      const pw = await c.notice(dvd);
      const r = await refused(() => c.provide([dvd, pw]), 422, 'SPLIT_CHANNEL_VIOLATION');
      expect(r.body.details.rule).toBe('same_handover');
    });

    it('allows exactly minSeparationMinutes between them and refuses one minute less', async () => {
      const dvd = await c.dvd();
      const pw = await c.notice(dvd);
      const sentAt = t.clock.now().getTime();
      const sent = await c.provide([dvd]);
      expect(sent.status).toBe(201);
      c.minutes(59);
      const early = await refused(() => c.provide([pw]), 422, 'SPLIT_CHANNEL_VIOLATION');
      const earliestAt = new Date(sentAt + 60 * 60_000);
      expect(early.body.details).toMatchObject({
        rule: 'same_occasion',
        mediumId: pw,
        counterpartId: dvd,
        earliestAt: earliestAt.toISOString(),
      });
      // The message says when, on the wall clock of Tokyo.
      const tokyo = new Date(earliestAt.getTime() + 9 * 3_600_000).toISOString();
      expect(early.body.message).toContain(
        `60 分以上空けて引き渡してください。送付可能: ${tokyo.slice(0, 10)} ${tokyo.slice(11, 16)}`,
      );
      c.minutes(1);
      expect((await c.provide([pw])).status).toBe(201);
    });

    it('applies to a back-dated dispatch before the other one too', async () => {
      const dvd = await c.dvd();
      const pw = await c.notice(dvd);
      const t0 = t.clock.now().getTime();
      c.minutes(120);
      // The notice leaves at t0+120; the DVD-R is logged after the fact.
      expect((await c.provide([pw])).status).toBe(201);
      const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
      await refused(() => c.provide([dvd], { occurredAt: at(61) }), 422, 'SPLIT_CHANNEL_VIOLATION');
      expect((await c.provide([dvd], { occurredAt: at(60) })).status).toBe(201);
    });

    it('follows the contract’s own separation', async () => {
      const other = await aCustodyWorld(t, { handoverPolicy: { minSeparationMinutes: 180 } });
      const dvd = await other.dvd();
      const pw = await other.notice(dvd);
      expect((await other.provide([dvd])).status).toBe(201);
      other.minutes(179);
      expect((await other.provide([pw])).body.code).toBe('SPLIT_CHANNEL_VIOLATION');
      other.minutes(1);
      expect((await other.provide([pw])).status).toBe(201);
    });

    it('refuses a bag that still carries the counterpart, and frees it on receipt', async () => {
      const dvd = await c.dvd();
      const pw = await c.notice(dvd);
      const sent = await c.provide([dvd], { bagId: 'BAG-SHARED' });
      c.minutes(61);
      const r = await refused(
        () => c.provide([pw], { bagId: 'BAG-SHARED' }),
        422,
        'SPLIT_CHANNEL_VIOLATION',
      );
      expect(r.body.details).toMatchObject({ rule: 'same_bag', handoverId: sent.body.id });
      expect((await c.receive(c.w.staffX.token, sent.body.id)).status).toBe(201);
      expect((await c.provide([pw], { bagId: 'BAG-SHARED' })).status).toBe(201);
    });

    it('lets unrelated media share a bag', async () => {
      const one = await c.dvd();
      const two = await c.dvd();
      expect((await c.provide([one], { bagId: 'BAG-MIXED' })).status).toBe(201);
      expect((await c.provide([two], { bagId: 'BAG-MIXED' })).status).toBe(201);
    });

    it('never sends a password notice over LGWAN', async () => {
      const file = await c.register(c.w.officerA.token, {
        kind: 'encrypted_file',
        label: 'f.zip',
        description: 'x',
        recordCount: 1,
        encrypted: true,
      });
      const pw = await c.notice(file.body.id);
      const r = await refused(
        () =>
          c.dispatch(c.w.officerA.token, {
            items: [pw],
            toUserId: c.w.staffX.user.id,
            method: 'lgwan',
            purpose: 'provide',
          }),
        422,
        'SPLIT_CHANNEL_VIOLATION',
      );
      expect(r.body.details.rule).toBe('same_channel');
    });
  });

  describe('the method', () => {
    it.each(['dvd_r', 'cd_r', 'usb', 'paper'])('refuses a %s over LGWAN', async (kind) => {
      const r = await c.register(c.w.officerA.token, {
        kind,
        label: `${kind}-1`,
        description: 'x',
        recordCount: 1,
        encrypted: kind !== 'paper',
      });
      expect(r.status).toBe(201);
      await refused(
        () =>
          c.dispatch(c.w.officerA.token, {
            items: [r.body.id],
            toUserId: c.w.staffX.user.id,
            method: 'lgwan',
            purpose: 'provide',
          }),
        422,
        'HANDOVER_METHOD_NOT_ALLOWED',
      );
    });

    it('refuses a handover by hand without a bag', async () => {
      const dvd = await c.dvd();
      await refused(
        () =>
          c.dispatch(c.w.officerA.token, {
            items: [dvd],
            toUserId: c.w.staffX.user.id,
            method: 'hand',
            purpose: 'provide',
          }),
        422,
        'HANDOVER_METHOD_NOT_ALLOWED',
      );
    });
  });

  describe('custody', () => {
    it('only the holder’s organization dispatches (409 NOT_CUSTODIAN)', async () => {
      const dvd = await c.dvd();
      await refused(
        () =>
          c.dispatch(c.w.staffX.token, {
            items: [dvd],
            toUserId: c.w.staffZ.user.id,
            method: 'hand',
            bagId: 'B',
            purpose: 'subcontract',
          }),
        409,
        'NOT_CUSTODIAN',
      );
    });

    it('an item in transit cannot leave again (409 IN_TRANSIT)', async () => {
      const dvd = await c.dvd();
      expect((await c.provide([dvd])).status).toBe(201);
      await refused(() => c.provide([dvd]), 409, 'IN_TRANSIT');
    });

    it('a lost medium never moves again (409 MEDIUM_CLOSED)', async () => {
      const dvd = await c.dvd();
      const lost = await t.post(
        `${c.base}/incidents`,
        { kind: 'lost', mediumIds: [dvd], description: '庁舎内で所在不明' },
        c.w.officerA.token,
      );
      expect(lost.status).toBe(201);
      expect((await c.medium(dvd)).custody.state).toBe('lost');
      await refused(() => c.provide([dvd]), 409, 'MEDIUM_CLOSED');
      await refused(
        () =>
          t.post(
            `${c.base}/incidents`,
            { kind: 'lost', mediumIds: [dvd], description: 'again' },
            c.w.officerA.token,
          ),
        409,
        'MEDIUM_CLOSED',
      );
    });
  });

  describe('parties', () => {
    it.each([
      ['an auditor', 'auditor'],
      ['an officer of another ward', 'officerB'],
      ['the sender themself', 'officerA'],
    ] as const)('refuses %s as addressee (422 INVALID_ADDRESSEE)', async (_label, who) => {
      const dvd = await c.dvd();
      await refused(
        () => c.provide([dvd], { toUserId: c.w[who].user.id }),
        422,
        'INVALID_ADDRESSEE',
      );
    });

    it('refuses an unknown addressee (422 INVALID_ADDRESSEE)', async () => {
      const dvd = await c.dvd();
      await refused(() => c.provide([dvd], { toUserId: randomUUID() }), 422, 'INVALID_ADDRESSEE');
    });

    it('refuses a contractor not approved on the contract (403 SUBCONTRACTING_NOT_APPROVED)', async () => {
      const dvd = await c.dvd();
      const sent = await c.provide([dvd]);
      await c.receive(c.w.staffX.token, sent.body.id);
      await refused(
        () =>
          c.dispatch(c.w.staffX.token, {
            items: [dvd],
            toUserId: c.w.staffY.user.id,
            method: 'hand',
            bagId: 'B',
            purpose: 'subcontract',
          }),
        403,
        'SUBCONTRACTING_NOT_APPROVED',
      );
    });

    it('refuses a purpose that does not fit the parties (422 PURPOSE_MISMATCH)', async () => {
      const dvd = await c.dvd();
      const r = await refused(
        () => c.provide([dvd], { purpose: 'return' }),
        422,
        'PURPOSE_MISMATCH',
      );
      expect(r.body.details).toEqual({ expected: 'provide', given: 'return' });
    });

    it('refuses an addressee who is not on the roster (403 NOT_ROSTERED)', async () => {
      const { user } = await aUser(t, c.w.contractorX, 'contractor_staff', { login: false });
      const dvd = await c.dvd();
      await refused(() => c.provide([dvd], { toUserId: user.id }), 403, 'NOT_ROSTERED');
    });

    it('refuses a sender who is not on the roster (403 NOT_ROSTERED)', async () => {
      const stranger = await aUser(t, c.w.contractorX, 'contractor_staff');
      const dvd = await c.dvd();
      const sent = await c.provide([dvd]);
      await c.receive(c.w.staffX.token, sent.body.id);
      await refused(
        () =>
          c.dispatch(stranger.token, {
            items: [dvd],
            toUserId: c.w.staffZ.user.id,
            method: 'hand',
            bagId: 'B',
            purpose: 'subcontract',
          }),
        403,
        'NOT_ROSTERED',
      );
    });

    it('checks the roster at occurredAt: a handler back-dated before being named is refused', async () => {
      const other = await aContract(t, c.w, { startsOn: '2026-09-01' });
      const base = `/api/contracts/${other.id}`;
      await t.post(
        `${base}/roster`,
        { userId: c.w.staffX.user.id, role: 'handler', validFrom: '2026-11-20' },
        c.w.officerA.token,
      );
      const dvd = await t.post(
        `${base}/media`,
        {
          kind: 'dvd_r',
          label: 'old',
          description: 'x',
          recordCount: 1,
          encrypted: true,
          occurredAt: '2026-11-01T09:00:00+09:00',
        },
        c.w.officerA.token,
      );
      const body = {
        items: [dvd.body.id],
        toUserId: c.w.staffX.user.id,
        method: 'hand',
        bagId: 'B',
        purpose: 'provide',
      };
      await refused(
        () =>
          t.post(
            `${base}/handovers`,
            { ...body, occurredAt: '2026-11-19T23:59:00+09:00' },
            c.w.officerA.token,
          ),
        403,
        'NOT_ROSTERED',
      );
      const ok = await t.post(
        `${base}/handovers`,
        { ...body, occurredAt: '2026-11-20T00:00:00+09:00' },
        c.w.officerA.token,
      );
      expect(ok.status).toBe(201);
    });

    it('a handler withdrawn from the roster can no longer act', async () => {
      const { user, token } = await aUser(t, c.w.contractorX, 'contractor_staff');
      const added = await t.post(
        `${c.base}/roster`,
        { userId: user.id, role: 'handler' },
        c.w.officerA.token,
      );
      const dvd = await c.dvd();
      const sent = await c.provide([dvd], { toUserId: user.id });
      expect(sent.status).toBe(201);
      expect((await c.receive(token, sent.body.id)).status).toBe(201);
      c.minutes(1);
      await t.delete(`${c.base}/roster/${added.body.id}`, c.w.officerA.token);
      c.minutes(1);
      await refused(
        () =>
          c.dispatch(token, {
            items: [dvd],
            toUserId: c.w.officerA.user.id,
            method: 'hand',
            bagId: 'B',
            purpose: 'return',
          }),
        403,
        'NOT_ROSTERED',
      );
    });
  });

  describe('time', () => {
    it('accepts up to 5 minutes of clock skew and refuses more', async () => {
      const dvd = await c.dvd();
      const now = t.clock.now().getTime();
      await refused(
        () => c.provide([dvd], { occurredAt: new Date(now + 5 * 60_000 + 1000).toISOString() }),
        422,
        'INVALID_OCCURRED_AT',
      );
      expect(
        (await c.provide([dvd], { occurredAt: new Date(now + 4 * 60_000).toISOString() })).status,
      ).toBe(201);
    });

    it('refuses an event dated before the item’s previous event', async () => {
      const before = new Date(t.clock.now().getTime() - 60_000).toISOString();
      const dvd = await c.dvd();
      await refused(() => c.provide([dvd], { occurredAt: before }), 422, 'INVALID_OCCURRED_AT');
    });

    it('records recordedAt from the server clock and occurredAt as given, in UTC', async () => {
      const dvd = await c.dvd();
      const sent = await c.provide([dvd], {
        occurredAt: new Date(t.clock.now().getTime() + 60_000).toISOString().replace('Z', '+00:00'),
      });
      const page = await t.get(
        `${c.base}/ledger?afterSeq=${sent.body.seq - 1}&limit=1`,
        c.w.auditor.token,
      );
      expect(page.body.items[0]).toMatchObject({
        seq: sent.body.seq,
        type: 'handover_dispatched',
        recordedAt: t.clock.now().toISOString(),
        occurredAt: new Date(t.clock.now().getTime() + 60_000).toISOString(),
      });
    });
  });

  describe('bad input', () => {
    it('refuses unknown media and media of another contract (422 UNKNOWN_MEDIUM)', async () => {
      const other = await aContract(t, c.w);
      const foreign = await t.post(
        `/api/contracts/${other.id}/media`,
        { kind: 'dvd_r', label: 'f', description: 'x', recordCount: 1, encrypted: true },
        c.w.officerA.token,
      );
      const dvd = await c.dvd();
      for (const items of [[randomUUID()], [foreign.body.id], [dvd, foreign.body.id]]) {
        const r = await refused(() => c.provide(items), 422, 'UNKNOWN_MEDIUM');
        expect(r.body.details.mediumIds).not.toContain(dvd);
      }
    });

    it.each([
      ['an empty item list', { items: [] }, 'items'],
      ['duplicated items', { items: ['DUP', 'DUP'] }, 'items'],
      ['an empty reference', { items: [''] }, 'items'],
      ['a bad method', { method: 'post' }, 'method'],
      ['a bad purpose', { purpose: 'gift' }, 'purpose'],
      ['a time without offset', { occurredAt: '2026-11-25T10:00:00' }, 'occurredAt'],
      ['30 February', { occurredAt: '2026-02-30T10:00:00+09:00' }, 'occurredAt'],
      ['an unknown field', { colour: 'red' }, 'colour'],
    ])('refuses %s with 400 naming the field', async (_label, override, field) => {
      const dvd = await c.dvd();
      const body: Record<string, unknown> = {
        items: [dvd],
        toUserId: c.w.staffX.user.id,
        method: 'hand',
        bagId: 'B',
        purpose: 'provide',
        ...override,
      };
      if (Array.isArray(body.items) && body.items[0] === 'DUP') body.items = [dvd, dvd];
      const r = await refused(() => c.dispatch(c.w.officerA.token, body), 400, 'VALIDATION_FAILED');
      expect(r.body.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    });

    it('refuses roles that never hand over (403) and strangers to the contract (404)', async () => {
      const dvd = await c.dvd();
      const body = {
        items: [dvd],
        toUserId: c.w.staffX.user.id,
        method: 'hand',
        bagId: 'B',
        purpose: 'provide',
      };
      await refused(() => c.dispatch(c.w.auditor.token, body), 403, 'FORBIDDEN_ROLE');
      await refused(() => c.dispatch(c.w.admin.token, body), 403, 'FORBIDDEN_ROLE');
      await refused(() => c.dispatch(c.w.officerB.token, body), 404, 'CONTRACT_NOT_FOUND');
      await refused(() => c.dispatch(c.w.staffY.token, body), 404, 'CONTRACT_NOT_FOUND');
    });
  });

  describe('receipt', () => {
    let handoverId: string;
    let dvd: string;

    beforeEach(async () => {
      dvd = await c.dvd(undefined, undefined, { sha256: SHA_A });
      const sent = await c.provide([dvd]);
      handoverId = sent.body.id;
    });

    it('only the addressee signs (403 NOT_ADDRESSEE)', async () => {
      await refused(() => c.receive(c.w.staffX2.token, handoverId), 403, 'NOT_ADDRESSEE');
      await refused(() => c.receive(c.w.officerA.token, handoverId), 403, 'NOT_ADDRESSEE');
    });

    it('strangers to the contract get 404', async () => {
      await refused(() => c.receive(c.w.staffY.token, handoverId), 404, 'CONTRACT_NOT_FOUND');
    });

    it('an unknown handover is 404 HANDOVER_NOT_FOUND', async () => {
      await refused(() => c.receive(c.w.staffX.token, randomUUID()), 404, 'HANDOVER_NOT_FOUND');
    });

    it('a handover is received once (409 HANDOVER_ALREADY_RECEIVED)', async () => {
      expect((await c.receive(c.w.staffX.token, handoverId)).status).toBe(201);
      await refused(
        () => c.receive(c.w.staffX.token, handoverId),
        409,
        'HANDOVER_ALREADY_RECEIVED',
      );
    });

    it('cannot be dated before its dispatch (422 INVALID_OCCURRED_AT)', async () => {
      const before = new Date(t.clock.now().getTime() - 1000).toISOString();
      await refused(
        () => c.receive(c.w.staffX.token, handoverId, { sealIntact: true, occurredAt: before }),
        422,
        'INVALID_OCCURRED_AT',
      );
    });

    it('refuses fingerprints of media not in the handover (422) and malformed ones (400)', async () => {
      await refused(
        () =>
          c.receive(c.w.staffX.token, handoverId, {
            sealIntact: true,
            sha256: { [randomUUID()]: SHA_A },
          }),
        422,
        'UNKNOWN_MEDIUM',
      );
      await refused(
        () =>
          c.receive(c.w.staffX.token, handoverId, { sealIntact: true, sha256: { [dvd]: 'xyz' } }),
        400,
        'VALIDATION_FAILED',
      );
      await refused(() => c.receive(c.w.staffX.token, handoverId, {}), 400, 'VALIDATION_FAILED');
    });

    it('with a broken seal records the receipt and an incident, and marks the items compromised', async () => {
      const ledger = await t.count('ledger_entries');
      const r = await c.receive(c.w.staffX.token, handoverId, { sealIntact: false });
      expect(r.status).toBe(201);
      expect(r.body.compromisedMediumIds).toEqual([dvd]);
      expect(r.body.incidentIds).toHaveLength(1);
      expect(await t.count('ledger_entries')).toBe(ledger + 2);
      const medium = await c.medium(dvd);
      expect(medium.custody).toMatchObject({
        state: 'compromised',
        compromised: true,
        holderOrganizationId: c.w.contractorX.id,
      });
      const incidents = await t.get(`${c.base}/incidents`, c.w.officerA.token);
      expect(
        incidents.body.items.find((i: { id: string }) => i.id === r.body.incidentIds[0]),
      ).toMatchObject({
        kind: 'seal_broken',
        handoverId,
        mediumIds: [dvd],
        seq: r.body.seq + 1,
      });
    });

    it('with a wrong fingerprint records an incident for that item', async () => {
      const r = await c.receive(c.w.staffX.token, handoverId, {
        sealIntact: true,
        sha256: { [dvd]: SHA_B },
      });
      expect(r.status).toBe(201);
      expect(r.body.compromisedMediumIds).toEqual([dvd]);
      const incidents = await t.get(`${c.base}/incidents`, c.w.auditor.token);
      expect(
        incidents.body.items.find((i: { id: string }) => i.id === r.body.incidentIds[0]).kind,
      ).toBe('fingerprint_mismatch');
      // Compromised sticks: back at the ward it is still compromised.
      c.minutes(1);
      const back = await c.dispatch(c.w.staffX.token, {
        items: [dvd],
        toUserId: c.w.officerA.user.id,
        method: 'hand',
        bagId: 'B-RET',
        purpose: 'return',
      });
      await c.receive(c.w.officerA.token, back.body.id);
      expect((await c.medium(dvd)).custody).toMatchObject({
        state: 'compromised',
        holderOrganizationId: c.w.wardA.id,
      });
    });

    it('with the right fingerprint keeps the item held', async () => {
      const r = await c.receive(c.w.staffX.token, handoverId, {
        sealIntact: true,
        sha256: { [dvd]: SHA_A },
      });
      expect(r.body.compromisedMediumIds).toEqual([]);
      expect((await c.medium(dvd)).custody.state).toBe('held');
    });
  });
});
