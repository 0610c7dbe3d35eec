import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError, refuse } from '../../common/errors/domain-error.js';
import { Clock } from '../../common/time/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { CloseoutService } from '../closeout/closeout.service.js';
import { ContractsService, type ContractView } from '../contracts/contracts.service.js';
import { RosterService } from '../contracts/roster.service.js';
import type { Actor } from '../identity/roles.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { PdfRenderer } from '../pdf/pdf.renderer.js';
import type {
  AnswerStatusReportRequest,
  RequestStatusReportRequest,
} from './dto/status-report.dto.js';
import { StatusReportEntity } from './entities/status-report.entity.js';
import {
  answerRefusal,
  contractorHoldings,
  type HeldMedium,
  type StatusReportHoldings,
} from './status-report.rule.js';
import type {
  PersonRef,
  StatusReportAnsweredPayload,
  StatusReportRequestedPayload,
} from './status-reports.projector.js';

interface HeldRow {
  id: string;
  kind: string;
  label: string;
  description: string;
  record_count: number | string;
  state: string;
  holder_organization_id: string;
  holder_organization_name: string | null;
  holder_name: string | null;
  location: string | null;
  registered_at: string;
  received_at: string | null;
}

/**
 * 業務に関する報告 (seed 001/002 特記事項 14): a ward officer requests a
 * report on the handling of the contract's data; the contractor's
 * responsible person (取扱責任者) answers with a statement, and the answer's
 * ledger entry freezes what the contractor side held at that moment (media,
 * where, since when) and what was outstanding, generated from the projections.
 */
