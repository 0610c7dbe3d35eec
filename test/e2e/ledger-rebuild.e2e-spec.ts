// The application first: importing the ledger service alone meets an import cycle of the entities.
import { TestApp } from '../support/test-app.js';
import { LedgerService } from '../../src/modules/ledger/ledger.service.js';
import { aTraining } from '../factories/contract.factory.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { aUser, type TestUser } from '../factories/identity.factory.js';
import {
  chainProblems,
  type Prng,
  prng,
  readLedger,
  type Snapshot,
  snapshotProjections,
  sql,
} from '../support/ledger-kit.js';
import { built, childEnv, runNode } from '../support/run-node.js';

/**
 * A long seeded pseudo-random sequence of custody operations through HTTP,
 * refused ones mixed in; then the projections rebuilt from the ledger alone
 * (in process and by the CLI) must equal the ones kept live.
 */
const SEED = Number(process.env.LEDGER_REBUILD_SEED ?? 20261125);
const OPERATIONS = 400;

type Side = 'ward' | 'X' | 'Z';
type Kind =
  | 'register'
  | 'notice'
  | 'dispatch'
  | 'receive'
  | 'store'
  | 'rosterAdd'
  | 'rosterRemove'
  | 'refused';

interface Party {
  name: string;
  side: Side;
  user: TestUser;
}

const DESCRIPTIONS = ['住民税課税資料', '住民記録データ', '国保資格情報', '=1+1 が入った資料'];
const LOCATIONS = ['第2書庫 金庫A', '本社 施錠キャビネット3', '再委託先 金庫', '-B1 保管庫'];
const NOTES = ['至急', '再発行分', '@担当者へ', '確認済み, 封印写真あり'];

const hex = (r: Prng): string =>
  Array.from({ length: 64 }, () => '0123456789abcdef'[r.int(16)]).join('');

/** One contract and its cast, driven by the PRNG. */
class Sim {
  readonly parties: Party[];
  private labels = 0;

  constructor(
    readonly t: TestApp,
    readonly c: CustodyWorld,
    readonly r: Prng,
    readonly name: string,
    extra: { officerA2: TestUser; staffX3: TestUser; staffZ2: TestUser },
  ) {
    const w = c.w;
    this.parties = [
      { name: 'officerA', side: 'ward', user: w.officerA },
      { name: 'officerA2', side: 'ward', user: extra.officerA2 },
      { name: 'staffX', side: 'X', user: w.staffX },
      { name: 'staffX2', side: 'X', user: w.staffX2 },
      { name: 'staffX3', side: 'X', user: extra.staffX3 },
      { name: 'staffZ', side: 'Z', user: w.staffZ },
      { name: 'staffZ2', side: 'Z', user: extra.staffZ2 },
    ];
  }

  private party(name: string): Party {
    return this.parties.find((p) => p.name === name)!;
  }

  private sideOfOrg(organizationId: string): Side {
    if (organizationId === this.c.w.wardA.id) return 'ward';
    if (organizationId === this.c.w.contractorX.id) return 'X';
    return 'Z';
  }

  private label(prefix: string): string {
    return `${this.name}-${prefix}-${String(++this.labels).padStart(4, '0')}`;
  }

  /** Media with custody, in a deterministic order (labels are ours). */
  private async media(): Promise<any[]> {
    const r = await this.t.get(`${this.c.base}/media`, this.c.w.officerA.token);
    return (r.body.items as any[]).sort((a, b) => (a.label < b.label ? -1 : 1));
  }

  private async handovers(): Promise<any[]> {
    const r = await this.t.get(`${this.c.base}/handovers`, this.c.w.officerA.token);
    return r.body.items as any[];
  }

  private movable(media: any[]): any[] {
    return media.filter(
      (m) => !['in_transit', 'erased', 'destroyed', 'lost'].includes(m.custody.state),
    );
  }

  private purpose(from: Party, to: Party): string {
    if (from.side === to.side) return 'internal';
    if (from.side === 'ward') return 'provide';
    if (to.side === 'ward') return 'return';
    return 'subcontract';
  }

