import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Sql } from '../../database/sql.js';
import { TREE_MISMATCH } from '../ledger/chain-range.js';
import { LedgerService } from '../ledger/ledger.service.js';
import {
  type Continuity,
  TransparencyService,
} from '../ledger/transparency/transparency.service.js';

/** An audit's proof that the ledger was not rewritten since the previous audit. */
export interface AuditContinuity extends Continuity {
  previousAuditId: string;
  /** 「前回調査以降、改ざんなし」 when intact. */
  summary: string;
}

const SUMMARY: Record<Continuity['status'], string> = {
  intact: '前回調査以降、改ざんなし',
  broken: '前回調査以降の改ざんを検出',
  unavailable: '前回調査時のチェックポイントがなく、検証できません',
};

/** How long a pre-check (AuditContinuityReader.precheck) stands for the audit that made it. */
const PRECHECK_TTL_MS = 60_000;

/**
 * Each audit signs a checkpoint of the ledger at its entry. For every audit
 * after the first, the consistency proof from the previous audit's
 * checkpoint to its own shows that nothing recorded before the previous
 * audit was rewritten since — checked against the signed roots, so a
 * rewrite by someone with database access who recomputed the chain (and the
 * tree) is caught.
 */
@Injectable()
export class AuditContinuityReader {
  /** Per contract, the last pre-check: checked up to `upTo`, its first mismatch, when (performance.now()). */
  private readonly prechecked = new Map<
    string,
    { upTo: number; mismatch: number | undefined; at: number }
  >();

  constructor(
    private readonly dataSource: DataSource,
    private readonly transparency: TransparencyService,
    private readonly ledger: LedgerService,
  ) {}

  /**
   * Before an audit's transaction, outside the writer's lock: every entry so
   * far against its leaf in the tree, O(n) in the ledger's length (seconds at
   * a million entries, during which no other write in the installation could
   * commit if it were made inside). The transaction then checks only the
   * entries appended since. Kept for {@link PRECHECK_TTL_MS}: an audit
   * refused after its pre-check leaves nothing a later one would trust.
   */
  async precheck(contractId: string): Promise<void> {
    const upTo = await this.ledger.length(contractId);
    const mismatch = await this.ledger.treeMismatch(this.dataSource.manager, contractId, upTo);
    this.prechecked.set(contractId, { upTo, mismatch, at: performance.now() });
  }

  /**
   * The check made when an audit is recorded, in its transaction: the
   * consistency proof from the previous audit's checkpoint, and then every
   * entry up to this audit against its leaf in the tree — the proof alone
   * trusts the stored tree, and entries rewritten with the tree left alone
   * would pass it. The entries up to the pre-check's (when there is a fresh
   * one) were checked before the transaction; the rest are checked here.
   */
  async atRecording(
    contractId: string,
    seq: number,
    manager: EntityManager,
  ): Promise<AuditContinuity | null> {
    const pre = this.prechecked.get(contractId);
    this.prechecked.delete(contractId);
    const continuity = await this.ofAudit(contractId, seq, manager);
    if (continuity?.status !== 'intact') return continuity;
    const fresh = pre && pre.upTo <= seq && performance.now() - pre.at <= PRECHECK_TTL_MS;
    const mismatch = fresh
      ? (pre.mismatch ?? (await this.ledger.treeMismatch(manager, contractId, seq, pre.upTo)))
      : await this.ledger.treeMismatch(manager, contractId, seq);
    return mismatch === undefined
      ? continuity
      : {
          ...continuity,
          status: 'broken',
          summary: SUMMARY.broken,
          reason: `entry ${mismatch}: ${TREE_MISMATCH}`,
        };
  }

  /** The continuity of each audit from the one before it in ledger order; null for the first. */
  async ofAudits(
    audits: ReadonlyArray<{ id: string; contractId: string; seq: number }>,
  ): Promise<Map<string, AuditContinuity | null>> {
    const result = new Map<string, AuditContinuity | null>();
    const byContract = new Map<string, Array<{ id: string; seq: number }>>();
    for (const audit of audits) {
      const list = byContract.get(audit.contractId) ?? [];
      list.push(audit);
      byContract.set(audit.contractId, list);
    }
    for (const [contractId, list] of byContract) {
      const previousOf = await this.previousAudits(
        contractId,
        list.map((a) => a.seq),
      );
      for (const audit of list) {
        const previous = previousOf.get(audit.seq);
        result.set(audit.id, previous ? await this.between(contractId, previous, audit.seq) : null);
      }
    }
    // What the check at recording found (the entries against the tree) is not
    // recomputed on every read: its notification keeps it.
    for (const [auditId, reason] of await this.foundAtRecording([...result.keys()])) {
      const continuity = result.get(auditId);
      if (continuity?.status === 'intact') {
        result.set(auditId, { ...continuity, status: 'broken', summary: SUMMARY.broken, reason });
      }
    }
    return result;
  }

  /** The continuity from the audit before `seq` to the audit at `seq`, or null for the first audit. */
  async ofAudit(
    contractId: string,
    seq: number,
    manager?: EntityManager,
  ): Promise<AuditContinuity | null> {
    const previous = (await this.previousAudits(contractId, [seq], manager)).get(seq);
    return previous ? this.between(contractId, previous, seq, manager) : null;
  }

  private async between(
    contractId: string,
    previous: { id: string; seq: number },
    seq: number,
    manager?: EntityManager,
  ): Promise<AuditContinuity> {
    const continuity = await this.transparency.continuity(contractId, previous.seq, seq, manager);
    return { ...continuity, previousAuditId: previous.id, summary: SUMMARY[continuity.status] };
  }

  /** The audits whose check at recording found the ledger broken, with the reason. */
  private async foundAtRecording(auditIds: string[]): Promise<Map<string, string>> {
    if (auditIds.length === 0) return new Map();
    const rows = await new Sql(this.dataSource.manager).all<{ subject_id: string; data: string }>(
      `SELECT subject_id, data FROM notifications WHERE kind = 'ledger_tampering' AND subject_id IN (${Sql.list(auditIds.length)})`,
      auditIds,
    );
    return new Map(
      rows.map((row) => [row.subject_id, reasonOf(JSON.parse(row.data) as { reason?: unknown })]),
    );
  }

  /** For each seq, the audit entry just before it in the contract's ledger. */
  private async previousAudits(
    contractId: string,
    seqs: readonly number[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<number, { id: string; seq: number }>> {
    const rows = await new Sql(manager).all<{ id: string; seq: number | string }>(
      'SELECT id, seq FROM audits WHERE contract_id = ? ORDER BY seq',
      [contractId],
    );
    const all = rows.map((row) => ({ id: row.id, seq: Number(row.seq) }));
    const previous = new Map<number, { id: string; seq: number }>();
    for (const seq of seqs) {
      const before = all.filter((a) => a.seq < seq).at(-1);
      if (before) previous.set(seq, before);
    }
    return previous;
  }
}

function reasonOf(data: { reason?: unknown }): string {
  return typeof data.reason === 'string' ? data.reason : 'the check at recording found it broken';
}
