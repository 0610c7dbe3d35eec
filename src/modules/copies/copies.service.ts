import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { Clock } from '../../common/time/clock.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { ContractsService } from '../contracts/contracts.service.js';
import { RosterService } from '../contracts/roster.service.js';
import { contractMediumIds } from '../custody/media-refs.js';
import type { Actor } from '../identity/roles.js';
import { LedgerService } from '../ledger/ledger.service.js';
import type { CopyPermittedPayload } from './copies.projector.js';
import type { PermitCopyRequest } from './dto/copy-permission.dto.js';
import { CopyPermissionEntity } from './entities/copy-permission.entity.js';

/**
 * Permissions of the ward to copy named media for a stated purpose (the
 * exception to 複写等の禁止, 特記事項 9): a ledger entry by a ward officer,
 * appended under the chain lock with its projection.
 */
@Injectable()
export class CopiesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly ledger: LedgerService,
    private readonly contracts: ContractsService,
    private readonly roster: RosterService,
    private readonly clock: Clock,
  ) {}

  async permit(
    actor: Actor,
    contractId: string,
    request: PermitCopyRequest,
  ): Promise<CopyPermissionEntity> {
    await this.contracts.findManageable(actor, contractId);
    if (Date.parse(request.validUntil) <= this.clock.now().getTime()) {
      throw new DomainError('VALIDATION_FAILED', 'Invalid request: validUntil', {
        fields: [{ field: 'validUntil', messages: ['must be in the future'] }],
      });
    }
    const permissionId = randomUUID();
    await this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, contractId, actor);
      const payload: CopyPermittedPayload = {
        permissionId,
        purpose: request.purpose.trim(),
        sourceMediumIds: await contractMediumIds(manager, contractId, request.mediumIds),
        validUntil: new Date(request.validUntil).toISOString(),
      };
      await chain.append({
        type: 'copy_permitted',
        occurredAt: new Date(chain.openedAt),
        payload: { ...payload },
      });
    });
    return this.dataSource
      .getRepository(CopyPermissionEntity)
      .findOneByOrFail({ id: permissionId, contractId });
  }

  async list(actor: Actor, contractId: string): Promise<CopyPermissionEntity[]> {
    await this.roster.findReadableNeedToKnow(actor, contractId);
    return this.dataSource.getRepository(CopyPermissionEntity).find({
      where: { contractId },
      order: { permittedSeq: 'ASC' },
    });
  }
}
