import { type AccessLogRecordRow, recordFromRow } from './access-log-row.js';
import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { Clock } from '../../common/time/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import type { Actor } from '../identity/roles.js';
import {
  type AccessLogEntry,
  type AccessLogVerdict,
  AccessLogVerifier,
  type ChainHead,
  GENESIS_HASH,
  lastPrunableSeq,
  retentionCutoff,
} from './access-log-chain.rule.js';
import type { AccessLogFilterQuery } from './dto/access-log.dto.js';

/** Rows read per query when walking the chain: memory stays flat. */
const BATCH = 2000;

const DAY_MS = 24 * 60 * 60 * 1000;

const COLUMNS =
  'e.seq, e.recorded_at, e.user_id, e.organization_id, e.role, e.login_id, e.action, e.method, ' +
  'e.route, e.contract_id, e.resource_id, e.status_code, e.client_address, e.user_agent, ' +
  'e.request_id, e.prev_hash, e.hash';

type Param = string | number | null;

interface EntryRow extends AccessLogRecordRow {
  seq: number | string;
  prev_hash: string;
  hash: string;
}

/** An entry with the display name of its user, for the CSV. */
export interface AccessLogExportRow extends AccessLogEntry {
  userDisplayName: string | null;
}

interface HeadRow {
  seq: number | string;
  hash: string;
  anchor_seq: number | string;
  anchor_hash: string;
}

export interface PruneResult {
  /** Entries removed by this run. */
  pruned: number;
  /** The last pruned entry, from which the chain is verified. */
  anchor: ChainHead;
  /** The retention cut-off: entries recorded before it are past retention. */
  cutoff: string;
}

/**
 * Reading the access log (アクセスログ), checking its chain and pruning it.
 *
 * Who sees what: only auditors read it (the controller's role list; an
 * admin reads no access-log content, separation of duties), and an auditor
 * sees the entries of their own ward: (a) entries about a contract of their
 * ward; (b) entries of users of their own organization, whatever they touched;
 * (c) entries about no contract (logins, account events, `/api/auth/me`) of
 * users of the contractors and subcontractors on their ward's contracts; and
 * (d) failed logins of unknown login ids, which belong to no organization and
 * which every auditor may need to see an attack. Verification walks the whole
 * chain of the installation (its integrity is one) but reveals only whether
 * it holds, how long it is, its head and where it breaks, no content.
 *
 * Retention: entries recorded before midnight (BUSINESS_TIMEZONE) that
 * starts the day ACCESS_LOG_RETENTION_DAYS days before today are pruned, a
 * prefix of the chain at a time, so whole business days go; the last pruned
 * entry is kept as the anchor the rest is verified from.
 */
