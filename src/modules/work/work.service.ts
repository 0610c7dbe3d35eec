import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/time/clock.js';
import { Sql } from '../../database/sql.js';
import { RosterService } from '../contracts/roster.service.js';
import type { Actor } from '../identity/roles.js';
import type { WorkContractRef, WorkResponse } from './dto/work.dto.js';
import { type CertificateToConfirmRow, WorkQueries } from './work.queries.js';
import {
  bounded,
  isTakeoutToDecide,
  isTakeoutToUse,
  noticeDestination,
  WORK_LIST_LIMIT,
} from './work.rule.js';

const NONE = { total: 0, items: [] };

/**
 * 今日の作業 in one answer: what waits for the caller on every active
 * contract whose content they may read (the same decision as each
 * contract's own lists: the ward's officers, contractor staff a roster entry
 * names today), a few queries over all of those contracts at once instead
 * of a request per contract and kind from the browser.
 */
@Injectable()
export class WorkService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly roster: RosterService,
    private readonly clock: Clock,
  ) {}

  async forUser(actor: Actor): Promise<WorkResponse> {
    const contracts = new Map<string, WorkContractRef>(
      (await this.roster.listReadableNeedToKnow(actor))
        .filter((view) => view.contract.status === 'active')
        .map(({ contract }) => [contract.id, { id: contract.id, title: contract.title }]),
    );
    if (contracts.size === 0) {
      return {
        held: NONE,
        toReceive: NONE,
        noticesToSend: NONE,
        takeoutsToDecide: NONE,
        takeoutsToUse: NONE,
        certificatesToConfirm: NONE,
      };
    }
    const q = new WorkQueries(
      new Sql(this.dataSource.manager),
      [...contracts.keys()],
      WORK_LIST_LIMIT,
    );
    const named = <T extends { contractId: string }>({ contractId, ...item }: T) => ({
      ...item,
      contract: contracts.get(contractId)!,
    });
    const me = actor.userId;
    const officer = actor.role === 'ward_officer';
    // Take-outs and certificates are the ward's to act on (contractor staff never read them).
    const [held, toReceive, notices, takeouts, approver, certificates] = await Promise.all([
      q.held(me),
      q.toReceive(me),
      q.noticeCandidates(me),
      officer ? q.takeoutCandidates(me) : [],
      officer ? q.isApprover(me) : false,
      officer ? q.certificatesToConfirm() : bounded<CertificateToConfirmRow>([]),
    ]);
    const now = this.clock.now();
    return {
      held: { total: held.total, items: held.items.map(named) },
      toReceive: { total: toReceive.total, items: toReceive.items.map(named) },
      noticesToSend: bounded(
        notices.flatMap((n) => {
          const destination = noticeDestination(n, me);
          if (destination === null) return [];
          return named({
            id: n.id,
            contractId: n.contractId,
            kind: n.kind,
            label: n.label,
            unlocks: n.unlocks,
            destinationOrganizationName: n.organizationNames.get(destination) ?? '',
          });
        }),
      ),
      takeoutsToDecide: bounded(
        takeouts
          .filter((r) => isTakeoutToDecide(r, { userId: me, approver }))
          .map(takeoutItem)
          .map(named),
      ),
      takeoutsToUse: bounded(
        takeouts
          .filter((r) => isTakeoutToUse(r, me, now))
          .map(takeoutItem)
          .map(named),
      ),
      certificatesToConfirm: {
        total: certificates.total,
        items: certificates.items.map(named),
      },
    };
  }
}

/** What the answer shows of a take-out request (an allow-list: not its status nor applicant's id). */
function takeoutItem(r: Awaited<ReturnType<WorkQueries['takeoutCandidates']>>[number]) {
  return {
    id: r.id,
    contractId: r.contractId,
    dataItems: r.dataItems,
    mediaCount: r.mediaCount,
    mediaRegistered: r.mediaRegistered,
    requestedAt: r.requestedAt,
    applicantName: r.applicantName,
    validUntil: r.validUntil,
  };
}
