import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import archiver from 'archiver';
import canonicalize from 'canonicalize';
import yauzl from 'yauzl';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { merkleLeaf, merkleRoot, openCheckpoint, readLedger } from '../support/ledger-kit.js';
import { built, runNode } from '../support/run-node.js';
import { TestApp } from '../support/test-app.js';
import { aTestSigner, opensslCmsSign } from '../support/x509-kit.js';

/** Every file of a zip, by name. */
function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('not a zip'));
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error(entry.fileName));
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(files));
      zip.readEntry();
    });
  });
}

/** A zip of `files`, to forge a package. */
async function zipOf(files: Map<string, Buffer>): Promise<Buffer> {
  const zip = archiver('zip');
  const chunks: Buffer[] = [];
  zip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise((resolve) => zip.on('end', resolve));
  for (const [name, content] of files) zip.append(content, { name });
  await zip.finalize();
  await done;
  return Buffer.concat(chunks);
}

/**
 * `zip` with the uncompressed size its central directory declares for
 * `name` replaced by `size`: what yauzl (and so kanribo-verify) reads.
 */
function declaring(zip: Buffer, name: string, size: number): Buffer {
  const copy = Buffer.from(zip);
  for (let at = copy.indexOf(CENTRAL); at >= 0;) {
    const nameLength = copy.readUInt16LE(at + 28);
    if (copy.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      copy.writeUInt32LE(size, at + 24);
      return copy;
    }
    at = copy.indexOf(CENTRAL, at + 46);
  }
  throw new Error(`${name} is not in the zip`);
}
const CENTRAL = Buffer.from([0x50, 0x4b, 0x01, 0x02]);

/**
 * Issue 13, part 6: the evidence package of a contract, checked offline by
 * the built `kanribo-verify` (a child process with no database, config or
 * network) and by openssl alone.
 */