@Injectable()
export class AccessLogService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('AccessLog');
  private retentionTimer: NodeJS.Timeout | undefined;
  private firstRetentionRun: NodeJS.Immediate | undefined;
  private stopped = false;
  private pruning: Promise<PruneResult> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** One page of the entries the auditor may see, in seq order. */
  async list(
    actor: Actor,
    filter: AccessLogFilterQuery,
    afterSeq: number,
    limit: number,
  ): Promise<{ items: AccessLogEntry[]; nextAfterSeq: number | null }> {
    const { where, params } = this.selection(actor, filter);
    const rows = await new Sql(this.dataSource.manager).all<EntryRow>(
      // LIMIT bound, not written in: one statement text (one prepared statement) for every page size.
      `SELECT ${COLUMNS} FROM access_log_entries e WHERE e.seq > ? AND ${where} ORDER BY e.seq LIMIT ?`,
      [afterSeq, ...params, limit],
    );
    const items = rows.map(entryOf);
    return {
      items,
      nextAfterSeq: items.length === limit ? items[items.length - 1]!.seq : null,
    };
  }

  /** The same selection as {@link list}, every page, a batch at a time. */
  async *export(actor: Actor, filter: AccessLogFilterQuery): AsyncGenerator<AccessLogExportRow[]> {
    const { where, params } = this.selection(actor, filter);
    const sql = new Sql(this.dataSource.manager);
    const text =
      `SELECT ${COLUMNS}, u.display_name AS user_display_name FROM access_log_entries e ` +
      `LEFT JOIN users u ON u.id = e.user_id WHERE e.seq > ? AND ${where} ORDER BY e.seq LIMIT ${BATCH}`;
    let after = 0;
    for (;;) {
      const rows = await sql.all<EntryRow & { user_display_name: string | null }>(text, [
        after,
        ...params,
      ]);
      yield rows.map((row) => ({ ...entryOf(row), userDisplayName: row.user_display_name }));
      if (rows.length < BATCH) return;
      after = Number(rows[rows.length - 1]!.seq);
    }
  }

  /** Checks the filters that validation cannot (a range that ends before it starts). */
  checkRange(filter: AccessLogFilterQuery): void {
    if (filter.from && filter.to && Date.parse(filter.from) > Date.parse(filter.to)) {
      throw new DomainError('ACCESS_LOG_RANGE_INVALID', '`from` is after `to`', {
        from: filter.from,
        to: filter.to,
      });
    }
  }

  private selection(
    actor: Actor,
    filter: AccessLogFilterQuery,
  ): { where: string; params: Param[] } {
    this.checkRange(filter);
    const clauses: string[] = [];
    const params: Param[] = [];
    if (filter.from) {
      clauses.push('e.recorded_at >= ?');
      params.push(new Date(filter.from).toISOString());
    }
    if (filter.to) {
      clauses.push('e.recorded_at <= ?');
      params.push(new Date(filter.to).toISOString());
    }
    for (const [column, value] of [
      ['user_id', filter.userId],
      ['organization_id', filter.organizationId],
      ['contract_id', filter.contractId],
      ['action', filter.action],
    ] as const) {
      if (value === undefined) continue;
      clauses.push(`e.${column} = ?`);
      params.push(column === 'action' ? value : value.toLowerCase());
    }
    const ward = actor.organizationId;
    const partiesOfWard =
      `SELECT c.contractor_organization_id FROM contracts c WHERE c.ward_organization_id = ?` +
      ` UNION SELECT s.organization_id FROM contract_subcontractors s` +
      ` JOIN contracts c ON c.id = s.contract_id WHERE c.ward_organization_id = ?`;
    // An admin's action on an account (reset, deactivation, second-factor
    // reset, unlock, rename) names that account as its resource: it belongs
    // to the auditors of the account's ward (or of the wards its contractor
    // works for), not only to those of the admin's own organization.
    clauses.push(
      `(e.contract_id IN (SELECT c.id FROM contracts c WHERE c.ward_organization_id = ?)` +
        ` OR e.organization_id = ?` +
        ` OR (e.contract_id IS NULL AND e.organization_id IN (${partiesOfWard}))` +
        ` OR (e.contract_id IS NULL AND e.resource_id IN (SELECT u.id FROM users u` +
        ` WHERE u.organization_id = ? OR u.organization_id IN (${partiesOfWard})))` +
        ` OR (e.user_id IS NULL AND e.organization_id IS NULL))`,
    );
    params.push(ward, ward, ward, ward, ward, ward, ward);
    return { where: clauses.join(' AND '), params };
  }

  /**
   * Recomputes every hash and link of the installation's chain from its
   * anchor, and compares its end with the head recorded at append time, read
   * before and after the walk (appends may commit meanwhile).
   */
  async verify(): Promise<AccessLogVerdict> {
    const before = await this.head();
    const verifier = new AccessLogVerifier(before.anchor, [before.head.seq]);
    for await (const batch of this.walk(new Sql(this.dataSource.manager), before.anchor.seq)) {
      for (const entry of batch) verifier.push(entry);
      if (verifier.done) break;
    }
    const after = await this.head();
    return verifier.result({ before: before.head, after: after.head });
  }

  private async head(sql = new Sql(this.dataSource.manager), lock = false) {
    const row = await sql.one<HeadRow>(
      `SELECT seq, hash, anchor_seq, anchor_hash FROM access_log_head WHERE id = 1${lock ? sql.forUpdate : ''}`,
    );
    return {
      head: row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: GENESIS_HASH },
      anchor: row
        ? { seq: Number(row.anchor_seq), hash: row.anchor_hash }
        : { seq: 0, hash: GENESIS_HASH },
    };
  }

  /**
   * Removes the entries past retention: those recorded before the cut-off
   * ({@link retentionCutoff}), as a prefix of the chain, after checking that
   * prefix link by link (pruning must not launder an edited entry). The last
   * removed entry becomes the anchor. The daily timer calls it; so can a test.
   */
  prune(): Promise<PruneResult> {
    this.pruning ??= this.pruneOnce().finally(() => {
      this.pruning = undefined;
    });
    return this.pruning;
  }

  private async pruneOnce(): Promise<PruneResult> {
    const cutoff = retentionCutoff(
      this.clock.now(),
      this.config.ACCESS_LOG_RETENTION_DAYS,
      this.config.BUSINESS_TIMEZONE,
    ).toISOString();
    // A read first: most days there is nothing to do, and no write is opened.
    const seen = await this.prunable(new Sql(this.dataSource.manager), cutoff);
    if (seen.last <= seen.anchor.seq) return { pruned: 0, anchor: seen.anchor, cutoff };
    return this.tx.runUnrecorded(async (manager) => {
      const sql = new Sql(manager);
      const { last, anchor } = await this.prunable(sql, cutoff, true);
      if (last <= anchor.seq) return { pruned: 0, anchor, cutoff };
      const verifier = new AccessLogVerifier(anchor);
      for await (const batch of this.walk(sql, anchor.seq, last)) {
        for (const entry of batch) verifier.push(entry);
        if (verifier.done) break;
      }
      const reached = verifier.reached;
      if (verifier.done || reached.seq !== last) {
        const verdict = verifier.result({ before: reached, after: reached });
        this.logger.error(
          `access log not pruned: the entries to prune do not verify (${JSON.stringify(verdict)})`,
        );
        return { pruned: 0, anchor, cutoff };
      }
      await sql.run('DELETE FROM access_log_entries WHERE seq <= ?', [last]);
      await sql.run(
        'UPDATE access_log_head SET anchor_seq = ?, anchor_hash = ?, pruned_before = ? WHERE id = 1',
        [reached.seq, reached.hash, cutoff],
      );
      return { pruned: last - anchor.seq, anchor: reached, cutoff };
    });
  }

  private async prunable(
    sql: Sql,
    cutoff: string,
    lock = false,
  ): Promise<{ last: number; anchor: ChainHead }> {
    const { head, anchor } = await this.head(sql, lock);
    const first = await sql.one<{ seq: number | string | null }>(
      'SELECT MIN(seq) AS seq FROM access_log_entries WHERE recorded_at >= ?',
      [cutoff],
    );
    const firstKept =
      first?.seq === null || first?.seq === undefined ? undefined : Number(first.seq);
    return { last: lastPrunableSeq(head, firstKept), anchor };
  }

  /** The chain after `afterSeq` (through `throughSeq`), a batch at a time in seq order; each row's own seq is checked by the verifier. */
  private async *walk(
    sql: Sql,
    afterSeq: number,
    throughSeq?: number,
  ): AsyncGenerator<AccessLogEntry[]> {
    const upTo = throughSeq === undefined ? '' : ' AND e.seq <= ?';
    let after = afterSeq;
    for (;;) {
      const rows = await sql.all<EntryRow>(
        `SELECT ${COLUMNS} FROM access_log_entries e WHERE e.seq > ?${upTo} ORDER BY e.seq LIMIT ${BATCH}`,
        throughSeq === undefined ? [after] : [after, throughSeq],
      );
      yield rows.map(entryOf);
      if (rows.length < BATCH) return;
      after = Number(rows[rows.length - 1]!.seq);
    }
  }

  /** Prunes now (at start) and then every 24 hours, in the API process. */
  scheduleRetention(): void {
    const run = (): void => {
      // An app closed before its first run must not prune on a closed pool.
      if (this.stopped) return;
      this.prune().catch((error: unknown) => this.logger.error('access-log pruning failed', error));
    };
    this.firstRetentionRun = setImmediate(run);
    this.retentionTimer = setInterval(run, DAY_MS);
    this.retentionTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearImmediate(this.firstRetentionRun);
    clearInterval(this.retentionTimer);
    await this.pruning?.catch(() => undefined);
  }
}

function entryOf(row: EntryRow): AccessLogEntry {
  return { ...recordFromRow(row), seq: Number(row.seq), prevHash: row.prev_hash, hash: row.hash };
}