  private occurredAt(): string | undefined {
    const x = this.r.next();
    const now = this.t.clock.now().getTime();
    if (x < 0.1) return new Date(now - this.r.between(1, 40) * 60_000).toISOString();
    if (x < 0.13) return new Date(now + 2 * 3_600_000).toISOString(); // the future: refused
    return undefined;
  }

  async run(kind: Kind): Promise<{ kind: Kind; status: number; code?: string }> {
    const response = await this[kind]();
    return { kind, status: response.status, code: response.body?.code };
  }

  private register() {
    const r = this.r;
    const who = r.pick(['officerA', 'officerA', 'officerA2', 'staffX', 'staffZ']);
    const kind = r.pick(['dvd_r', 'dvd_r', 'dvd_r', 'cd_r', 'usb', 'paper', 'encrypted_file']);
    const encrypted = kind === 'encrypted_file' || (kind !== 'paper' && r.chance(0.85));
    const body: Record<string, unknown> = {
      kind,
      label: this.label('M'),
      description: r.pick(DESCRIPTIONS),
      recordCount: r.int(5000),
      encrypted,
    };
    if (encrypted && r.chance(0.6)) body.sha256 = hex(r);
    if (r.chance(0.3)) body.location = r.pick(LOCATIONS);
    const at = this.occurredAt();
    if (at) body.occurredAt = at;
    return this.c.register(this.party(who).user.token, body);
  }

  private async notice() {
    const targets = (await this.media()).filter((m) => m.encrypted && m.kind !== 'password_notice');
    if (targets.length === 0) return this.register();
    const target = this.r.pick(targets);
    const who = this.r.pick(['officerA', 'officerA2', 'staffX']);
    return this.c.register(this.party(who).user.token, {
      kind: 'password_notice',
      label: this.label('PW'),
      description: 'パスワード通知書',
      recordCount: 0,
      encrypted: false,
      unlocksMediumId: target.id,
    });
  }

  private async dispatch() {
    const r = this.r;
    const movable = this.movable(await this.media());
    if (movable.length === 0) return this.register();
    const first = r.pick(movable);
    const side = this.sideOfOrg(first.custody.holderOrganizationId);
    const others = movable.filter(
      (m) => m.id !== first.id && this.sideOfOrg(m.custody.holderOrganizationId) === side,
    );
    const items = [first, ...(r.chance(0.3) ? r.some(others, r.between(1, 2)) : [])];
    const sender = r.pick(this.parties.filter((p) => p.side === side));
    const addressee = r.pick(this.parties.filter((p) => p !== sender));
    const right = this.purpose(sender, addressee);
    const purpose = r.chance(0.93)
      ? right
      : r.pick(['provide', 'return', 'subcontract', 'internal']);
    const files = items.every((m) => m.kind === 'encrypted_file');
    const method = (files && r.chance(0.6)) || r.chance(0.03) ? 'lgwan' : 'hand';
    const body: Record<string, unknown> = {
      items: items.map((m) => m.id),
      toUserId: addressee.user.user.id,
      method,
      purpose,
    };
    if (method === 'hand' && r.chance(0.96)) body.bagId = `BAG-${r.int(8)}`;
    if (r.chance(0.7)) body.sealNumber = `S-${r.int(100_000)}`;
    if (r.chance(0.2)) body.note = r.pick(NOTES);
    const at = this.occurredAt();
    if (at) body.occurredAt = at;
    return this.c.dispatch(sender.user.token, body);
  }

