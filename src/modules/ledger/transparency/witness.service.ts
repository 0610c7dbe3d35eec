import { createPublicKey, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../../../common/errors/domain-error.js';
import { isUniqueViolation } from '../../../common/errors/unique-violation.js';
import { Clock } from '../../../common/time/clock.js';
import { Sql } from '../../../database/sql.js';
import { TransactionRunner } from '../../../database/transaction-runner.js';
import { RosterService } from '../../contracts/roster.service.js';
import type { Actor } from '../../identity/roles.js';
import { WitnessKeyEntity } from '../entities/witness-key.entity.js';
import {
  type CosignatureVerifier,
  cosignatureLine,
  cosignatureVerifierFromPublicKey,
  type ParsedCosignature,
  parseCosignature,
  parseCosignatureVerifierKey,
} from './cosignature.js';
import { NoteError, parseNote } from './signed-note.js';
import { type ServedCheckpoint, TransparencyService } from './transparency.service.js';

/** The longest witness key name stored (witness_keys.name). */
const MAX_KEY_NAME = 200;

/** How far ahead of the service's clock a cosignature's timestamp may be (clock skew). */
export const COSIGNATURE_FUTURE_TOLERANCE_SECONDS = 300;

/**
 * Witnesses of the wards' ledgers (issue 13, part 5): a ward registers its
 * own Ed25519 witness keys and cosigns checkpoints of its contracts' 管理簿
 * with them (C2SP tlog-cosignature, cosignature/v1), after checking for
 * itself that each is consistent with the last one it cosigned. The served
 * checkpoints then carry the wards' cosignatures, so that a party shown a
 * different ledger (a split view) finds no cosignature of the ward on it.
 *
 * A witness key is the ward's: its ward officers and auditors register,
 * revoke and use it; nobody else sees it (404). Contractor staff and admins
 * cannot (403 FORBIDDEN_ROLE, at the controller): a witness the log's
 * operator could hold would witness nothing.
 */
const WITNESS_KEYS_PER_WARD = 50;

@Injectable()
export class WitnessService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly roster: RosterService,
    private readonly transparency: TransparencyService,
  ) {}

  async register(actor: Actor, request: { key: string; name?: string }): Promise<WitnessKeyEntity> {
    const verifier = witnessVerifier(request.key, request.name);
    const entity = Object.assign(new WitnessKeyEntity(), {
      id: randomUUID(),
      organizationId: actor.organizationId,
      name: verifier.name,
      keyId: verifier.keyId.toString('hex'),
      publicKey: verifier.publicKey.toString('hex'),
      verifierKey: verifier.text,
      createdByUserId: actor.userId,
      createdAt: this.clock.now().toISOString(),
      revokedAt: null,
      revokedByUserId: null,
    });
    try {
      await this.tx.run(async (manager) => {
        // Each key that cosigns adds a line to the served note, and Go's note
        // reader refuses more than 100: a ward keeps at most 50, revoked ones included.
        const held = await manager.countBy(WitnessKeyEntity, {
          organizationId: actor.organizationId,
        });
        if (held >= WITNESS_KEYS_PER_WARD) {
          throw new DomainError(
            'WITNESS_KEY_LIMIT',
            `A ward registers at most ${WITNESS_KEYS_PER_WARD} witness keys, revoked ones included`,
            { limit: WITNESS_KEYS_PER_WARD },
          );
        }
        await manager.insert(WitnessKeyEntity, entity);
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError('WITNESS_KEY_EXISTS', 'This public key is already registered', {
          keyId: entity.keyId,
        });
      }
      throw error;
    }
    return entity;
  }

  /** The caller's ward's witness keys, revoked ones included, oldest first. */
  list(actor: Actor): Promise<WitnessKeyEntity[]> {
    return this.dataSource.getRepository(WitnessKeyEntity).find({
      where: { organizationId: actor.organizationId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async get(actor: Actor, id: string): Promise<WitnessKeyEntity> {
    const key = await this.dataSource
      .getRepository(WitnessKeyEntity)
      .findOneBy({ id, organizationId: actor.organizationId });
    if (!key) throw keyNotFound(id);
    return key;
  }

  /**
   * Revokes a key: it cosigns nothing more; what it cosigned stays served.
   * Revoking it again changes nothing and answers the same.
   */
  async revoke(actor: Actor, id: string): Promise<WitnessKeyEntity> {
    return this.tx.run(async (manager) => {
      const key = await manager.findOneBy(WitnessKeyEntity, {
        id,
        organizationId: actor.organizationId,
      });
      if (!key) throw keyNotFound(id);
      if (key.revokedAt !== null) return key;
      key.revokedAt = this.clock.now().toISOString();
      key.revokedByUserId = actor.userId;
      await manager.update(
        WitnessKeyEntity,
        { id: key.id },
        { revokedAt: key.revokedAt, revokedByUserId: key.revokedByUserId },
      );
      return key;
    });
  }

  /**
   * Records a ward's cosignature of the stored checkpoint of `treeSize`
   * entries, verified over exactly that checkpoint's text with the
   * registered key, and answers the checkpoint as now served. The witness is
   * expected to have checked consistency with the last checkpoint it cosigned
   * (GET …/ledger/proof/consistency); the service refuses, besides, a size
   * below the last this key cosigned of this contract.
   */
  async cosign(
    actor: Actor,
    contractId: string,
    request: { witnessKeyId: string; treeSize: number; cosignature: string },
  ): Promise<ServedCheckpoint> {
    const view = await this.roster.findReadableNeedToKnow(actor, contractId);
    if (
      (actor.role !== 'ward_officer' && actor.role !== 'auditor') ||
      actor.organizationId !== view.wardOrganizationId
    ) {
      throw new DomainError('NOT_CONTRACT_WARD', 'Only the contract’s ward cosigns its ledger', {
        contractId,
      });
    }
    await this.tx.run(async (manager) => {
      const sql = new Sql(manager);
      // Locked: one key's cosignatures are recorded one after another, so
      // that the check against its last size holds.
      const key = await sql.one<{ name: string; verifier_key: string; revoked_at: string | null }>(
        `SELECT name, verifier_key, revoked_at FROM witness_keys WHERE id = ? AND organization_id = ?${sql.forUpdate}`,
        [request.witnessKeyId, actor.organizationId],
      );
      if (!key) throw keyNotFound(request.witnessKeyId);
      if (key.revoked_at !== null) {
        throw new DomainError('WITNESS_KEY_REVOKED', 'This witness key was revoked', {
          witnessKeyId: request.witnessKeyId,
          revokedAt: key.revoked_at,
        });
      }
      const checkpoint = await this.transparency.findStoredCheckpoint(
        contractId,
        request.treeSize,
        sql,
      );
      const verifier = parseCosignatureVerifierKey(key.verifier_key);
      const parsed = readCosignature(request.cosignature);
      this.check(verifier, parsed, parseNote(checkpoint.note).text, request.treeSize);
      const line = cosignatureLine(
        verifier.name,
        verifier.keyId,
        parsed.timestamp,
        parsed.signature,
      );

      const existing = await sql.one<{ line: string }>(
        'SELECT line FROM ledger_cosignatures WHERE contract_id = ? AND tree_size = ? AND witness_key_id = ?',
        [contractId, request.treeSize, request.witnessKeyId],
      );
      if (existing) {
        if (existing.line === line) return; // the same cosignature again: nothing to add
        throw cosignatureExists(request.treeSize, request.witnessKeyId);
      }
      const last = await sql.one<{ size: number | string | null }>(
        'SELECT MAX(tree_size) AS size FROM ledger_cosignatures WHERE witness_key_id = ? AND contract_id = ?',
        [request.witnessKeyId, contractId],
      );
      const lastSize = last?.size === null || last?.size === undefined ? 0 : Number(last.size);
      if (request.treeSize < lastSize) {
        throw new DomainError(
          'COSIGNATURE_ROLLBACK',
          `This key already cosigned the checkpoint of ${lastSize} entries; a witness does not go back to ${request.treeSize}`,
          { treeSize: request.treeSize, lastCosignedSize: lastSize },
        );
      }
      try {
        await sql.run(
          'INSERT INTO ledger_cosignatures (contract_id, tree_size, witness_key_id, line, cosigned_at, recorded_by_user_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [
            contractId,
            request.treeSize,
            request.witnessKeyId,
            line,
            new Date(parsed.timestamp * 1000).toISOString(),
            actor.userId,
            this.clock.now().toISOString(),
          ],
        );
      } catch (error) {
        if (isUniqueViolation(error))
          throw cosignatureExists(request.treeSize, request.witnessKeyId);
        throw error;
      }
    });
    return this.transparency.storedCheckpoint(contractId, request.treeSize);
  }

  /** The cosignature is the registered key's, recent enough, and signs exactly this text. */
  private check(
    verifier: CosignatureVerifier,
    parsed: ParsedCosignature,
    text: string,
    treeSize: number,
  ): void {
    if (
      (parsed.name !== undefined && parsed.name !== verifier.name) ||
      !parsed.keyId.equals(verifier.keyId)
    ) {
      throw new DomainError(
        'COSIGNATURE_KEY_MISMATCH',
        'The cosignature names another key than the registered witness key',
        {
          expected: { name: verifier.name, keyId: verifier.keyId.toString('hex') },
          given: {
            ...(parsed.name === undefined ? {} : { name: parsed.name }),
            keyId: parsed.keyId.toString('hex'),
          },
        },
      );
    }
    const latest =
      Math.floor(this.clock.now().getTime() / 1000) + COSIGNATURE_FUTURE_TOLERANCE_SECONDS;
    if (parsed.timestamp > latest) {
      throw new DomainError(
        'COSIGNATURE_TIMESTAMP_INVALID',
        'The cosignature’s timestamp is in the future',
        { timestamp: parsed.timestamp, latest },
      );
    }
    if (!verifier.verify(text, parsed.timestamp, parsed.signature)) {
      throw new DomainError(
        'COSIGNATURE_INVALID',
        `The cosignature does not verify over the stored checkpoint of ${treeSize} entries with the registered key`,
        { treeSize, timestamp: parsed.timestamp },
      );
    }
  }
}

/**
 * The witness key a ward sends: a C2SP verifier key (0x04, or 0x01 taken as
 * the same key), or a PEM Ed25519 public key with a name. 422
 * WITNESS_KEY_INVALID otherwise.
 */
function witnessVerifier(key: string, name: string | undefined): CosignatureVerifier {
  const invalid = (message: string) => new DomainError('WITNESS_KEY_INVALID', message);
  const text = key.trim();
  if (text.startsWith('-----BEGIN')) {
    // Only a public key: node would also take a certificate, or derive the
    // public key of a private one, which the ward must keep to itself.
    if (
      !/^-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PUBLIC KEY-----$/.test(text)
    ) {
      throw invalid('Send one PEM Ed25519 public key (-----BEGIN PUBLIC KEY-----)');
    }
    if (name === undefined) throw invalid('A PEM key needs the witness’s key name in `name`');
    let verifier: CosignatureVerifier;
    try {
      verifier = cosignatureVerifierFromPublicKey(name, createPublicKey(text));
    } catch (error) {
      throw invalid(
        error instanceof NoteError ? error.message : 'The PEM block is not an Ed25519 public key',
      );
    }
    return withShortName(verifier);
  }
  let verifier: CosignatureVerifier;
  try {
    verifier = parseCosignatureVerifierKey(text);
  } catch (error) {
    throw invalid(
      `Not a C2SP verifier key or PEM public key: ${error instanceof NoteError ? error.message : 'unreadable'}`,
    );
  }
  if (name !== undefined && name !== verifier.name) {
    throw invalid(`The verifier key is named "${verifier.name}", not "${name}"`);
  }
  return withShortName(verifier);
}

/** A key name of at most {@link MAX_KEY_NAME} characters, as stored. */
function withShortName(verifier: CosignatureVerifier): CosignatureVerifier {
  if (verifier.name.length > MAX_KEY_NAME) {
    throw new DomainError(
      'WITNESS_KEY_INVALID',
      `A witness key name has at most ${MAX_KEY_NAME} characters`,
    );
  }
  return verifier;
}

function readCosignature(text: string): ParsedCosignature {
  try {
    return parseCosignature(text);
  } catch (error) {
    throw new DomainError(
      'COSIGNATURE_MALFORMED',
      error instanceof NoteError ? error.message : 'Not a cosignature',
    );
  }
}

function keyNotFound(id: string): DomainError {
  return new DomainError('WITNESS_KEY_NOT_FOUND', 'No such witness key of your ward', {
    witnessKeyId: id,
  });
}

function cosignatureExists(treeSize: number, witnessKeyId: string): DomainError {
  return new DomainError(
    'COSIGNATURE_EXISTS',
    `This key already cosigned the checkpoint of ${treeSize} entries, with another cosignature`,
    { treeSize, witnessKeyId },
  );
}
