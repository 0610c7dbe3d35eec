import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { businessDateOf } from '../../common/time/business-date.js';
import { AppConfig } from '../../config/app-config.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import type { Actor } from '../identity/roles.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { canManageContract } from './contract-access.policy.js';
import { ContractsService, type ContractView } from './contracts.service.js';
import type { RecordTrainingRequest } from './dto/training.dto.js';
import { HandlerTrainingEntity } from './entities/handler-training.entity.js';
import { RosterService } from './roster.service.js';
import { appendTraining } from './training.records.js';

/**
 * Trainings in handling personal data (従事者に対する教育, 特記事項 §18) of the
 * contractor's staff on a contract. Recorded by a ward officer of its ward,
 * or by a responsible person (取扱責任者) on its roster today for staff of
 * their own organization; each is a ledger entry.
 */
@Injectable()
export class TrainingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contracts: ContractsService,
    private readonly roster: RosterService,
    private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly ledger: LedgerService,
  ) {}

  async record(
    actor: Actor,
    contractId: string,
    request: RecordTrainingRequest,
  ): Promise<{ training: HandlerTrainingEntity; view: ContractView }> {
    const view = await this.contracts.findReadable(actor, contractId);
    const ward = canManageContract(actor, view);
    if (!ward && actor.role !== 'contractor_staff') {
      throw new DomainError(
        'NOT_CONTRACT_WARD',
        'Only a ward officer of the contract’s ward or the contractor’s responsible person records a training',
        { contractId },
      );
    }
    const id = await this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, contractId, actor);
      const now = chain.openedAt;
      const user = await this.roster.eligibleUser(manager, view, request.userId);
      if (!ward) {
        const responsible =
          user.organizationId === actor.organizationId &&
          (await this.roster.isRosteredAt(manager, contractId, actor.userId, now, 'responsible'));
        if (!responsible) {
          throw new DomainError(
            'NOT_RESPONSIBLE',
            'Only a responsible person (取扱責任者) on the roster today records the trainings of their organization’s staff',
            { userId: actor.userId },
          );
        }
      }
      const today = businessDateOf(now, this.config.BUSINESS_TIMEZONE);
      return (await appendTraining(chain, user, request, today, now)).trainingId;
    });
    const training = await this.dataSource
      .getRepository(HandlerTrainingEntity)
      .findOneByOrFail({ id });
    return { training, view };
  }

  /** Every training recorded on the contract, oldest first: for those who may read its roster. */
  async list(
    actor: Actor,
    contractId: string,
  ): Promise<{ trainings: HandlerTrainingEntity[]; view: ContractView }> {
    const view = await this.roster.findReadableNeedToKnow(actor, contractId, 'roster');
    const trainings = await this.dataSource.getRepository(HandlerTrainingEntity).find({
      where: { contractId },
      order: { seq: 'ASC' },
    });
    return { trainings, view };
  }
}
