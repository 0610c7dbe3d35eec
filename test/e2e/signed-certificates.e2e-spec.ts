import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import forge from 'node-forge';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { TestApp } from '../support/test-app.js';

interface Signer {
  certPem: string;
  keyPem: string;
  key: forge.pki.rsa.PrivateKey;
  cert: forge.pki.Certificate;
}

/** An RSA key and a self-signed certificate, made with node-forge. */
function aSigner(cn: string, notBefore: string, notAfter: string): Signer {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(
    privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  );
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(
    publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  );
  cert.serialNumber = '0' + Math.floor(Math.random() * 1e12).toString(16);
  cert.validity.notBefore = new Date(notBefore);
  cert.validity.notAfter = new Date(notAfter);
  const attrs = [
    { name: 'commonName', value: cn },
    { name: 'organizationName', value: 'Contractor X' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(key, forge.md.sha256.create());
  return {
    certPem: forge.pki.certificateToPem(cert),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    key,
    cert,
  };
}

/** Detached PKCS#7 over `bytes`, as node-forge makes it. */
function forgeSign(signer: Signer, bytes: Buffer): string {
  const p7 = forge.pkcs7.createSignedData();
  p7.content = forge.util.createBuffer(bytes.toString('binary'));
  p7.addCertificate(signer.cert);
  p7.addSigner({
    key: signer.key,
    certificate: signer.cert,
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

/** The same with the standard tool: `openssl cms -sign -binary` (detached, PEM). */
function opensslSign(signer: Signer, bytes: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'kanribo-cms-'));
  try {
    writeFileSync(join(dir, 'body.json'), bytes);
    writeFileSync(join(dir, 'cert.pem'), signer.certPem);
    writeFileSync(join(dir, 'key.pem'), signer.keyPem);
    execFileSync('openssl', [
      'cms',
      '-sign',
      '-binary',
      '-in',
      join(dir, 'body.json'),
      '-signer',
      join(dir, 'cert.pem'),
      '-inkey',
      join(dir, 'key.pem'),
      '-outform',
      'PEM',
      '-out',
      join(dir, 'sig.pem'),
    ]);
    return readFileSync(join(dir, 'sig.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the contractor signs: the RFC 8785 canonical JSON of the body without `signature`. */
const signedBytes = (body: Record<string, unknown>): Buffer =>
  Buffer.from(canonicalize(body)!, 'utf8');

describe('signed deletion certificates', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let signer: Signer;
  const body = (extra: Record<string, unknown> = {}) => ({
    certificateNumber: `DC-${Math.random().toString(36).slice(2, 8)}`,
    erasedAt: '2026-11-25T09:00:00+09:00',
    scope: { dataItems: ['氏名', '住所'], systems: ['PC-12'], places: ['本社'] },
    mediaIds: [],
    method: 'purge',
    tool: 'CryptoErase 2.1',
    verification: '鍵破棄を確認',
    performedBy: '作業 五郎',
    ...extra,
  });
  const certificates = () => `/api/organizations/${c.w.contractorX.id}/certificates`;
  const submit = (b: Record<string, unknown>) =>
    t.post(`${c.base}/deletion-certificates`, b, c.w.staffX2.token);

  beforeAll(async () => {
    t = await TestApp.start({ at: '2026-11-25T01:00:00.000Z' });
    c = await aCustodyWorld(t);
    signer = aSigner('X signer', '2026-01-01T00:00:00Z', '2030-01-01T00:00:00Z');
  });
  afterAll(() => t.close());

  describe('registering certificates', () => {
    it('a ward officer registers one for a contractor on their contract', async () => {
      const r = await t.post(certificates(), { pem: signer.certPem }, c.w.officerA.token);
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({
        organizationId: c.w.contractorX.id,
        fingerprint256: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
        subject: expect.stringContaining('CN=X signer'),
        validTo: '2030-01-01T00:00:00.000Z',
      });
      const list = await t.get(certificates(), c.w.staffX.token);
      expect(list.body.items.map((x: { id: string }) => x.id)).toEqual([r.body.id]);
    });

    it('refuses, writing nothing: duplicates, bad PEM, expired, the wrong people', async () => {
      const count = async () => t.count('organization_certificates');
      const before = await count();
      const expect4xx = async (
        token: string,
        pem: string,
        status: number,
        code: string,
        url = certificates(),
      ) => {
        const r = await t.post(url, { pem }, token);
        expect({ status: r.status, code: r.body.code }).toEqual({ status, code });
      };
      await expect4xx(c.w.admin.token, signer.certPem, 409, 'X509_EXISTS');
      await expect4xx(
        c.w.admin.token,
        '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----',
        422,
        'PEM_INVALID',
      );
      await expect4xx(c.w.admin.token, 'hello', 422, 'PEM_INVALID');
      await expect4xx(c.w.admin.token, signer.certPem + signer.certPem, 422, 'PEM_INVALID');
      const expired = aSigner('old', '2025-01-01T00:00:00Z', '2026-06-01T00:00:00Z');
      await expect4xx(c.w.admin.token, expired.certPem, 422, 'X509_EXPIRED');
      // Another ward's officer does not learn that the contractor exists (least privilege).
      await expect4xx(
        c.w.officerB.token,
        aSigner('b', '2026-01-01T00:00:00Z', '2030-01-01T00:00:00Z').certPem,
        404,
        'ORGANIZATION_NOT_FOUND',
      );
      // Their own ward is theirs to see, but not a contractor on their contracts.
      await expect4xx(
        c.w.officerA.token,
        aSigner('w', '2026-01-01T00:00:00Z', '2030-01-01T00:00:00Z').certPem,
        403,
        'NOT_CONTRACT_WARD',
        `/api/organizations/${c.w.wardA.id}/certificates`,
      );
      await expect4xx(c.w.staffX.token, signer.certPem, 403, 'FORBIDDEN_ROLE');
      await expect4xx(
        c.w.admin.token,
        signer.certPem,
        404,
        'ORGANIZATION_NOT_FOUND',
        '/api/organizations/00000000-0000-4000-8000-000000000000/certificates',
      );
      expect(await count()).toBe(before);
      const stranger = await t.get(certificates(), c.w.staffY.token);
      expect(stranger.status).toBe(404);
    });
  });

  describe('submitting a signed certificate', () => {
    it('accepts a node-forge signature over the canonical JSON and keeps it in the ledger', async () => {
      const b = body();
      const r = await submit({ ...b, signature: forgeSign(signer, signedBytes(b)) });
      expect(r.status).toBe(201);
      const listed = await t.get(`${c.base}/deletion-certificates`, c.w.officerA.token);
      const cert = listed.body.items.find((x: { id: string }) => x.id === r.body.id);
      expect(cert.signerFingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      const page = await t.get(
        `${c.base}/ledger?afterSeq=${r.body.seq - 1}&limit=1`,
        c.w.auditor.token,
      );
      expect(page.body.items[0].payload.signature.pem).toContain('-----BEGIN PKCS7-----');
    });

    it('accepts a signature made by openssl cms -sign on the same bytes', async () => {
      const b = body({ witnessedBy: '立会 六郎' });
      const signature = opensslSign(signer, signedBytes(b));
      expect(signature).toContain('-----BEGIN CMS-----');
      const r = await submit({ ...b, signature });
      expect(r.status).toBe(201);
    });

    it.each([
      [
        'a body changed after signing',
        (b: Record<string, unknown>) => ({ ...b, tool: 'other' }),
        () => signer,
      ],
      [
        'a signer the organization never registered',
        (b: Record<string, unknown>) => b,
        () => aSigner('rogue', '2026-01-01T00:00:00Z', '2030-01-01T00:00:00Z'),
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
      const old = aSigner('old but registered', '2026-01-01T00:00:00Z', '2026-12-31T00:00:00Z');
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
          { ...b, signature: forgeSign(old, signedBytes(b)) },
          fresh.body.token,
        );
        expect([r.status, r.body.code]).toEqual([422, 'SIGNATURE_INVALID']);
      } finally {
        t.clock.set('2026-11-25T01:00:00.000Z');
      }
    });
  });
});
