import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../../config/app-config.js';
import { Sql } from '../../../database/sql.js';
import { checkpointOrigin, formatCheckpoint } from './checkpoint.js';
import { generateSigner, type NoteSigner, parseSignerKey, signNote } from './signed-note.js';

/**
 * The installation's checkpoint key: an Ed25519 key in the signer-key text
 * form of C2SP signed notes, read from CHECKPOINT_KEY_FILE or from
 * DATA_DIR/checkpoint.key, which the first start creates (mode 600). Its
 * name is `kanribo/<installation id>`; the installation id comes from the
 * database, so it names the same log whichever process signs.
 */
@Injectable()
export class CheckpointKey implements OnModuleInit {
  private loaded?: { signer: NoteSigner; installationId: string };

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    const sql = new Sql(this.dataSource.manager);
    const row = await sql.one<{ id: string }>('SELECT id FROM installation');
    const installationId = row?.id;
    if (!installationId) throw new Error('the installation row is missing: run the migrations');
    const given = this.config.CHECKPOINT_KEY_FILE;
    const file = given ?? join(this.config.DATA_DIR, 'checkpoint.key');
    // A key named by CHECKPOINT_KEY_FILE is never made up: a wrong path must not start a new log.
    const signer = await readOrCreateKey(file, `kanribo/${installationId}`, !given);
    // The first start records the key; every later start must hold the same one.
    await sql.run(
      'UPDATE installation SET checkpoint_key = ? WHERE id = ? AND checkpoint_key IS NULL',
      [signer.text, installationId],
    );
    const recorded = await sql.one<{ checkpoint_key: string | null }>(
      'SELECT checkpoint_key FROM installation WHERE id = ?',
      [installationId],
    );
    if (recorded?.checkpoint_key !== signer.text) {
      throw new Error(
        `the checkpoint key in ${file} (${signer.text}) is not the key this installation signs its checkpoints with (${recorded?.checkpoint_key ?? 'none'}): restore that key file, or point CHECKPOINT_KEY_FILE at it; a new key would leave every checkpoint signed before unprovable`,
      );
    }
    this.loaded = { signer, installationId };
  }

  private get key(): { signer: NoteSigner; installationId: string } {
    if (!this.loaded) throw new Error('the checkpoint key is not loaded yet');
    return this.loaded;
  }

  get signer(): NoteSigner {
    return this.key.signer;
  }

  get installationId(): string {
    return this.key.installationId;
  }

  origin(contractId: string): string {
    return checkpointOrigin(this.installationId, contractId);
  }

  /** The signed note of a contract's checkpoint at `size` with `root`. */
  sign(contractId: string, size: number, root: Buffer): string {
    return signNote(formatCheckpoint({ origin: this.origin(contractId), size, root }), this.signer);
  }
}

/**
 * Reads the key file, or creates it when there is none: written to a
 * temporary file and linked into place, so that two processes starting
 * together end up with the same key (the second link fails, and that process
 * reads the first one's file), and nobody reads a half-written key.
 */
async function readOrCreateKey(file: string, name: string, create: boolean): Promise<NoteSigner> {
  try {
    return parseSignerKey(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !create) {
      throw new Error(`the checkpoint key ${file} cannot be used: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, `${generateSigner(name).secret}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary);
  }
  return parseSignerKey(await readFile(file, 'utf8'));
}