  private async receive() {
    const r = this.r;
    const pending = (await this.handovers()).filter((h) => h.status === 'dispatched');
    if (pending.length === 0) return this.dispatch();
    const handover = r.pick(pending);
    const addressee = this.parties.find((p) => p.user.user.id === handover.toUserId)!;
    const receiver = r.chance(0.06)
      ? r.pick(this.parties.filter((p) => p !== addressee))
      : addressee;
    const media = await this.media();
    const sha256: Record<string, string> = {};
    for (const id of [...(handover.items as string[])].sort()) {
      const m = media.find((x) => x.id === id);
      if (!m?.sha256) continue;
      const x = r.next();
      if (x < 0.5) sha256[id] = m.sha256;
      else if (x < 0.62) sha256[id] = hex(r);
    }
    const body: Record<string, unknown> = { sealIntact: r.chance(0.9) };
    if (Object.keys(sha256).length > 0) body.sha256 = sha256;
    if (r.chance(0.1)) {
      body.occurredAt = new Date(
        this.t.clock.now().getTime() - r.between(1, 10) * 60_000,
      ).toISOString();
    }
    return this.c.receive(receiver.user.token, handover.id, body);
  }

  private async store() {
    const r = this.r;
    const movable = this.movable(await this.media());
    if (movable.length === 0) return this.register();
    const m = r.pick(movable);
    const side = this.sideOfOrg(m.custody.holderOrganizationId);
    const who = r.chance(0.05)
      ? r.pick(this.parties.filter((p) => p.side !== side)) // not the holder: refused
      : r.pick(this.parties.filter((p) => p.side === side));
    return this.t.post(
      `${this.c.base}/media/${m.id}/store`,
      { location: r.pick(LOCATIONS) },
      who.user.token,
    );
  }

  private rosterAdd() {
    const who = this.party(this.r.pick(['staffX3', 'staffZ2']));
    return this.t.post(
      `${this.c.base}/roster`,
      { userId: who.user.user.id, role: this.r.pick(['handler', 'responsible']) },
      this.c.w.officerA.token,
    );
  }

  private async rosterRemove() {
    const ids = [this.party('staffX3').user.user.id, this.party('staffZ2').user.user.id];
    const roster = await this.t.get(`${this.c.base}/roster`, this.c.w.officerA.token);
    const current = (roster.body.items as any[]).filter(
      (e) => e.removedAt === null && ids.includes(e.userId),
    );
    if (current.length === 0) return this.rosterAdd();
    const entry = this.r.pick(current);
    return this.t.delete(`${this.c.base}/roster/${entry.id}`, this.c.w.officerA.token);
  }

  /** Operations that must be refused. */
  private async refused() {
    const r = this.r;
    const w = this.c.w;
    const media = await this.media();
    const any = media.length ? r.pick(media).id : '00000000-0000-4000-8000-000000000001';
    const bag = `BAG-${r.int(8)}`;
    switch (r.int(7)) {
      case 0: // a contractor with no part in the contract
        return this.c.dispatch(w.staffY.token, {
          items: [any],
          toUserId: w.staffX.user.id,
          method: 'hand',
          bagId: bag,
          purpose: 'provide',
        });
      case 1: {
        // to a contractor that is not an approved subcontractor
        const atWard = this.movable(media).filter(
          (m) => this.sideOfOrg(m.custody.holderOrganizationId) === 'ward',
        );
        return this.c.dispatch(w.officerA.token, {
          items: [atWard.length ? r.pick(atWard).id : any],
          toUserId: w.staffY.user.id,
          method: 'hand',
          bagId: bag,
          purpose: 'provide',
        });
      }
      case 2: {
        const done = (await this.handovers()).filter((h) => h.status === 'received');
        if (done.length === 0) return this.c.receive(w.officerA.token, any);
        const h = r.pick(done);
        const addressee = this.parties.find((p) => p.user.user.id === h.toUserId)!;
        return this.c.receive(addressee.user.token, h.id);
      }
      case 3: {
        const moving = media.filter((m) => m.custody.state === 'in_transit');
        const m = moving.length ? r.pick(moving) : undefined;
        if (!m) return this.c.register(w.officerB.token, { kind: 'dvd_r' });
        const side = this.sideOfOrg(m.custody.holderOrganizationId);
        const sender = r.pick(this.parties.filter((p) => p.side === side));
        const to = r.pick(this.parties.filter((p) => p !== sender));
        return this.c.dispatch(sender.user.token, {
          items: [m.id],
          toUserId: to.user.user.id,
          method: 'hand',
          bagId: bag,
          purpose: this.purpose(sender, to),
        });
      }
      case 4: // another ward
        return this.c.register(w.officerB.token, {
          kind: 'dvd_r',
          label: 'X',
          description: 'x',
          recordCount: 1,
          encrypted: true,
        });
      case 5: {
        // a medium and its notice in one handover
        const notices = media.filter((m) => m.kind === 'password_notice');
        const n = notices.length ? r.pick(notices) : undefined;
        const items = n ? [n.id, n.unlocksMediumId] : [any, any];
        return this.c.dispatch(w.officerA.token, {
          items,
          toUserId: w.staffX.user.id,
          method: 'hand',
          bagId: bag,
          purpose: 'provide',
        });
      }
      default:
        return this.c.dispatch(w.officerA.token, {
          items: ['00000000-0000-4000-8000-00000000dead'],
          toUserId: w.staffX.user.id,
          method: 'hand',
          bagId: bag,
          purpose: 'provide',
        });
    }
  }
}

