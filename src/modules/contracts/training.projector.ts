import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LedgerEntry } from '../ledger/hash-chain.js';
import { type LedgerProjector, ProjectorRegistry } from '../ledger/projector-registry.js';
import { HandlerTrainingEntity } from './entities/handler-training.entity.js';

/** `handler_training_recorded` */
export interface HandlerTrainingRecordedPayload {
  trainingId: string;
  userId: string;
  displayName: string;
  organizationId: string;
  /** The day it was given (YYYY-MM-DD). */
  trainedOn: string;
  course: string;
  trainer: string;
}

/** Keeps `handler_trainings` as a projection of the training entries of the ledger. */
@Injectable()
export class TrainingProjector implements LedgerProjector, OnModuleInit {
  readonly name = 'handler-trainings';
  readonly types = ['handler_training_recorded'] as const;

  constructor(private readonly registry: ProjectorRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async apply(manager: EntityManager, entry: LedgerEntry): Promise<void> {
    const p = entry.payload as unknown as HandlerTrainingRecordedPayload;
    await manager.insert(HandlerTrainingEntity, {
      id: p.trainingId,
      contractId: entry.contractId,
      userId: p.userId,
      organizationId: p.organizationId,
      trainedOn: p.trainedOn,
      course: p.course,
      trainer: p.trainer,
      recordedByUserId: entry.actor.userId,
      recordedAt: new Date(entry.recordedAt),
      seq: entry.seq,
    });
  }

  async reset(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(HandlerTrainingEntity).execute();
  }
}
