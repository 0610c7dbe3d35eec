import type { TestApp } from '../support/test-app.js';
import { aContract } from './contract.factory.js';
import { aWorld, type World } from './identity.factory.js';

/**
 * A contract of Ward A with Contractor X and Subcontractor Z, whose roster
 * names X's two staff (handler, responsible) and Z's staff (handler), plus
 * helpers that speak the custody API.
 */
export async function aCustodyWorld(t: TestApp, contractOverrides: Record<string, unknown> = {}) {
  const w = await aWorld(t);
  const contract = await aContract(t, w, contractOverrides);
  const roster = `/api/contracts/${contract.id}/roster`;
  for (const [who, role] of [
    ['staffX', 'handler'],
    ['staffX2', 'responsible'],
    ['staffZ', 'handler'],
  ] as const) {
    const r = await t.post(roster, { userId: w[who].user.id, role }, w.officerA.token);
    if (r.status !== 201) throw new Error(`roster: ${r.text}`);
  }
  return new CustodyWorld(t, w, contract.id);
}

export class CustodyWorld {
  constructor(
    readonly t: TestApp,
    readonly w: World,
    readonly contractId: string,
  ) {}

  get base(): string {
    return `/api/contracts/${this.contractId}`;
  }

  register(token: string, body: Record<string, unknown>) {
    return this.t.post(`${this.base}/media`, body, token);
  }

  /** Registers an encrypted DVD-R (as Ward A's officer unless told) and returns its id. */
  async dvd(
    label = `DVD-${Math.random().toString(36).slice(2, 8)}`,
    token = this.w.officerA.token,
    extra: Record<string, unknown> = {},
  ) {
    const r = await this.register(token, {
      kind: 'dvd_r',
      label,
      description: '住民税課税資料',
      recordCount: 1200,
      encrypted: true,
      ...extra,
    });
    if (r.status !== 201) throw new Error(`register: ${r.text}`);
    return r.body.id as string;
  }

  async notice(unlocksMediumId: string, token = this.w.officerA.token) {
    const r = await this.register(token, {
      kind: 'password_notice',
      label: `PW-${unlocksMediumId.slice(0, 6)}`,
      description: 'パスワード通知書',
      recordCount: 0,
      encrypted: false,
      unlocksMediumId,
    });
    if (r.status !== 201) throw new Error(`notice: ${r.text}`);
    return r.body.id as string;
  }

  dispatch(token: string, body: Record<string, unknown>) {
    return this.t.post(`${this.base}/handovers`, body, token);
  }

  /** Ward A's officer hands items to X's handler by hand, in a fresh bag. */
  provide(items: string[], extra: Record<string, unknown> = {}) {
    return this.dispatch(this.w.officerA.token, {
      items,
      toUserId: this.w.staffX.user.id,
      method: 'hand',
      bagId: `BAG-${Math.random().toString(36).slice(2, 8)}`,
      sealNumber: 'S-1',
      purpose: 'provide',
      ...extra,
    });
  }

  receive(token: string, handoverId: string, body: Record<string, unknown> = { sealIntact: true }) {
    return this.t.post(`${this.base}/handovers/${handoverId}/receive`, body, token);
  }

  async medium(id: string) {
    const r = await this.t.get(`${this.base}/media/${id}`, this.w.officerA.token);
    return r.body;
  }

  async ledgerLength(): Promise<number> {
    return this.t.count('ledger_entries');
  }

  minutes(n: number): void {
    this.t.clock.advance(n * 60_000);
  }
}