const WEIGHTS: Array<[Kind, number]> = [
  ['register', 10],
  ['notice', 6],
  ['dispatch', 30],
  ['receive', 28],
  ['store', 7],
  ['rosterAdd', 3],
  ['rosterRemove', 3],
  ['refused', 8],
];

/**
 * Designated places, a consent, a copy permission and a copy on a contract
 * of their own: steps that name places and media made from others, for the
 * rebuild to restore.
 */
async function placesAndCopies(t: TestApp): Promise<void> {
  const c = await aCustodyWorld(t);
  const ok = <T extends { status: number; text: string }>(r: T): T => {
    if (r.status >= 300) throw new Error(`places and copies: ${r.status} ${r.text}`);
    return r;
  };
  const place = async (name: string, mediaStorage: boolean) =>
    ok(
      await t.post(
        `${c.base}/places`,
        { name, address: `${name} 住所`, mediaStorage },
        c.w.officerA.token,
      ),
    ).body.id as string;
  const office = await place('作業室', false);
  const vault = await place('金庫室', true);
  const medium = await c.dvd('PC-ORIG');
  const sent = ok(await c.provide([medium]));
  t.clock.advance(5 * 60_000);
  ok(await c.receive(c.w.staffX.token, sent.body.id, { sealIntact: true, placeId: office }));
  const validUntil = new Date(t.clock.now().getTime() + 86_400_000).toISOString();
  const consent = ok(
    await t.post(
      `${c.base}/place-consents`,
      { mediumIds: [medium], name: '大阪事業所', address: '大阪市', reason: '移転', validUntil },
      c.w.officerA.token,
    ),
  );
  ok(
    await t.post(
      `${c.base}/media/${medium}/store`,
      { location: '棚1', placeId: consent.body.placeId },
      c.w.staffX.token,
    ),
  );
  ok(
    await t.post(
      `${c.base}/copy-permissions`,
      { mediumIds: [medium], purpose: '照合用', validUntil },
      c.w.officerA.token,
    ),
  );
  ok(
    await c.register(c.w.staffX.token, {
      kind: 'usb',
      label: 'PC-COPY',
      description: '複製',
      recordCount: 1,
      encrypted: true,
      placeId: vault,
      derivedFrom: { kind: 'media', mediumIds: [medium] },
    }),
  );
  ok(await t.post(`${c.base}/places/${vault}/withdraw`, { reason: '移設' }, c.w.officerA.token));
}

function chooseKind(r: Prng): Kind {
  let x = r.int(WEIGHTS.reduce((s, [, n]) => s + n, 0));
  for (const [kind, n] of WEIGHTS) {
    if (x < n) return kind;
    x -= n;
  }
  return 'dispatch';
}