describe('the evidence package', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let dir: string;
  let zipBytes: Buffer;
  let files: Map<string, Buffer>;

  // The built command, with PATH only: no database, no configuration, no network.
  const verify = (file: string, ...args: string[]) =>
    runNode(built('src/cli/verify-evidence.js'), { PATH: process.env.PATH }, 30_000, [
      file,
      ...args,
    ]);

  beforeAll(async () => {
    t = await TestApp.start({ at: '2026-11-25T01:00:00.000Z' });
    c = await aCustodyWorld(t);
    dir = mkdtempSync(join(tmpdir(), 'kanribo-evidence-'));
    const dvd = await c.dvd('DVD-EV');
    const handover = await c.provide([dvd]);
    expect(handover.status).toBe(201);
    c.minutes(5);
    expect((await c.receive(c.w.staffX.token, handover.body.id)).status).toBe(201);
    // A deletion certificate signed by the contractor's registered key.
    const signer = aTestSigner({ type: 'rsa', bits: 2048 }, { cn: 'X erasure signer' });
    const registered = await t.post(
      `/api/organizations/${c.w.contractorX.id}/certificates`,
      { pem: signer.certPem },
      c.w.staffX2.token,
    );
    expect(registered.status).toBe(201);
    const body = {
      contractId: c.contractId,
      certificateNumber: `DC-${randomUUID().slice(0, 8)}`,
      erasedAt: '2026-11-25T00:00:00.000Z',
      scope: { dataItems: ['氏名', '住所'], systems: ['PC-12'], places: ['本社'] },
      mediaIds: [],
      method: 'purge',
      tool: 'CryptoErase 2.1',
      verification: '鍵破棄を確認',
      performedBy: '作業 五郎',
    };
    const signature = opensslCmsSign(signer, Buffer.from(canonicalize(body)!, 'utf8'));
    const submitted = await t.post(
      `${c.base}/deletion-certificates`,
      { ...body, signature },
      c.w.staffX2.token,
    );
    expect(submitted.status).toBe(201);
    const r = await fetch(`${t.baseUrl}${c.base}/evidence`, {
      headers: { authorization: `Bearer ${c.w.auditor.token}` },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/zip');
    expect(r.headers.get('content-disposition')).toContain(`kanribo-evidence-${c.contractId}.zip`);
    zipBytes = Buffer.from(await r.arrayBuffer());
    writeFileSync(join(dir, 'evidence.zip'), zipBytes);
    files = await unzip(zipBytes);
  });

  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds the ledger as served, the signed checkpoint of exactly those entries, the key, the certificates, the CSV and the steps', async () => {
    const served = await readLedger(t, c.contractId, c.w.officerA.token);
    const lines = files.get('ledger.jsonl')!.toString('utf8').trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual(served);
    const key = (await t.get('/api/transparency/key')).body;
    expect(files.get('checkpoint-key.txt')!.toString().trim()).toBe(key.verifierKey);
    const note = openCheckpoint(
      files.get('checkpoint.txt')!.toString(),
      key.name,
      key.publicKeyPem,
    );
    expect(note).toMatchObject({ verified: true, size: served.length });
    expect(note.root.equals(merkleRoot(served.map(merkleLeaf)))).toBe(true);
    const manifest = JSON.parse(files.get('manifest.json')!.toString());
    expect(manifest).toMatchObject({
      format: 'kanribo-evidence/1',
      contractId: c.contractId,
      treeSize: served.length,
      certificates: [expect.objectContaining({ signed: true })],
    });
    const folder = manifest.certificates[0].folder as string;
    expect(files.get(`${folder}/消去証明書.pdf`)!.subarray(0, 5).toString()).toBe('%PDF-');
    expect(files.has(`${folder}/signature.pem`)).toBe(true);
    // The same bytes as the CSV export (whose text fetch reads without its BOM).
    expect(files.get('管理簿.csv')!.toString('utf8')).toBe(
      `\uFEFF${(await t.get(`${c.base}/ledger/export.csv`, c.w.officerA.token)).text}`,
    );
    expect(files.get('検証手順.txt')!.toString('utf8')).toContain('openssl pkeyutl -verify');
  });

  it('kanribo-verify checks it offline: every check OK, exit 0, and the openssl commands it prints pass', async () => {
    const key = (await t.get('/api/transparency/key')).body.verifierKey as string;
    const extracted = join(dir, 'openssl');
    const run = await verify(join(dir, 'evidence.zip'), '--key', key, '--extract', extracted);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const name of [
      'checkpoint signature',
      'openssl files',
      'hash chain',
      'Merkle root',
      '管理簿 CSV',
    ]) {
      expect(run.stdout).toMatch(new RegExp(`^OK  ${name}: `, 'm'));
    }
    expect(run.stdout).toMatch(
      /^OK {2}certificate DC-[0-9a-f]{8} \(entry \d+\): CMS signature by /m,
    );
    expect(run.stdout).not.toMatch(/^NG/m);
    const commands = run.stdout
      .split('\n')
      .filter((line) => line.startsWith('  openssl '))
      .map((line) => line.trim());
    expect(commands).toHaveLength(2);
    for (const command of commands) {
      const done = spawnSync('sh', ['-c', command], { encoding: 'utf8' });
      expect([command, done.status, done.stderr]).toEqual([command, 0, expect.any(String)]);
    }
    // openssl itself refuses a changed checkpoint body.
    const body = join(extracted, 'openssl/checkpoint-body.txt');
    writeFileSync(body, readFileSync(body, 'utf8').replace(/\n\d+\n/, '\n999\n'));
    expect(spawnSync('sh', ['-c', commands[0]!]).status).not.toBe(0);
  });

  it('names the first failure, with its seq, when an entry, the root, a signature or a certificate is changed', async () => {
    const forged = async (change: (files: Map<string, Buffer>) => void) => {
      const copy = new Map(files);
      change(copy);
      const file = join(dir, `forged-${randomUUID()}.zip`);
      writeFileSync(file, await zipOf(copy));
      return verify(file);
    };
    const lines = () => files.get('ledger.jsonl')!.toString('utf8').split('\n');

    // One entry's payload changed: its hash no longer matches.
    const changed = await forged((f) => {
      const all = lines();
      const entry = JSON.parse(all[2]!);
      entry.payload = { ...entry.payload, note: 'added later' };
      all[2] = canonicalize(entry)!;
      f.set('ledger.jsonl', Buffer.from(all.join('\n')));
    });
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/^NG {2}hash chain: entry 3: hash does not match the entry$/m);
    expect(changed.stdout).toMatch(/^NG {2}Merkle root: /m);

    // The last entry dropped: the chain is intact, but the checkpoint signs one more.
    const cut = await forged((f) => {
      const all = lines().filter(Boolean);
      f.set('ledger.jsonl', Buffer.from(`${all.slice(0, -1).join('\n')}\n`));
    });
    expect(cut.code).toBe(1);
    expect(cut.stdout).toMatch(/^OK {2}hash chain: /m);
    expect(cut.stdout).toMatch(/^NG {2}Merkle root: \d+ entries, the checkpoint signs \d+$/m);

    // The checkpoint's root replaced (and so its signature broken).
    const resigned = await forged((f) => {
      const note = f.get('checkpoint.txt')!.toString();
      f.set(
        'checkpoint.txt',
        Buffer.from(
          note.replace(/^(.*\n.*\n).*\n/, `$1${Buffer.alloc(32, 9).toString('base64')}\n`),
        ),
      );
    });
    expect(resigned.code).toBe(1);
    expect(resigned.stdout).toMatch(/^NG {2}checkpoint signature: /m);

    // Another key swapped in for the package's own: caught when the expected key is given.
    const manifest = JSON.parse(files.get('manifest.json')!.toString());
    const folder = manifest.certificates[0].folder as string;
    const certificate = await forged((f) => {
      const content = f.get(`${folder}/content.json`)!.toString();
      f.set(`${folder}/content.json`, Buffer.from(content.replace('鍵破棄を確認', '未確認')));
    });
    expect(certificate.code).toBe(1);
    expect(certificate.stdout).toMatch(
      /^NG {2}certificate DC-[0-9a-f]{8} \(entry \d+\): content.json is not the content the ledger entry records$/m,
    );

    // Another valid key pinned: the package's checkpoint is not by it.
    const { generateSigner } = await import('../../src/modules/ledger/transparency/signed-note.js');
    const other = await verify(
      join(dir, 'evidence.zip'),
      '--key',
      generateSigner('kanribo/other').text,
    );
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(
      /^NG {2}checkpoint signature: the package's key .+ is not the expected kanribo\/other\+/m,
    );

    // No key pinned: intact, but who signed is unproven — exit 3, and it says so.
    const unpinned = await verify(join(dir, 'evidence.zip'));
    expect(unpinned.code).toBe(3);
    expect(unpinned.stdout).toMatch(/^!! {2}checkpoint key not pinned: /m);
    expect(unpinned.stdout).not.toMatch(/^NG/m);

    // A package that names a file twice is refused: tools would disagree on which one counts.
    const twice = join(dir, 'twice.zip');
    const zip = archiver('zip');
    const chunks: Buffer[] = [];
    zip.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise((resolve) => zip.on('end', resolve));
    for (const [name, content] of files) zip.append(content, { name });
    zip.append(Buffer.from('{}'), { name: 'manifest.json' });
    await zip.finalize();
    await ended;
    writeFileSync(twice, Buffer.concat(chunks));
    const duplicated = await verify(twice);
    expect(duplicated.code).toBe(2);
    expect(duplicated.stderr).toMatch(/manifest.json is in the archive twice/);

    const missing = await verify(join(dir, 'no-such.zip'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read/);
  });

  it('names the openssl files when they are not the checkpoint note’s body and signature', async () => {
    const forged = async (change: (files: Map<string, Buffer>) => void) => {
      const copy = new Map(files);
      change(copy);
      const file = join(dir, `openssl-${randomUUID()}.zip`);
      writeFileSync(file, await zipOf(copy));
      return verify(file);
    };
    // Another body (one that openssl would check against another signature): the note is untouched.
    const body = await forged((f) => {
      const text = f.get('openssl/checkpoint-body.txt')!.toString('utf8');
      f.set('openssl/checkpoint-body.txt', Buffer.from(text.replace(/\n\d+\n/, '\n999\n')));
    });
    expect(body.code).toBe(1);
    expect(body.stdout).toMatch(
      /^NG {2}openssl files: openssl\/checkpoint-body.txt is not the body of checkpoint.txt$/m,
    );
    for (const name of ['checkpoint signature', 'hash chain', 'Merkle root', '管理簿 CSV']) {
      expect(body.stdout).toMatch(new RegExp(`^OK  ${name}: `, 'm'));
    }
    // Another signature.
    const signature = await forged((f) => f.set('openssl/checkpoint.sig', Buffer.alloc(64, 7)));
    expect(signature.code).toBe(1);
    expect(signature.stdout).toMatch(
      /^NG {2}openssl files: openssl\/checkpoint.sig is not the signature by .+ in checkpoint.txt$/m,
    );
    expect(signature.stdout).toMatch(/^OK {2}checkpoint signature: /m);
  });

  it('refuses (exit 2) a file over its size limit or over the size it declares, without reading it whole', async () => {
    const written = async (name: string, bytes: Buffer) => {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      return verify(file);
    };
    const withFile = (name: string, content: Buffer) => zipOf(new Map(files).set(name, content));

    // checkpoint.txt of 64 KiB and a byte (a few hundred bytes in the zip): refused by what it declares.
    const big = await written(
      'big-checkpoint.zip',
      await withFile('checkpoint.txt', Buffer.alloc(64 * 1024 + 1, 'a')),
    );
    expect([big.code, big.stdout]).toEqual([2, '']);
    expect(big.stderr).toMatch(
      /cannot read .+: checkpoint.txt declares 65537 bytes, more than the 65536 bytes it may hold: not read$/m,
    );

    // A real 100-byte manifest declared as 4 GiB: refused before a byte is read.
    const honest = await withFile('manifest.json', files.get('manifest.json')!);
    const declared = await written('declared.zip', declaring(honest, 'manifest.json', 0xfffffff0));
    expect(declared.code).toBe(2);
    expect(declared.stderr).toMatch(/manifest.json declares 4096.0 MiB, more than the 16 MiB/);

    // checkpoint.txt that declares 10 bytes and inflates to more: stopped at the eleventh.
    const lying = await written(
      'lying.zip',
      declaring(
        await withFile('checkpoint.txt', Buffer.alloc(1024 * 1024, 'a')),
        'checkpoint.txt',
        10,
      ),
    );
    expect(lying.code).toBe(2);
    expect(lying.stderr).toMatch(
      /checkpoint.txt holds more than the 10 bytes it declares: not read further$/m,
    );

    // A ledger line of 17 MiB (17 KiB in the zip): refused at the limit of one entry, not held whole.
    const line = await written(
      'long-line.zip',
      await withFile('ledger.jsonl', Buffer.alloc(17 * 1024 * 1024, 'x')),
    );
    expect(line.code).toBe(2);
    expect(line.stderr).toMatch(
      /a line of ledger.jsonl is longer than the 16 MiB an entry may take$/m,
    );
  });

  it('is refused to whoever may not read the contract, and to nobody else', async () => {
    for (const token of [c.w.officerB.token, c.w.staffY.token]) {
      const r = await t.get(`${c.base}/evidence`, token);
      expect([r.status, r.body.code]).toEqual([404, 'CONTRACT_NOT_FOUND']);
    }
    const admin = await t.get(`${c.base}/evidence`, c.w.admin.token);
    expect([admin.status, admin.body.code]).toEqual([403, 'FORBIDDEN_ROLE']);
    expect((await t.get(`${c.base}/evidence`)).status).toBe(401);
    const staff = await fetch(`${t.baseUrl}${c.base}/evidence`, {
      headers: { authorization: `Bearer ${c.w.staffX.token}` },
    });
    expect(staff.status).toBe(200);
    await staff.arrayBuffer();
  });
});
