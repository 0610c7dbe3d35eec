import { businessDateOf } from '../../src/common/time/business-date.js';
import type { TestApp } from '../support/test-app.js';
import { aContract, aTraining } from './contract.factory.js';
import { aWorld, type World } from './identity.factory.js';

/**
 * A contract of Ward A with Contractor X and Subcontractor Z, whose roster
 * names X's two staff (handler, responsible) and Z's staff (handler), plus
 * helpers that speak the custody API. On a contract that requires training,
 * each is rostered with a training given today.
 */
export async function aCustodyWorld(t: TestApp, contractOverrides: Record<string, unknown> = {}) {
  const w = await aWorld(t);
  const contract = await aContract(t, w, contractOverrides);
  const roster = `/api/contracts/${contract.id}/roster`;
  const training = contract.handlingPolicy.requireTraining
    ? { training: aTraining(businessDateOf(t.clock.now(), 'Asia/Tokyo')) }
    : {};
  for (const [who, role] of [
    ['staffX', 'handler'],
    ['staffX2', 'responsible'],
    ['staffZ', 'handler'],
  ] as const) {
    const body = { userId: w[who].user.id, role, ...training };
    const r = await t.post(roster, body, w.officerA.token);
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

  /**
   * The emergency plan (事故等への対応体制) complete: both sides' contacts, the
   * incident procedure, and both sides' confirmation (X's responsible person
   * for the contractor).
   */
  async emergencyPlan(): Promise<void> {
    const plan = `${this.base}/emergency-plan`;
    const steps: Array<[string, string, string, Record<string, unknown>]> = [
      ['PUT', 'contacts', this.w.officerA.token, { contacts: [anEmergencyContact('区 課長')] }],
      ['PUT', 'contacts', this.w.staffX2.token, { contacts: [anEmergencyContact('取扱責任者')] }],
      ['PUT', 'procedure', this.w.officerA.token, { documentRef: '事故対応手順書 第3版' }],
      ['POST', 'procedure/confirm', this.w.officerA.token, {}],
      ['POST', 'procedure/confirm', this.w.staffX2.token, {}],
    ];
    for (const [method, path, token, body] of steps) {
      const r = await this.t.request(method, `${plan}/${path}`, { token, body });
      if (r.status >= 300) throw new Error(`emergency plan ${path}: ${r.text}`);
    }
  }
}

/** One emergency contact (緊急連絡先) in the given role. */
export function anEmergencyContact(role: string) {
  return { name: `連絡 ${role}`, role, phone: '03-1234-5678', hours: '平日 8:30–17:15' };
}
