import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import forge from 'node-forge';
import { OrganizationCertificateEntity } from '../../src/modules/identity/entities/organization-certificate.entity.js';
import { aContract } from '../factories/contract.factory.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { TestApp } from '../support/test-app.js';
import { aTestSigner, opensslCmsSign, type TestSigner } from '../support/x509-kit.js';

/** Detached PKCS#7 over `bytes`, as node-forge makes it (RSA keys only). */
function forgeSign(signer: TestSigner, bytes: Buffer): string {
  const key = forge.pki.privateKeyFromPem(signer.keyPem);
  const cert = forge.pki.certificateFromPem(signer.certPem);
  const p7 = forge.pkcs7.createSignedData();
  p7.content = forge.util.createBuffer(bytes.toString('binary'));
  p7.addCertificate(cert);
  p7.addSigner({
    key,
    certificate: cert,
    digestAlgorithm: forge.pki.oids.sha256!,
    authenticatedAttributes: [
      { type: forge.pki.oids.contentType!, value: forge.pki.oids.data },
      { type: forge.pki.oids.messageDigest! },
      { type: forge.pki.oids.signingTime!, value: new Date() as unknown as string },
    ],
  });
  p7.sign({ detached: true });
  return forge.pkcs7.messageToPem(p7);
}

/** What the contractor signs: the RFC 8785 canonical JSON of the body without `signature`. */
const signedBytes = (body: Record<string, unknown>): Buffer =>
  Buffer.from(canonicalize(body)!, 'utf8');

/**
 * What an auditor does years later with nothing but a ledger entry, as the
 * README tells it: rebuild the signed content from the entry (its contractId
 * and the certificate fields of its payload; no witnessedBy when null), take
 * the detached signature and the signer's certificate from the payload, and
 * run `openssl cms -verify` on them. Returns openssl's exit status.
 */
