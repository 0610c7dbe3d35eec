import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { aContract, aTraining, contractBody } from '../factories/contract.factory.js';
import { aCustodyWorld, anEmergencyContact } from '../factories/custody.factory.js';
import { aUser, TEST_PASSWORD } from '../factories/identity.factory.js';
import type { TestApp } from './test-app.js';

/**
 * One request that the validation of an endpoint accepts: who sends it, to
 * which concrete path, with which body. Keyed `METHOD /api/path/{param}` as
 * the OpenAPI document names the operation.
 */
export interface RequestSample {
  token: string;
  path: string;
  /** Every field the body may have, optional ones included, so that each is fuzzed. */
  body?: Record<string, unknown>;
}

export type SampleTable = Record<string, RequestSample>;

const HEX = 'ab'.repeat(32);

/**
 * A custody world (a contract of Ward A with X, X's handler and responsible
 * person on the roster, a medium in transit to X, a submitted certificate),
 * and a valid request for every endpoint that takes a body, built from the
 * factories. The input fuzz test starts from these; an endpoint with a body
 * and no entry here fails it.
 */
export async function writeSamples(
  t: TestApp,
): Promise<{ samples: SampleTable; readers: string[] }> {
  const cw = await aCustodyWorld(t);
  const { w } = cw;
  const base = cw.base;
  const inTransit = await cw.dvd();
  const provided = await cw.provide([inTransit]);
  if (provided.status !== 201) throw new Error(`dispatch: ${provided.text}`);
  const kept = await cw.dvd();
  const certificate = {
    contractId: cw.contractId,
    certificateNumber: `DC-${randomUUID().slice(0, 8)}`,
    erasedAt: '2026-11-20T01:00:00.000Z',
    scope: { dataItems: ['氏名'], systems: ['作業用PC PC-12'], places: ['本社 3階 作業室'] },
    mediaIds: [],
    method: 'purge',
    tool: 'DiskWipe Pro 5.2',
    verification: '全セクタを読み出して確認した',
    performedBy: '作業 五郎',
    witnessedBy: '立会 六郎',
  };
  const submitted = await t.post(`${base}/deletion-certificates`, certificate, w.staffX2.token);
  if (submitted.status !== 201) throw new Error(`certificate: ${submitted.text}`);
  const certId = submitted.body.id as string;
  const mfaUser = await aUser(t, w.wardA, 'ward_officer', { mfa: true });
  t.clock.advance(30_000); // the next TOTP step, so that a second login is a fresh one
  const challenge = await t.post('/api/auth/login', {
    loginId: mfaUser.user.loginId,
    password: TEST_PASSWORD,
  });
  if (challenge.status !== 200) throw new Error(`mfa login: ${challenge.text}`);

  const approver = await aUser(t, w.wardA, 'ward_officer');
  const marked = await t.request('PUT', `/api/users/${approver.user.id}/approver`, {
    token: w.admin.token,
    body: { approver: true },
  });
  if (marked.status !== 200) throw new Error(`approver: ${marked.text}`);
  const takeoutBody = {
    dataItems: ['氏名'],
    recordCount: 100,
    mediaKinds: ['dvd_r'],
    mediaCount: 1,
    purpose: 'provide',
    plannedOn: '2026-11-30',
    terminalId: 'PC-12',
    note: '提供用',
  };
  const waiting = await t.post(`${base}/takeout-requests`, takeoutBody, w.officerA.token);
  if (waiting.status !== 201) throw new Error(`takeout request: ${waiting.text}`);
  // Places on a contract of their own: a designated place on the custody
  // world's contract would ask its contractor-side samples to name one.
  const placesBase = `/api/contracts/${(await aContract(t, w)).id}`;
  const placeBody = {
    name: '本社 第1作業室',
    address: '東京都新宿区西新宿2-8-1',
    mediaStorage: true,
  };
  const place = await t.post(`${placesBase}/places`, placeBody, w.officerA.token);
  if (place.status !== 201) throw new Error(`place: ${place.text}`);
  const until = '2099-12-31T00:00:00+09:00';

  // An audit with one × (a finding), and a status report waiting for its answer.
  const checklist = (await t.get(`${base}/audit-checklist`, w.officerA.token)).body;
  const answers = checklist.sections.flatMap((section: { items: Array<{ id: string }> }) =>
    section.items.map(({ id }) =>
      id === 'op-10'
        ? { itemId: id, answer: 'no', correctiveAction: '施錠させる', dueOn: '2026-12-25' }
        : { itemId: id, answer: 'yes' },
    ),
  );
  const audited = await t.post(
    `${base}/audits`,
    { performedOn: '2026-11-20', result: 'findings', auditors: ['監査 一郎'], answers },
    w.officerA.token,
  );
  if (audited.status !== 201) throw new Error(`audit: ${audited.text}`);
  const findingId = (audited.body.findingIds as string[])[0]!;
  const requested = await t.post(`${base}/status-reports`, {}, w.officerA.token);
  if (requested.status !== 201) throw new Error(`status report: ${requested.text}`);

  // A witness key of Ward A, and its cosignature of the contract's checkpoint
  // (C2SP cosignature/v1, made here with node:crypto); another key to register.
  const witness = (name: string) => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    const id = createHash('sha256')
      .update(`${name}\n`)
      .update(Buffer.from([4]))
      .update(raw);
    const keyId = id.digest().subarray(0, 4);
    const vkey = `${name}+${keyId.toString('hex')}+${Buffer.concat([Buffer.from([4]), raw]).toString('base64')}`;
    const cosign = (text: string, time: number) => {
      const blob = Buffer.alloc(76);
      keyId.copy(blob, 0);
      blob.writeBigUInt64BE(BigInt(time), 4);
      sign(null, Buffer.from(`cosignature/v1\ntime ${time}\n${text}`), privateKey).copy(blob, 12);
      return `\u2014 ${name} ${blob.toString('base64')}`;
    };
    return { name, vkey, cosign };
  };
  const wardWitness = witness('witness.ward-a.example.jp/fuzz');
  const registered = await t.post('/api/witness-keys', { key: wardWitness.vkey }, w.officerA.token);
  if (registered.status !== 201) throw new Error(`witness key: ${registered.text}`);
  const checkpoint = await t.get(`${base}/ledger/checkpoint`, w.officerA.token);
  if (checkpoint.status !== 200) throw new Error(`checkpoint: ${checkpoint.text}`);
  const checkpointText = (checkpoint.body.note as string).split('\n\n')[0]! + '\n';
  const anotherWitness = witness('audit.ward-a.example.jp/fuzz');

  const samples: SampleTable = {
    'POST /api/auth/login': {
      token: '',
      path: '/api/auth/login',
      body: { loginId: w.auditorB.user.loginId, password: TEST_PASSWORD },
    },
    'POST /api/auth/password': {
      token: w.staffY.token,
      path: '/api/auth/password',
      body: { currentPassword: TEST_PASSWORD, newPassword: 'correct-horse-battery-staple-9' },
    },
    'POST /api/auth/mfa/confirm': {
      token: w.officerB.token,
      path: '/api/auth/mfa/confirm',
      body: { code: '123456' },
    },
    'POST /api/auth/mfa/verify': {
      token: challenge.body.mfaToken as string,
      path: '/api/auth/mfa/verify',
      body: { code: '123456' },
    },
    'POST /api/organizations': {
      token: w.admin.token,
      path: '/api/organizations',
      body: { name: `区 ${randomUUID().slice(0, 8)}`, kind: 'ward', documentAddressee: '区長 殿' },
    },
    'PATCH /api/organizations/{id}': {
      token: w.admin.token,
      path: `/api/organizations/${w.wardB.id}`,
      body: { documentAddressee: '区長 殿' },
    },
    'POST /api/users': {
      token: w.admin.token,
      path: '/api/users',
      body: {
        organizationId: w.wardA.id,
        loginId: `fuzz.${randomUUID().slice(0, 8)}`,
        displayName: '佐藤 花子',
        role: 'ward_officer',
        password: 'correct-horse-battery-staple-9',
        email: 'sato.hanako@city.example.jp',
      },
    },
    'PATCH /api/users/{id}': {
      token: w.admin.token,
      path: `/api/users/${w.staffZ.user.id}`,
      body: { displayName: '鈴木 次郎', email: 'suzuki.jiro@contractor.example.jp' },
    },
    'PATCH /api/auth/me/mail-settings': {
      token: w.staffZ.token,
      path: '/api/auth/me/mail-settings',
      body: { email: 'suzuki.jiro@contractor.example.jp', mailMode: 'digest' },
    },
    'POST /api/contracts': {
      token: w.officerA.token,
      path: '/api/contracts',
      body: contractBody(w, {
        handoverPolicy: { minSeparationMinutes: 60 },
        auditPolicy: { reminderLeadDays: [60, 30, 7] },
        handlingPolicy: {
          requireTraining: true,
          trainingValidMonths: 12,
          requireEmergencyPlan: true,
        },
      }),
    },
    'PUT /api/users/{id}/approver': {
      token: w.admin.token,
      path: `/api/users/${approver.user.id}/approver`,
      body: { approver: true },
    },
    'POST /api/contracts/{id}/takeout-requests': {
      token: w.officerA.token,
      path: `${base}/takeout-requests`,
      body: takeoutBody,
    },
    'POST /api/contracts/{id}/takeout-requests/{requestId}/reject': {
      token: approver.token,
      path: `${base}/takeout-requests/${waiting.body.id as string}/reject`,
      body: { reason: '対象を絞ってください' },
    },
    'POST /api/contracts/{id}/places': {
      token: w.officerA.token,
      path: `${placesBase}/places`,
      body: placeBody,
    },
    'POST /api/contracts/{id}/places/{placeId}/withdraw': {
      token: w.officerA.token,
      path: `${placesBase}/places/${place.body.id as string}/withdraw`,
      body: { reason: '移転のため' },
    },
    'POST /api/contracts/{id}/place-consents': {
      token: w.officerA.token,
      path: `${base}/place-consents`,
      body: {
        mediumIds: [kept],
        name: '大阪事業所',
        address: '大阪市北区',
        reason: '改装',
        validUntil: until,
      },
    },
    'POST /api/contracts/{id}/copy-permissions': {
      token: w.officerA.token,
      path: `${base}/copy-permissions`,
      body: { mediumIds: [kept], purpose: '照合用', validUntil: until },
    },
    'POST /api/contracts/{id}/roster': {
      token: w.officerA.token,
      path: `${base}/roster`,
      body: {
        userId: w.staffY.user.id,
        role: 'handler',
        validFrom: '2026-12-01',
        validTo: '2027-03-31',
        training: aTraining('2026-11-01'),
      },
    },
    'POST /api/contracts/{id}/trainings': {
      token: w.officerA.token,
      path: `${base}/trainings`,
      body: { userId: w.staffX.user.id, ...aTraining('2026-11-01') },
    },
    'PUT /api/contracts/{id}/emergency-plan/contacts': {
      token: w.officerA.token,
      path: `${base}/emergency-plan/contacts`,
      body: { contacts: [anEmergencyContact('課長')] },
    },
    'PUT /api/contracts/{id}/emergency-plan/procedure': {
      token: w.officerA.token,
      path: `${base}/emergency-plan/procedure`,
      body: { text: '発覚後直ちに区へ電話で報告する', documentRef: '事故対応手順書 第3版' },
    },
    'POST /api/contracts/{id}/emergency-plan/procedure/confirm': {
      token: w.officerA.token,
      path: `${base}/emergency-plan/procedure/confirm`,
      body: { confirmedOn: '2026-11-25' },
    },
    'POST /api/contracts/{id}/media': {
      token: w.officerA.token,
      path: `${base}/media`,
      body: {
        kind: 'encrypted_file',
        label: 'FILE-001',
        description: '住民税課税資料',
        recordCount: 1200,
        encrypted: true,
        sha256: HEX,
        location: '第2書庫 金庫A',
        occurredAt: '2026-11-25T09:00:00+09:00',
      },
    },
    'POST /api/contracts/{id}/media/{mediumId}/store': {
      token: w.officerA.token,
      path: `${base}/media/${kept}/store`,
      body: { location: '第2書庫 金庫B', occurredAt: '2026-11-25T09:30:00+09:00' },
    },
    'POST /api/contracts/{id}/handovers': {
      token: w.officerA.token,
      path: `${base}/handovers`,
      body: {
        items: [kept],
        toUserId: w.staffX.user.id,
        method: 'hand',
        bagId: 'BAG-07',
        sealNumber: 'S-000123',
        purpose: 'provide',
        occurredAt: '2026-11-25T09:45:00+09:00',
        note: '備考',
      },
    },
    'POST /api/contracts/{id}/handovers/{handoverId}/receive': {
      token: w.staffX.token,
      path: `${base}/handovers/${provided.body.id as string}/receive`,
      body: {
        sealIntact: true,
        sha256: { [inTransit]: HEX },
        occurredAt: '2026-11-25T10:00:00+09:00',
      },
    },
    'POST /api/contracts/{id}/incidents': {
      token: w.officerA.token,
      path: `${base}/incidents`,
      body: {
        kind: 'other',
        mediumIds: [kept],
        description: '封印シールの剥がれを発見',
        occurredAt: '2026-11-25T10:00:00+09:00',
      },
    },
    'POST /api/contracts/{id}/deletion-certificates': {
      token: w.staffX2.token,
      path: `${base}/deletion-certificates`,
      body: {
        ...certificate,
        certificateNumber: `DC-${randomUUID().slice(0, 8)}`,
        signature: '-----BEGIN PKCS7-----\nAA==\n-----END PKCS7-----\n',
      },
    },
    'POST /api/contracts/{id}/deletion-certificates/{certId}/confirm': {
      token: w.officerA.token,
      path: `${base}/deletion-certificates/${certId}/confirm`,
      body: { remarks: '確認した' },
    },
    'POST /api/contracts/{id}/deletion-certificates/{certId}/reject': {
      token: w.officerA.token,
      path: `${base}/deletion-certificates/${certId}/reject`,
      body: { reason: 'バックアップからの消去が記載されていない' },
    },
    'POST /api/contracts/{id}/audits': {
      token: w.officerA.token,
      path: `${base}/audits`,
      body: {
        performedOn: '2026-11-20',
        result: 'findings',
        findings: '施錠記録の不備',
        auditors: ['監査 一郎'],
      },
    },
    'PUT /api/contracts/{id}/audit-checklist': {
      token: w.officerA.token,
      path: `${base}/audit-checklist`,
      body: {
        title: '区の調査項目',
        sections: [
          {
            key: 'operational',
            title: '運用上の対策',
            items: [{ id: 'op-1', number: 1, text: '個人情報は施錠できる金庫に保管させる。' }],
          },
        ],
      },
    },
    'POST /api/contracts/{id}/audit-findings/{findingId}/report-fixed': {
      token: w.staffX.token,
      path: `${base}/audit-findings/${findingId}/report-fixed`,
      body: { note: '施錠記録を付けた' },
    },
    'POST /api/contracts/{id}/audit-findings/{findingId}/verify': {
      token: w.officerA.token,
      path: `${base}/audit-findings/${findingId}/verify`,
      body: { note: '現地で確認した' },
    },
    'POST /api/contracts/{id}/audit-findings/{findingId}/reopen': {
      token: w.officerA.token,
      path: `${base}/audit-findings/${findingId}/reopen`,
      body: { reason: '鍵の保管場所が未記載' },
    },
    'POST /api/contracts/{id}/status-reports': {
      token: w.officerA.token,
      path: `${base}/status-reports`,
      body: { note: '取扱い状況を報告してください' },
    },
    'POST /api/contracts/{id}/status-reports/{reportId}/answer': {
      token: w.staffX2.token,
      path: `${base}/status-reports/${requested.body.id as string}/answer`,
      body: { statement: '施錠キャビネットで保管している。' },
    },
    'POST /api/organizations/{id}/certificates': {
      token: w.staffX2.token,
      path: `/api/organizations/${w.contractorX.id}/certificates`,
      body: { pem: '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n' },
    },
    'PUT /api/organizations/{id}/webhook': {
      token: w.officerA.token,
      path: `/api/organizations/${w.wardA.id}/webhook`,
      // Loopback only: a test sends traffic nowhere else.
      body: {
        url: 'https://127.0.0.1:9/kanribo',
        secret: `whsec_${Buffer.from('a-shared-secret-of-32-characters').toString('base64')}`,
      },
    },
    'POST /api/witness-keys': {
      token: w.auditor.token,
      path: '/api/witness-keys',
      body: { key: anotherWitness.vkey, name: anotherWitness.name },
    },
    'POST /api/contracts/{id}/ledger/checkpoint/cosign': {
      token: w.officerA.token,
      path: `${base}/ledger/checkpoint/cosign`,
      body: {
        witnessKeyId: registered.body.id as string,
        treeSize: checkpoint.body.treeSize as number,
        cosignature: wardWitness.cosign(checkpointText, Math.floor(t.clock.now().getTime() / 1000)),
      },
    },
    'POST /api/admin/jobs/reminder-scan': {
      token: w.admin.token,
      path: '/api/admin/jobs/reminder-scan',
      body: { asOf: '2026-11-25' },
    },
  };
  // Who may read what: one caller of each role.
  const readers = [w.officerA, w.admin, w.auditor, w.staffX].map((u) => u.token);
  return { samples, readers };
}