describe('projections rebuilt from the ledger alone', () => {
  let t: TestApp;
  let sims: Sim[];
  let live: Snapshot;
  const outcomes: Array<{ kind: Kind; status: number; code?: string }> = [];
  const problems: string[] = [];

  beforeAll(async () => {
    t = await TestApp.start({ env: { TOKEN_TTL_MINUTES: '43200', LOG_LEVEL: 'warn' } });
    const r = prng(SEED);
    sims = [];
    for (const [name, overrides] of [
      ['K1', {}],
      ['K2', { handoverPolicy: { minSeparationMinutes: 30 } }],
    ] as const) {
      const c = await aCustodyWorld(t, overrides);
      sims.push(
        new Sim(t, c, r, name, {
          officerA2: await aUser(t, c.w.wardA, 'ward_officer'),
          staffX3: await aUser(t, c.w.contractorX, 'contractor_staff'),
          staffZ2: await aUser(t, c.w.subcontractorZ, 'contractor_staff'),
        }),
      );
    }

    for (let i = 0; i < OPERATIONS; i++) {
      const x = r.next();
      t.clock.advance(
        (x < 0.7 ? r.between(1, 20) : x < 0.95 ? r.between(20, 90) : r.between(120, 360)) * 60_000,
      );
      const sim = r.chance(0.7) ? sims[0]! : sims[1]!;
      const before = await t.count('ledger_entries');
      const outcome = await sim.run(chooseKind(r));
      const after = await t.count('ledger_entries');
      outcomes.push(outcome);
      const at = `op ${i} (${sim.name} ${outcome.kind} → ${outcome.status} ${outcome.code ?? ''})`;
      if (outcome.status >= 500) problems.push(`${at}: server error`);
      if (outcome.status < 300 && after <= before)
        problems.push(`${at}: accepted, nothing appended`);
      if (outcome.status >= 300 && after !== before) problems.push(`${at}: refused, yet appended`);
    }
    await placesAndCopies(t);
    // A training and a complete emergency plan, outside the PRNG's sequence.
    const k1 = sims[0]!.c;
    const trained = await t.post(
      `${k1.base}/trainings`,
      { userId: k1.w.staffX.user.id, ...aTraining('2026-11-01') },
      k1.w.officerA.token,
    );
    if (trained.status !== 201) problems.push(`training: ${trained.status}`);
    await k1.emergencyPlan();
    live = await snapshotProjections(t);
  });
  afterAll(() => t.close());

  it(`ran ${OPERATIONS} operations (seed ${SEED}) of every kind, refusals mixed in, with no server error`, async () => {
    expect(problems).toEqual([]);
    expect(outcomes).toHaveLength(OPERATIONS);
    const types: Array<{ type: string; n: number | string }> = await sql(
      t,
      'SELECT type, COUNT(*) AS n FROM ledger_entries GROUP BY type',
    );
    const count = (type: string) => Number(types.find((x) => x.type === type)?.n ?? 0);
    expect(count('medium_registered')).toBeGreaterThanOrEqual(40);
    expect(count('handover_dispatched')).toBeGreaterThanOrEqual(60);
    expect(count('handover_received')).toBeGreaterThanOrEqual(50);
    expect(count('medium_stored')).toBeGreaterThanOrEqual(10);
    expect(count('incident_reported')).toBeGreaterThanOrEqual(3);
    expect(count('roster_entry_added')).toBeGreaterThanOrEqual(6 + 3);
    expect(count('roster_entry_removed')).toBeGreaterThanOrEqual(3);

    const incidents = await sql(t, 'SELECT kind FROM incidents');
    expect(new Set(incidents.map((i: any) => i.kind))).toEqual(
      new Set(['seal_broken', 'fingerprint_mismatch']),
    );
    const purposes = new Set(
      (await sql(t, 'SELECT purpose FROM handovers')).map((h: any) => h.purpose),
    );
    expect(purposes).toEqual(new Set(['provide', 'return', 'subcontract', 'internal']));
    const notices = await sql(t, "SELECT COUNT(*) AS n FROM media WHERE kind = 'password_notice'");
    expect(Number(notices[0].n)).toBeGreaterThanOrEqual(5);
    const noticeTrips = await sql(
      t,
      "SELECT COUNT(*) AS n FROM handover_items i JOIN media m ON m.id = i.medium_id WHERE m.kind = 'password_notice'",
    );
    expect(Number(noticeTrips[0].n)).toBeGreaterThanOrEqual(2);
    const compromised = await sql(t, 'SELECT COUNT(*) AS n FROM media WHERE compromised = ?', [
      t.database.kind === 'postgres' ? true : 1,
    ]);
    expect(Number(compromised[0].n)).toBeGreaterThanOrEqual(2);

    const refusedCodes = new Set(outcomes.filter((o) => o.status >= 400).map((o) => o.code));
    expect(outcomes.filter((o) => o.status >= 400).length).toBeGreaterThanOrEqual(40);
    for (const code of [
      'SPLIT_CHANNEL_VIOLATION',
      'IN_TRANSIT',
      'NOT_ROSTERED',
      'CONTRACT_NOT_FOUND',
      'SUBCONTRACTING_NOT_APPROVED',
      'HANDOVER_ALREADY_RECEIVED',
      'INVALID_OCCURRED_AT',
    ]) {
      expect([...refusedCodes]).toContain(code);
    }
  });

  it('LedgerService.rebuildProjections() gives back exactly the live tables', async () => {
    expect(live.media!.length).toBeGreaterThanOrEqual(40);
    expect(live.designated_places).toHaveLength(2);
    expect(live.place_consents).toHaveLength(1);
    expect(live.copy_permissions).toMatchObject([{ copies_registered: 1 }]);
    expect(live.handler_trainings).toHaveLength(1);
    expect(live.emergency_plans).toHaveLength(1);
    const replayed = await t.app.get(LedgerService).rebuildProjections();
    expect(replayed).toBe(await t.count('ledger_entries'));
    expect(await snapshotProjections(t)).toEqual(live);
  });

  it('npm run ledger:rebuild does the same from another process while the app is up', async () => {
    // Spoil the projections first, so that only a real rebuild can restore them.
    await sql(t, 'DELETE FROM incidents');
    await sql(t, 'DELETE FROM handover_items');
    await sql(t, "UPDATE media SET state = 'lost', location = NULL");
    await sql(t, "UPDATE handovers SET status = 'dispatched'");
    await sql(t, 'DELETE FROM roster_entries WHERE removed_at IS NOT NULL');
    await sql(t, 'DELETE FROM place_consents');
    await sql(t, 'DELETE FROM copy_permissions');
    await sql(t, 'UPDATE designated_places SET withdrawn_at = NULL');
    await sql(t, 'DELETE FROM handler_trainings');
    await sql(t, "UPDATE emergency_plans SET ward_contacts = '[]', ward_confirmed_on = NULL");
    expect(await snapshotProjections(t)).not.toEqual(live);

    const result = await runNode(
      built('src/cli/ledger-rebuild.js'),
      childEnv({ ...t.database.env, LOG_LEVEL: 'warn' }),
      45_000,
    );
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const entries = await t.count('ledger_entries');
    expect(result.stdout).toMatch(new RegExp(`\\b${entries} ledger entries\\b`));
    expect(await snapshotProjections(t)).toEqual(live);
  });

  it('leaves every chain intact, and the service carries on from the rebuilt tables', async () => {
    for (const sim of sims) {
      const verdict = await t.get(`${sim.c.base}/ledger/verify`, sim.c.w.auditor.token);
      expect(verdict.body).toMatchObject({ valid: true });
      const served = await readLedger(t, sim.c.contractId, sim.c.w.auditor.token);
      expect(verdict.body.length).toBe(served.length);
      expect(chainProblems(served, sim.c.contractId)).toEqual([]);
    }
    const c = sims[0]!.c;
    t.clock.advance(3 * 3_600_000);
    const medium = await c.dvd('AFTER-REBUILD');
    const sent = await c.provide([medium]);
    expect(sent.status).toBe(201);
    expect((await c.receive(c.w.staffX.token, sent.body.id)).status).toBe(201);
    expect((await c.medium(medium)).custody).toMatchObject({
      state: 'held',
      holderOrganizationId: c.w.contractorX.id,
    });
  });
});