function verifyFromLedgerEntry(
  entry: { contractId: string; payload: Record<string, any> },
  tamper?: (content: Buffer) => Buffer,
): { status: number | null; stderr: string; signerFingerprint: string } {
  const p = entry.payload;
  const document = {
    contractId: entry.contractId,
    certificateNumber: p.certificateNumber,
    erasedAt: p.erasedAt,
    scope: p.scope,
    mediaIds: p.mediaIds,
    method: p.method,
    tool: p.tool,
    verification: p.verification,
    performedBy: p.performedBy,
    ...(p.witnessedBy === null ? {} : { witnessedBy: p.witnessedBy }),
  };
  let content: Buffer = Buffer.from(canonicalize(document)!, 'utf8');
  if (tamper) content = tamper(content);
  const base64 = /-----BEGIN (?:PKCS7|CMS)-----([\s\S]+?)-----END/.exec(p.signature.pem)![1]!;
  const dir = mkdtempSync(join(tmpdir(), 'kanribo-audit-'));
  try {
    writeFileSync(join(dir, 'content.json'), content);
    writeFileSync(join(dir, 'signature.der'), Buffer.from(base64.replace(/\s+/g, ''), 'base64'));
    writeFileSync(join(dir, 'signer.pem'), p.signature.signerCertificate);
    const run = spawnSync(
      'openssl',
      [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        join(dir, 'signature.der'),
        '-content',
        join(dir, 'content.json'),
        // The signer's own (self-signed) certificate is the trust anchor, so
        // openssl proves the signature was made by exactly that certificate.
        '-CAfile',
        join(dir, 'signer.pem'),
        '-purpose',
        'any',
        '-out',
        join(dir, 'verified.json'),
      ],
      { encoding: 'utf8' },
    );
    return {
      status: run.status,
      stderr: run.stderr,
      signerFingerprint: new X509Certificate(p.signature.signerCertificate).fingerprint256,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('signed deletion certificates', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let rsa: TestSigner;
  let ec: TestSigner;
  const body = (extra: Record<string, unknown> = {}) => ({
    contractId: c.contractId,
    certificateNumber: `DC-${randomUUID().slice(0, 8)}`,
    erasedAt: '2026-11-25T00:00:00.000Z',
    scope: { dataItems: ['氏名', '住所'], systems: ['PC-12'], places: ['本社'] },
    mediaIds: [],
    method: 'purge',
    tool: 'CryptoErase 2.1',
    verification: '鍵破棄を確認',
    performedBy: '作業 五郎',
    ...extra,
  });
  const certificatesOf = (organizationId: string) =>
    `/api/organizations/${organizationId}/certificates`;
  const certificates = () => certificatesOf(c.w.contractorX.id);
  const submit = (b: Record<string, unknown>, base = c.base) =>
    t.post(`${base}/deletion-certificates`, b, c.w.staffX2.token);
  const ledgerEntry = async (seq: number) => {
    const page = await t.get(`${c.base}/ledger?afterSeq=${seq - 1}&limit=1`, c.w.auditor.token);
    expect(page.status).toBe(200);
    return page.body.items[0];
  };

  beforeAll(async () => {
    t = await TestApp.start({ at: '2026-11-25T01:00:00.000Z' });
    c = await aCustodyWorld(t);
    rsa = aTestSigner({ type: 'rsa', bits: 2048 }, { cn: 'X signer RSA' });
    ec = aTestSigner(
      { type: 'ec', curve: 'P-256' },
      { cn: 'X signer EC', keyUsage: ['digitalSignature'] },
    );
  });
  afterAll(() => t.close());

  describe('registering and revoking certificates', () => {
    it('the organization’s responsible person registers its certificates', async () => {
      // staffX2 is X's responsible person (取扱責任者) on the contract's roster.
      const r = await t.post(certificates(), { pem: rsa.certPem }, c.w.staffX2.token);
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({
        organizationId: c.w.contractorX.id,
        fingerprint256: rsa.fingerprint256,
        subject: expect.stringContaining('CN=X signer RSA'),
        validTo: '2030-01-01T00:00:00.000Z',
        revokedAt: null,
      });
      const second = await t.post(certificates(), { pem: ec.certPem }, c.w.staffX2.token);
      expect(second.status).toBe(201);
      const list = await t.get(certificates(), c.w.staffX.token);
      expect(list.body.items.map((x: { id: string }) => x.id).sort()).toEqual(
        [r.body.id, second.body.id].sort(),
      );
    });

    it('refuses anyone else, writing nothing: 404 if they cannot see the organization, else 403', async () => {
      const before = await t.count('organization_certificates');
      const planted = aTestSigner({ type: 'rsa', bits: 2048 }, { cn: 'planted' });
      const attempt = async (token: string, url = certificates()) => {
        const r = await t.post(url, { pem: planted.certPem }, token);
        return [r.status, r.body.code];
      };
      // The ward that owns the contract sees X, but X's keys are not the ward's.
      expect(await attempt(c.w.officerA.token)).toEqual([403, 'NOT_ORGANIZATION_RESPONSIBLE']);
      expect(await attempt(c.w.auditor.token)).toEqual([403, 'NOT_ORGANIZATION_RESPONSIBLE']);
      // X's handler is X's, but not its responsible person.
      expect(await attempt(c.w.staffX.token)).toEqual([403, 'NOT_ORGANIZATION_RESPONSIBLE']);
      // Another ward's officer and another contractor do not learn that X exists.
      expect(await attempt(c.w.officerB.token)).toEqual([404, 'ORGANIZATION_NOT_FOUND']);
      expect(await attempt(c.w.staffY.token)).toEqual([404, 'ORGANIZATION_NOT_FOUND']);
      expect(
        await attempt(c.w.admin.token, certificatesOf('00000000-0000-4000-8000-000000000000')),
      ).toEqual([404, 'ORGANIZATION_NOT_FOUND']);
      expect(await t.count('organization_certificates')).toBe(before);
      expect((await t.get(certificates(), c.w.staffY.token)).status).toBe(404);
    });

    it('refuses a key planted by a ward on a contractor it named without its consent', async () => {
      // Ward B's officer creates a contract naming Y, then tries to register
      // a certificate of their own as Y's signing key.
      const contractB = await t.post(
        '/api/contracts',
        {
          title: 'Y に無断で作った契約',
          contractorOrganizationId: c.w.contractorY.id,
          startsOn: '2026-09-01',
          endsOn: '2027-03-31',
          dataItems: ['氏名'],
          subjectCount: 10,
        },
        c.w.officerB.token,
      );
      expect(contractB.status).toBe(201);
      const own = aTestSigner(
        { type: 'ec', curve: 'P-256' },
        { cn: 'officer B pretending to be Y' },
      );
      const r = await t.post(
        certificatesOf(c.w.contractorY.id),
        { pem: own.certPem },
        c.w.officerB.token,
      );
      expect([r.status, r.body.code]).toEqual([403, 'NOT_ORGANIZATION_RESPONSIBLE']);
      const listed = await t.get(certificatesOf(c.w.contractorY.id), c.w.admin.token);
      expect(listed.body.items).toEqual([]);
    });

    it('does not let a certificate registered by someone else verify anything (planted before this rule)', async () => {
      // A row as the old rule let a ward officer write it.
      const planted = aTestSigner({ type: 'rsa', bits: 2048 }, { cn: 'planted earlier' });
      const x509 = new X509Certificate(planted.certPem);
      await t.dataSource.getRepository(OrganizationCertificateEntity).insert({
        id: randomUUID(),
        organizationId: c.w.contractorX.id,
        fingerprint256: x509.fingerprint256,
        subject: x509.subject,
        issuer: x509.issuer,
        serialNumber: x509.serialNumber,
        validFrom: '2026-01-01T00:00:00.000Z',
        validTo: '2030-01-01T00:00:00.000Z',
        pem: planted.certPem,
        registeredByUserId: c.w.officerA.user.id,
        registeredAt: '2026-11-01T00:00:00.000Z',
        revokedAt: null,
        revokedByUserId: null,
      });
      const b = body();
      const ledger = await t.count('ledger_entries');
      const r = await submit({ ...b, signature: forgeSign(planted, signedBytes(b)) });
      expect([r.status, r.body.code]).toEqual([422, 'SIGNATURE_INVALID']);
      expect(await t.count('ledger_entries')).toBe(ledger);
    });

    it.each<[string, Parameters<typeof aTestSigner>, string]>([
      ['DSA', [{ type: 'dsa' }], 'key_type_not_allowed'],
      ['Ed25519', [{ type: 'ed25519' }], 'key_type_not_allowed'],
      ['RSA-1024', [{ type: 'rsa', bits: 1024 }], 'rsa_key_too_short'],
      ['EC P-521', [{ type: 'ec', curve: 'P-521' }], 'ec_curve_not_allowed'],
      ['EC secp256k1', [{ type: 'ec', curve: 'secp256k1' }], 'ec_curve_not_allowed'],
      [
        'a keyUsage of keyEncipherment only',
        [{ type: 'rsa', bits: 2048 }, { keyUsage: ['keyEncipherment'] }],
        'key_usage_not_signing',
      ],
    ])('refuses %s with 400 SIGNING_KEY_REFUSED, writing nothing', async (_l, spec, reason) => {
      const before = await t.count('organization_certificates');
      const r = await t.post(
        certificates(),
        { pem: aTestSigner(...spec).certPem },
        c.w.admin.token,
      );
      expect([r.status, r.body.code, r.body.details.reason]).toEqual([
        400,
        'SIGNING_KEY_REFUSED',
        reason,
      ]);
      expect(await t.count('organization_certificates')).toBe(before);
    });

    it('accepts an EC P-384 certificate made by openssl req -x509 (admin)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kanribo-req-'));
      let pem: string;
      try {
        execFileSync('openssl', [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-384',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-subj',
          '/CN=X P-384',
          '-days',
          '3650',
          '-addext',
          'keyUsage=critical,nonRepudiation',
        ]);
        pem = readFileSync(join(dir, 'cert.pem'), 'utf8');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const r = await t.post(certificates(), { pem }, c.w.admin.token);
      expect([r.status, r.body.subject]).toEqual([201, 'CN=X P-384']);
    });

    it('refuses duplicates, bad PEM and expired certificates', async () => {
      const before = await t.count('organization_certificates');
      const refused = async (pem: string) => {
        const r = await t.post(certificates(), { pem }, c.w.admin.token);
        return [r.status, r.body.code];
      };
      expect(await refused(rsa.certPem)).toEqual([409, 'X509_EXISTS']);
      expect(
        await refused('-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----'),
      ).toEqual([422, 'PEM_INVALID']);
      expect(await refused('hello')).toEqual([422, 'PEM_INVALID']);
      expect(await refused(rsa.certPem + rsa.certPem)).toEqual([422, 'PEM_INVALID']);
      const expired = aTestSigner(
        { type: 'ec', curve: 'P-256' },
        { notBefore: '2025-01-01T00:00:00Z', notAfter: '2026-06-01T00:00:00Z' },
      );
      expect(await refused(expired.certPem)).toEqual([422, 'X509_EXPIRED']);
      expect(await t.count('organization_certificates')).toBe(before);
    });

    it('revokes: only the organization or an admin; a revoked key verifies nothing new; both writes are in the access log', async () => {
      const doomed = aTestSigner({ type: 'ec', curve: 'P-384' }, { cn: 'doomed' });
      const registered = await t.post(certificates(), { pem: doomed.certPem }, c.w.staffX2.token);
      expect(registered.status).toBe(201);
      const id = registered.body.id as string;
      const b = body();
      expect(
        (await submit({ ...b, signature: opensslCmsSign(doomed, signedBytes(b)) })).status,
      ).toBe(201);

      const revoke = (token: string, certificateId = id, org = c.w.contractorX.id) =>
        t.delete(`${certificatesOf(org)}/${certificateId}`, token);
      for (const [token, status, code] of [
        [c.w.officerA.token, 403, 'NOT_ORGANIZATION_RESPONSIBLE'],
        [c.w.staffX.token, 403, 'NOT_ORGANIZATION_RESPONSIBLE'],
        [c.w.officerB.token, 404, 'ORGANIZATION_NOT_FOUND'],
        [c.w.staffY.token, 404, 'ORGANIZATION_NOT_FOUND'],
      ] as const) {
        const r = await revoke(token);
        expect([r.status, r.body.code]).toEqual([status, code]);
      }
      const unknown = await revoke(c.w.admin.token, randomUUID());
      expect([unknown.status, unknown.body.code]).toEqual([404, 'SIGNING_CERTIFICATE_NOT_FOUND']);
      const listed = await t.get(certificates(), c.w.admin.token);
      expect(listed.body.items.find((x: { id: string }) => x.id === id).revokedAt).toBeNull();

      const revoked = await revoke(c.w.staffX2.token);
      expect(revoked.status).toBe(200);
      expect(revoked.body).toMatchObject({ id, revokedAt: '2026-11-25T01:00:00.000Z' });
      const again = await revoke(c.w.admin.token);
      expect([again.status, again.body.revokedAt]).toEqual([200, '2026-11-25T01:00:00.000Z']);

      const next = body();
      const refused = await submit({
        ...next,
        signature: opensslCmsSign(doomed, signedBytes(next)),
      });
      expect([refused.status, refused.body.code]).toEqual([422, 'SIGNATURE_INVALID']);

      // The access log, read by the ward's auditor, has both writes.
      const log = await t.get('/api/access-log?limit=1000', c.w.auditor.token);
      expect(log.status).toBe(200);
      const entries = log.body.items as Array<Record<string, unknown>>;
      expect(entries).toContainEqual(
        expect.objectContaining({
          userId: c.w.staffX2.user.id,
          method: 'POST',
          route: '/api/organizations/:id/certificates',
          resourceId: c.w.contractorX.id,
          statusCode: 201,
        }),
      );
      expect(entries).toContainEqual(
        expect.objectContaining({
          userId: c.w.staffX2.user.id,
          method: 'DELETE',
          route: '/api/organizations/:id/certificates/:certificateId',
          resourceId: id,
          statusCode: 200,
        }),
      );
    });
  });

  describe('submitting a signed certificate', () => {
    it('accepts a node-forge RSA signature over the canonical JSON that names the contract', async () => {
      const b = body();
      const r = await submit({ ...b, signature: forgeSign(rsa, signedBytes(b)) });
      expect(r.status).toBe(201);
      const listed = await t.get(`${c.base}/deletion-certificates`, c.w.officerA.token);
      const cert = listed.body.items.find((x: { id: string }) => x.id === r.body.id);
      expect(cert.signerFingerprint256).toBe(rsa.fingerprint256);
      const entry = await ledgerEntry(r.body.seq);
      expect(entry.payload.signature.pem).toContain('-----BEGIN PKCS7-----');
    });

    it('accepts an ECDSA (P-256) signature made by openssl cms -sign', async () => {
      const b = body({ witnessedBy: '立会 六郎' });
      const signature = opensslCmsSign(ec, signedBytes(b));
      expect(signature).toContain('-----BEGIN CMS-----');
      const r = await submit({ ...b, signature });
      expect(r.status).toBe(201);
      const listed = await t.get(`${c.base}/deletion-certificates`, c.w.officerA.token);
      expect(listed.body.items.find((x: { id: string }) => x.id === r.body.id)).toMatchObject({
        signerFingerprint256: ec.fingerprint256,
        witnessedBy: '立会 六郎',
      });
    });

    it('is checkable from a ledger entry alone with openssl cms -verify, and not after one byte changes', async () => {
      for (const [signer, sign, extra] of [
        [ec, opensslCmsSign, { witnessedBy: '立会 六郎' }],
        [rsa, forgeSign, {}],
      ] as const) {
        const b = body(extra);
        const r = await submit({ ...b, signature: sign(signer, signedBytes(b)) });
        expect(r.status).toBe(201);
        const entry = await ledgerEntry(r.body.seq);
        expect(entry.type).toBe('deletion_certificate_submitted');
        const ok = verifyFromLedgerEntry(entry);
        expect({ status: ok.status, stderr: ok.stderr }).toEqual({
          status: 0,
          stderr: expect.stringContaining('Verification successful'),
        });
        expect(ok.signerFingerprint).toBe(entry.payload.signature.signerFingerprint256);
        expect(ok.signerFingerprint).toBe(signer.fingerprint256);
        const tampered = verifyFromLedgerEntry(entry, (content) => {
          const copy = Buffer.from(content);
          const at = copy.indexOf('"method"');
          copy[at + 1] = 'M'.charCodeAt(0);
          return copy;
        });
        expect(tampered.status).not.toBe(0);
        expect(tampered.stderr).not.toContain('Verification successful');
      }
    });

    it('refuses the same body and signature on another contract (422 SIGNATURE_CONTRACT_MISMATCH)', async () => {
      const other = await aContract(t, c.w);
      const added = await t.post(
        `/api/contracts/${other.id}/roster`,
        { userId: c.w.staffX2.user.id, role: 'responsible' },
        c.w.officerA.token,
      );
      expect(added.status).toBe(201);
      const b = body();
      const signature = forgeSign(rsa, signedBytes(b));
      const ledger = await t.count('ledger_entries');
      const replayed = await submit({ ...b, signature }, `/api/contracts/${other.id}`);
      expect([replayed.status, replayed.body.code]).toEqual([422, 'SIGNATURE_CONTRACT_MISMATCH']);
      expect(replayed.body.details).toEqual({
        contractId: other.id,
        signedContractId: c.contractId,
      });
      // Naming the other contract breaks the signature instead.
      const renamed = await submit(
        { ...b, contractId: other.id, signature },
        `/api/contracts/${other.id}`,
      );
      expect([renamed.status, renamed.body.code]).toEqual([422, 'SIGNATURE_INVALID']);
      // A signed body that names no contract is not bound to one.
      const unbound: Record<string, unknown> = { ...b };
      delete unbound.contractId;
      const loose = await submit({ ...unbound, signature: forgeSign(rsa, signedBytes(unbound)) });
      expect([loose.status, loose.body.code]).toEqual([422, 'SIGNATURE_CONTRACT_MISMATCH']);
      expect(await t.count('ledger_entries')).toBe(ledger);
      // On its own contract it is accepted.
      expect((await submit({ ...b, signature })).status).toBe(201);
    });

    it('refuses the same body and signature again after a rejection (409 CERTIFICATE_NUMBER_REUSED)', async () => {
      const b = body();
      const signature = forgeSign(rsa, signedBytes(b));
      const first = await submit({ ...b, signature });
      expect(first.status).toBe(201);
      const rejected = await t.post(
        `${c.base}/deletion-certificates/${first.body.id}/reject`,
        { reason: 'バックアップの消去が記載されていない' },
        c.w.officerA.token,
      );
      expect(rejected.status).toBe(201);
      const ledger = await t.count('ledger_entries');
      const again = await submit({ ...b, signature });
      expect([again.status, again.body.code]).toEqual([409, 'CERTIFICATE_NUMBER_REUSED']);
      expect(again.body.details.certificateId).toBe(first.body.id);
      expect(await t.count('ledger_entries')).toBe(ledger);
      // A resubmission is a new certificate with a new number, signed anew.
      const renewed = body({ verification: '鍵破棄を確認し、バックアップも消去した' });
      expect(
        (await submit({ ...renewed, signature: forgeSign(rsa, signedBytes(renewed)) })).status,
      ).toBe(201);
    });

    it.each([
      [
        'erasedAt with an offset',
        { erasedAt: '2026-11-25T09:00:00+09:00' },
        'erasedAt',
        '2026-11-25T00:00:00.000Z',
      ],
      [
        'erasedAt without milliseconds',
        { erasedAt: '2026-11-25T00:00:00Z' },
        'erasedAt',
        '2026-11-25T00:00:00.000Z',
      ],
      ['text with surrounding spaces', { tool: ' CryptoErase 2.1 ' }, 'tool', 'CryptoErase 2.1'],
      [
        'a number with a trailing space',
        { certificateNumber: 'DC-9 ' },
        'certificateNumber',
        'DC-9',
      ],
    ])(
      'refuses a signed body the service would have to normalize (%s) with 400 CERTIFICATE_NOT_CANONICAL',
      async (_label, change, field, canonical) => {
        const b = body(change);
        const ledger = await t.count('ledger_entries');
        const r = await submit({ ...b, signature: forgeSign(rsa, signedBytes(b)) });
        expect([r.status, r.body.code, r.body.details]).toEqual([
          400,
          'CERTIFICATE_NOT_CANONICAL',
          { field, canonical },
        ]);
        expect(await t.count('ledger_entries')).toBe(ledger);
      },
    );

    it('takes witnessedBy: null as absent, so bytes signed with the null no longer verify (422, nothing written)', async () => {
      // Every optional field treats null as not given (validators.ts): the
      // stored certificate, and so the signed content, has no witnessedBy.
      const b = body({ witnessedBy: null });
      const ledger = await t.count('ledger_entries');
      const r = await submit({ ...b, signature: forgeSign(rsa, signedBytes(b)) });
      expect([r.status, r.body.code]).toEqual([422, 'SIGNATURE_INVALID']);
      expect(await t.count('ledger_entries')).toBe(ledger);
    });

    it.each([
      [
        'a body changed after signing',
        (b: Record<string, unknown>) => ({ ...b, tool: 'other' }),
        () => rsa,
      ],
      [
        'a signer the organization never registered',
        (b: Record<string, unknown>) => b,
        () => aTestSigner({ type: 'rsa', bits: 2048 }, { cn: 'rogue' }),
      ],
    ])('refuses %s with 422 SIGNATURE_INVALID, writing nothing', async (_label, change, who) => {
      const b = body();
      const signature = forgeSign(who(), signedBytes(b));
      const ledger = await t.count('ledger_entries');
      const r = await submit({ ...change(b), signature });
      expect([r.status, r.body.code]).toEqual([422, 'SIGNATURE_INVALID']);
      expect(await t.count('ledger_entries')).toBe(ledger);
    });

    it('refuses a malformed signature with 422 SIGNATURE_INVALID', async () => {
      for (const signature of ['nonsense', '-----BEGIN PKCS7-----\nAAAA\n-----END PKCS7-----']) {
        const r = await submit({ ...body(), signature });
        expect([r.status, r.body.code]).toEqual([422, 'SIGNATURE_INVALID']);
      }
    });

    it('refuses a certificate that was valid only before today', async () => {
      const old = aTestSigner(
        { type: 'ec', curve: 'P-256' },
        { cn: 'old but registered', notAfter: '2026-12-31T00:00:00Z' },
      );
      expect((await t.post(certificates(), { pem: old.certPem }, c.w.admin.token)).status).toBe(
        201,
      );
      t.clock.set('2027-01-02T01:00:00.000Z');
      try {
        const fresh = await t.post('/api/auth/login', {
          loginId: c.w.staffX2.user.loginId,
          password: 'test-password-0123',
        });
        const b = body();
        const r = await t.post(
          `${c.base}/deletion-certificates`,
          { ...b, signature: opensslCmsSign(old, signedBytes(b)) },
          fresh.body.token,
        );
        expect([r.status, r.body.code]).toEqual([422, 'SIGNATURE_INVALID']);
      } finally {
        t.clock.set('2026-11-25T01:00:00.000Z');
      }
    });

    it('still takes an unsigned certificate, normalizing it as before', async () => {
      // An unsigned certificate need not name its contract, nor be in stored form.
      const unsigned: Record<string, unknown> = body({
        erasedAt: '2026-11-25T09:00:00+09:00',
        tool: ' DiskWipe ',
      });
      delete unsigned.contractId;
      const r = await submit(unsigned);
      expect(r.status).toBe(201);
      const entry = await ledgerEntry(r.body.seq);
      expect(entry.payload).toMatchObject({
        erasedAt: '2026-11-25T00:00:00.000Z',
        tool: 'DiskWipe',
        signature: null,
      });
    });
  });
});
