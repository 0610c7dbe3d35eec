import type { LedgerEntry } from './hash-chain.js';
import { kanriboRow, stepPlace, takeoutApproval } from './kanribo-row.js';
import type {
  HandoverDispatchedPayload,
  HandoverItemRef,
  HandoverReceivedPayload,
  TakeoutApprovalRef,
} from './ledger-payloads.js';

const ward = {
  userId: 'u-1',
  displayName: '山田 太郎',
  organizationId: 'org-ward',
  organizationName: '練馬区 戸籍住民課',
};
const contractor = {
  userId: 'u-2',
  displayName: '佐藤 花子',
  organizationId: 'org-x',
  organizationName: '株式会社データ処理',
};

const approval = (name: string, approvedAt: string): TakeoutApprovalRef => ({
  requestId: `req-${name}`,
  approvedByUserId: `u-${name}`,
  approvedByName: name,
  approvedAt,
});

const item = (n: number, extra: Partial<HandoverItemRef> = {}): HandoverItemRef => ({
  mediumId: `m${n}`,
  kind: 'dvd_r',
  label: `住民-${n}`,
  description: '住民記録データ',
  recordCount: 100 * n,
  ...extra,
});

const dispatched: HandoverDispatchedPayload = {
  handoverId: 'h-1',
  purpose: 'provide',
  method: 'hand',
  bagId: '3-1',
  sealNumber: '000123',
  note: '至急',
  from: ward,
  to: contractor,
  items: [item(1), item(2, { kind: 'paper', description: '届出書写し' })],
};

const entry = (type: string, payload: object, seq = 7): LedgerEntry => ({
  contractId: 'c-1',
  seq,
  type,
  occurredAt: '2026-03-31T15:00:00.000Z',
  recordedAt: '2026-03-31T15:01:00.000Z',
  actor: {
    userId: 'u-1',
    loginId: 'yamada',
    displayName: '山田 太郎',
    organizationId: 'org-ward',
    role: 'ward_officer',
  },
  payload: payload as Record<string, unknown>,
  prevHash: '0'.repeat(64),
  hash: 'a'.repeat(64),
});

