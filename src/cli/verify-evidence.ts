#!/usr/bin/env node
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CERTIFICATE_FILES, EVIDENCE_FILES } from '../modules/evidence/evidence-layout.js';
import {
  EvidenceReadError,
  openZip,
  opensslCommands,
  verifyEvidence,
  type ZipReader,
} from '../modules/evidence/evidence-verifier.js';

/**
 * `kanribo-verify <file>` (also `kanribo verify:evidence`, `npm run
 * verify:evidence -- <file>`): checks an evidence package offline, with no
 * database, configuration or network — one line per check, OK or the first
 * failure with its seq — and prints the openssl commands that check the
 * checkpoint's and the certificates' signatures without kanribo. Exit 0 when
 * every check passes against the pinned key (--key), 1 when one fails, 2 when
 * the file cannot be read, 3 when every check passes but no key was pinned:
 * the package is intact, but only a key obtained apart from it (from kanribo,
 * or noted by the ward) shows who signed it.
 *
 *   --key <verifier key>  the checkpoint key to expect (as GET /api/transparency/key publishes it)
 *   --extract <folder>    write the files the openssl commands read there, and print them for it
 */
const USAGE = 'usage: kanribo-verify <evidence.zip> [--key <verifier key>] [--extract <folder>]\n';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        key: { type: 'string' },
        extract: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    process.stderr.write(`kanribo-verify: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length !== 1) {
    (values.help ? process.stdout : process.stderr).write(USAGE);
    return values.help ? 0 : 2;
  }
  // npm run changes the folder to the package's; a relative path means the caller's.
  const base = process.env.INIT_CWD ?? process.cwd();
  const file = resolve(base, positionals[0]!);
  let zip: ZipReader;
  try {
    zip = await openZip(file);
  } catch (error) {
    process.stderr.write(`kanribo-verify: cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  try {
    let verdict: Awaited<ReturnType<typeof verifyEvidence>>;
    try {
      verdict = await verifyEvidence(zip, values.key ? { expectedKey: values.key } : {});
    } catch (error) {
      // A file over its limit, a size that lies, a broken archive: unreadable, not a failed check.
      if (!(error instanceof EvidenceReadError)) throw error;
      process.stderr.write(`kanribo-verify: cannot read ${file}: ${error.message}\n`);
      return 2;
    }
    const { checks, manifest, cosignatures } = verdict;
    process.stdout.write(`kanribo-verify: ${file}\n`);
    if (manifest) {
      process.stdout.write(
        `契約 / contract: ${shown(String(manifest.contractTitle))} (${shown(String(manifest.contractId))}) [manifest, not signed]\n`,
      );
    }
    for (const c of checks) {
      process.stdout.write(`${c.ok ? 'OK' : 'NG'}  ${c.name}: ${shown(c.detail)}\n`);
    }
    for (const line of cosignatures) {
      process.stdout.write(
        `    witness cosignature (check it with the witness's own key): ${shown(line)}\n`,
      );
    }
    const pinned = Boolean(values.key);
    if (!pinned) {
      process.stdout.write(
        "!!  checkpoint key not pinned: the checks used the package's own key, which proves the package intact, not who signed it. Pass --key with the key kanribo publishes (GET /api/transparency/key) or the one the ward noted.\n",
      );
    }
    const failed = checks.filter((c) => !c.ok);
    if (manifest) {
      let folder = '<the folder the package was unzipped to>';
      if (values.extract) {
        folder = resolve(base, values.extract);
        const extracted = await extract(zip, folder, [
          EVIDENCE_FILES.publicKeyPem,
          EVIDENCE_FILES.checkpointBody,
          EVIDENCE_FILES.checkpointSignature,
          ...manifest.certificates
            .filter((c) => c.signed)
            .flatMap((c) =>
              [
                CERTIFICATE_FILES.content,
                CERTIFICATE_FILES.signature,
                CERTIFICATE_FILES.signer,
              ].map((name) => `${c.folder}/${name}`),
            ),
        ]).catch((error: unknown) => {
          if (!(error instanceof EvidenceReadError)) throw error;
          process.stderr.write(`kanribo-verify: cannot extract from ${file}: ${error.message}\n`);
          return false;
        });
        if (!extracted) return 2;
      }
      process.stdout.write('\nWithout kanribo (OpenSSL 3):\n');
      for (const command of opensslCommands(manifest, folder))
        process.stdout.write(`  ${command}\n`);
    }
    process.stdout.write(
      failed.length > 0
        ? `\nkanribo-verify: ${failed.length} check(s) failed\n`
        : pinned
          ? `\nkanribo-verify: every check passed (${checks.length})\n`
          : `\nkanribo-verify: every check passed (${checks.length}), with the package's own key (not pinned)\n`,
    );
    return failed.length > 0 ? 1 : pinned ? 0 : 3;
  } finally {
    zip.close();
  }
}

/** Text from the package as one harmless line: control characters (a newline, an escape) shown as \\u…. */
function shown(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

async function extract(zip: ZipReader, folder: string, names: string[]): Promise<true> {
  for (const name of names) {
    if (!zip.names.has(name)) continue;
    const target = join(folder, name);
    const inside = relative(folder, target);
    if (inside.startsWith('..') || isAbsolute(inside)) continue;
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, await zip.buffer(name));
  }
  return true;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `kanribo-verify: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 2;
  },
);
