import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import type { IsoDate } from '../../common/time/business-date.js';
import { Sql } from '../../database/sql.js';
import type { LedgerChain } from '../ledger/ledger.service.js';
import type { UserEntity } from '../identity/entities/user.entity.js';
import type { TrainingDto } from './dto/training.dto.js';
import type { ContractEntity } from './entities/contract.entity.js';
import type { HandlerTrainingRecordedPayload } from './training.projector.js';
import { trainingProblem } from './training.rule.js';

/*
 * Trainings inside a command's transaction: the latest one of a user, the
 * refusal of an untrained handler, and the ledger entry that records one.
 */

/** The day of the user's latest training on the contract given on or before `date`, if any. */
export async function latestTrainingOn(
  manager: EntityManager,
  contractId: string,
  userId: string,
  date: IsoDate,
): Promise<IsoDate | null> {
  const row = await new Sql(manager).one<{ latest: string | null }>(
    `SELECT MAX(trained_on) AS latest FROM handler_trainings
      WHERE contract_id = ? AND user_id = ? AND trained_on <= ?`,
    [contractId, userId, date],
  );
  return row?.latest ?? null;
}

/**
 * 409 TRAINING_REQUIRED unless the contractor's staff member has a training
 * on record that covers `date`, on a contract that requires one. Ward
 * officers are trained by the ward and never asked: callers pass contractor
 * staff only.
 */
export async function requireTrained(
  manager: EntityManager,
  contract: ContractEntity,
  userId: string,
  date: IsoDate,
): Promise<void> {
  if (!contract.requireTraining) return;
  const latest = await latestTrainingOn(manager, contract.id, userId, date);
  const problem = trainingProblem(latest, date, contract.trainingValidMonths);
  if (!problem) return;
  throw new DomainError(
    'TRAINING_REQUIRED',
    problem.reason === 'missing'
      ? 'The handler has no training in handling personal data on record for that day (従事者に対する教育)'
      : `The handler's training of ${problem.trainedOn} lapsed on ${problem.lapsedOn}: record a new one`,
    { userId, date, trainingValidMonths: contract.trainingValidMonths, ...problem },
  );
}

/**
 * Appends a `handler_training_recorded` entry for `user` (its projection
 * follows in the same transaction); 400 VALIDATION_FAILED for a training
 * dated after `today`.
 */
export async function appendTraining(
  chain: LedgerChain,
  user: Pick<UserEntity, 'id' | 'displayName' | 'organizationId'>,
  training: TrainingDto,
  today: IsoDate,
  at: Date,
  field = 'trainedOn',
): Promise<HandlerTrainingRecordedPayload> {
  if (training.trainedOn > today) {
    throw new DomainError('VALIDATION_FAILED', `Invalid request: ${field}`, {
      fields: [{ field, messages: [`${field} must not be after today (${today})`] }],
    });
  }
  const payload: HandlerTrainingRecordedPayload = {
    trainingId: randomUUID(),
    userId: user.id,
    displayName: user.displayName,
    organizationId: user.organizationId,
    trainedOn: training.trainedOn,
    course: training.course.trim(),
    trainer: training.trainer.trim(),
  };
  await chain.append({
    type: 'handler_training_recorded',
    occurredAt: at,
    payload: { ...payload },
  });
  return payload;
}