describe('kanriboRow', () => {
  it('is null for entries that are not handovers', () => {
    for (const type of ['contract_registered', 'medium_registered', 'incident_reported']) {
      expect(kanriboRow(entry(type, dispatched))).toBeNull();
    }
  });

  it('reads a dispatch into typed fields, identifiers exactly as recorded', () => {
    expect(kanriboRow(entry('handover_dispatched', dispatched))).toEqual({
      seq: 7,
      occurredAt: '2026-03-31T15:00:00.000Z',
      kind: 'dispatch',
      kindLabel: '引渡',
      sender: '練馬区 戸籍住民課 山田 太郎',
      receiver: '株式会社データ処理 佐藤 花子',
      contents: '住民記録データ / 届出書写し',
      media: 'DVD-R 住民-1 / 紙 住民-2',
      quantity: 2,
      records: 300,
      method: '手渡し',
      bagId: '3-1',
      sealNumber: '000123',
      approvers: null,
      approvedAt: null,
      place: null,
      remarks: '目的: 提供; 至急',
      hash: 'a'.repeat(64),
    });
  });

  it('reads a receipt: 受領, the checks in the remarks, no bag or seal as null', () => {
    const received: HandoverReceivedPayload = {
      ...dispatched,
      purpose: 'return',
      method: 'lgwan',
      bagId: null,
      sealNumber: null,
      from: contractor,
      to: ward,
      sealIntact: false,
      sha256: { m1: 'c'.repeat(64) },
      fingerprintMismatches: ['m1'],
      compromisedMediumIds: ['m1'],
      states: { m1: 'compromised', m2: 'returned' },
    };
    const row = kanriboRow(entry('handover_received', received, 8))!;
    expect(row).toMatchObject({
      seq: 8,
      kind: 'receipt',
      kindLabel: '受領',
      sender: '株式会社データ処理 佐藤 花子',
      receiver: '練馬区 戸籍住民課 山田 太郎',
      method: 'LGWAN',
      bagId: null,
      sealNumber: null,
      remarks: '目的: 返却; 封印破損; 指紋照合 1件; 指紋不一致 1件; 事故報告あり',
    });
  });

  it('shows the place of the step: where a receipt was taken, where a dispatch left from', () => {
    const office = { placeId: 'p1', name: '本社 第1作業室', address: '東京都新宿区西新宿2-8-1' };
    const osaka = {
      placeId: 'p2',
      name: '大阪事業所',
      address: '大阪市北区梅田1-1',
      consentIds: ['c1'],
    };
    const sent: HandoverDispatchedPayload = {
      ...dispatched,
      items: dispatched.items.map((i, n) => ({ ...i, place: n === 0 ? office : osaka })),
    };
    const out = kanriboRow(entry('handover_dispatched', sent))!;
    expect(out.place).toBe(
      '本社 第1作業室（東京都新宿区西新宿2-8-1） / 大阪事業所（大阪市北区梅田1-1） 承諾による',
    );
    expect(out.remarks).toBe(`目的: 提供; 場所: ${out.place}; 至急`);
    const received = { ...dispatched, place: office, sealIntact: true, sha256: {} };
    const row = kanriboRow(entry('handover_received', received, 8))!;
    expect(row.place).toBe('本社 第1作業室（東京都新宿区西新宿2-8-1）');
    expect(row.remarks).toBe(
      '目的: 提供; 場所: 本社 第1作業室（東京都新宿区西新宿2-8-1）; 封印異常なし',
    );
    expect(stepPlace([undefined, undefined])).toBeNull();
  });

  it('reads the take-out approvals the items carry (a ledger entry as the producer will write it)', () => {
    // The payload of a dispatch of media taken out under approved requests,
    // through JSON as the ledger stores it.
    const payload = JSON.parse(
      JSON.stringify({
        ...dispatched,
        items: [
          item(1, { takeout: approval('課長 鈴木', '2026-03-30T00:30:00.000Z') }),
          item(2),
          item(3, { takeout: approval('課長 鈴木', '2026-03-31T05:00:00+09:00') }),
          item(4, { takeout: approval('部長 田中', '2026-03-30T12:00:00.000Z') }),
        ],
      }),
    ) as object;
    const row = kanriboRow(entry('handover_dispatched', payload))!;
    expect(row.approvers).toBe('課長 鈴木 / 部長 田中');
    // 05:00 Tokyo on the 31st is 20:00 UTC on the 30th: later than 12:00 UTC.
    expect(row.approvedAt).toBe('2026-03-31T05:00:00+09:00');
    expect(row.quantity).toBe(4);
  });
});

describe('takeoutApproval', () => {
  it('is null and null without approvals', () => {
    expect(takeoutApproval([])).toEqual({ approvers: null, approvedAt: null });
    expect(takeoutApproval([item(1), item(2)])).toEqual({ approvers: null, approvedAt: null });
  });

  it('names each approver once, in item order', () => {
    expect(
      takeoutApproval([
        item(1, { takeout: approval('B', '2026-01-01T00:00:00Z') }),
        item(2, { takeout: approval('A', '2026-01-01T00:00:00Z') }),
        item(3, { takeout: approval('B', '2026-01-01T00:00:00Z') }),
      ]).approvers,
    ).toBe('B / A');
  });

  it('takes the latest instant whatever the offsets, keeping it as written', () => {
    expect(
      takeoutApproval([
        item(1, { takeout: approval('A', '2026-01-01T08:59:00+09:00') }), // 23:59 UTC on 31 Dec
        item(2, { takeout: approval('A', '2025-12-31T23:58:00Z') }),
      ]).approvedAt,
    ).toBe('2026-01-01T08:59:00+09:00');
  });
});