@Injectable()
export class StatusReportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly ledger: LedgerService,
    private readonly contracts: ContractsService,
    private readonly roster: RosterService,
    private readonly closeout: CloseoutService,
    private readonly pdfs: PdfRenderer,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async request(
    actor: Actor,
    contractId: string,
    request: RequestStatusReportRequest,
  ): Promise<StatusReportEntity> {
    await this.contracts.findManageable(actor, contractId);
    const id = randomUUID();
    await this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, contractId, actor);
      const payload: StatusReportRequestedPayload = {
        statusReportId: id,
        requestedBy: personOf(actor),
        note: request.note?.trim() ?? null,
      };
      await chain.append({
        type: 'status_report_requested',
        occurredAt: chain.openedAt,
        payload: { ...payload },
      });
    });
    return this.find(this.dataSource.manager, contractId, id);
  }

  /** By the contractor's responsible person, once per request. */
  async answer(
    actor: Actor,
    contractId: string,
    reportId: string,
    request: AnswerStatusReportRequest,
  ): Promise<StatusReportEntity> {
    const view = await this.roster.findReadableNeedToKnow(actor, contractId);
    await this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, contractId, actor, { allowClosed: true });
      const report = await this.find(manager, contractId, reportId);
      const responsible =
        actor.organizationId === view.contractorOrganizationId &&
        (await this.roster.isRosteredAt(
          manager,
          contractId,
          actor.userId,
          chain.openedAt,
          'responsible',
        ));
      if (!responsible) {
        throw new DomainError(
          'NOT_RESPONSIBLE',
          'Only the contractor’s responsible person (取扱責任者) answers a status report',
          { userId: actor.userId },
        );
      }
      refuse(answerRefusal(report.state));
      const payload: StatusReportAnsweredPayload = {
        statusReportId: reportId,
        answeredBy: personOf(actor),
        statement: request.statement.trim(),
        holdings: await this.holdings(manager, view, chain.openedAt.toISOString()),
      };
      await chain.append({
        type: 'status_report_answered',
        occurredAt: chain.openedAt,
        payload: { ...payload },
      });
    });
    return this.find(this.dataSource.manager, contractId, reportId);
  }

  async list(actor: Actor, contractId: string): Promise<StatusReportEntity[]> {
    await this.roster.findReadableNeedToKnow(actor, contractId);
    return this.dataSource.getRepository(StatusReportEntity).find({
      where: { contractId },
      order: { requestedSeq: 'DESC' },
    });
  }

  async get(actor: Actor, contractId: string, reportId: string): Promise<StatusReportEntity> {
    await this.roster.findReadableNeedToKnow(actor, contractId);
    return this.find(this.dataSource.manager, contractId, reportId);
  }

  /** The printable report, from the entries of the request and the answer. */
  async pdf(actor: Actor, contractId: string, reportId: string): Promise<Buffer> {
    const view = await this.roster.findReadableNeedToKnow(actor, contractId);
    const report = await this.find(this.dataSource.manager, contractId, reportId);
    const [requested] = await this.ledger.list(contractId, report.requestedSeq - 1, 1);
    const [answered] =
      report.answeredSeq === null
        ? []
        : await this.ledger.list(contractId, report.answeredSeq - 1, 1);
    const r = requested!.payload as unknown as StatusReportRequestedPayload;
    const a = answered?.payload as unknown as StatusReportAnsweredPayload | undefined;
    const names = await this.organizationNames(view, a?.holdings);
    return this.pdfs.render({
      kind: 'status_report',
      input: {
        contractTitle: view.contract.title,
        wardName: names[view.wardOrganizationId] ?? '',
        contractorName: names[view.contractorOrganizationId] ?? '',
        request: {
          byName: r.requestedBy.displayName,
          at: requested!.occurredAt,
          note: r.note,
          seq: requested!.seq,
          hash: requested!.hash,
        },
        answer:
          a && answered
            ? {
                byName: a.answeredBy.displayName,
                at: answered.occurredAt,
                statement: a.statement,
                holdings: a.holdings,
                seq: answered.seq,
                hash: answered.hash,
              }
            : null,
        organizationNames: names,
        generatedAt: this.clock.now(),
        timeZone: this.config.BUSINESS_TIMEZONE,
      },
    });
  }

  /**
   * What the contractor side holds, where, and since when (the receipt that
   * brought it to its holder, or its registration), and what is outstanding.
   */
  private async holdings(
    manager: EntityManager,
    view: ContractView,
    asOf: string,
  ): Promise<StatusReportHoldings> {
    const rows = await new Sql(manager).all<HeldRow>(
      `SELECT m.id, m.kind, m.label, m.description, m.record_count, m.state,
              m.holder_organization_id, o.name AS holder_organization_name,
              u.display_name AS holder_name, m.location, m.registered_at,
              (SELECT MAX(h.received_at) FROM handovers h
                 JOIN handover_items hi ON hi.handover_id = h.id
                WHERE hi.medium_id = m.id AND h.status = 'received'
                  AND h.to_organization_id = m.holder_organization_id) AS received_at
         FROM media m
         LEFT JOIN organizations o ON o.id = m.holder_organization_id
         LEFT JOIN users u ON u.id = m.holder_user_id
        WHERE m.contract_id = ?`,
      [view.contract.id],
    );
    const media: HeldMedium[] = rows.map((m) => ({
      mediumId: m.id,
      kind: m.kind,
      label: m.label,
      description: m.description,
      recordCount: Number(m.record_count),
      state: m.state,
      holderOrganizationId: m.holder_organization_id,
      holderOrganizationName: m.holder_organization_name ?? '',
      holderName: m.holder_name,
      location: m.location,
      since: m.received_at ?? m.registered_at,
    }));
    return {
      asOf,
      media: contractorHoldings(media, view.wardOrganizationId),
      outstanding: await this.closeout.outstandingIn(manager, view),
    };
  }

  private async organizationNames(
    view: ContractView,
    holdings: StatusReportHoldings | undefined,
  ): Promise<Record<string, string>> {
    const ids = new Set([view.wardOrganizationId, view.contractorOrganizationId]);
    for (const o of holdings?.outstanding ?? []) {
      if ('organizationId' in o) ids.add(o.organizationId);
      if ('holderOrganizationId' in o) ids.add(o.holderOrganizationId);
    }
    const names: Record<string, string> = {};
    for (const m of holdings?.media ?? []) names[m.holderOrganizationId] = m.holderOrganizationName;
    const sql = new Sql(this.dataSource.manager);
    for (const id of ids) {
      if (names[id]) continue;
      const row = await sql.one<{ name: string }>('SELECT name FROM organizations WHERE id = ?', [
        id,
      ]);
      names[id] = row?.name ?? '';
    }
    return names;
  }

  private async find(
    manager: EntityManager,
    contractId: string,
    reportId: string,
  ): Promise<StatusReportEntity> {
    const row = await manager.findOneBy(StatusReportEntity, { id: reportId, contractId });
    if (!row) {
      throw new DomainError('STATUS_REPORT_NOT_FOUND', 'No such status report on this contract', {
        statusReportId: reportId,
      });
    }
    return row;
  }
}

function personOf(actor: Actor): PersonRef {
  return { userId: actor.userId, displayName: actor.displayName };
}
