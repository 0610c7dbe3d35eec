import { ApiProperty } from '@nestjs/swagger';
import { IsIsoDate, IsText } from '../../../common/http/validators.js';
import type { HandlerTrainingEntity } from '../entities/handler-training.entity.js';
import { trainingLapsesOn } from '../training.rule.js';

/** A training in handling personal data (従事者に対する教育, 特記事項 §18). */
export class TrainingDto {
  @ApiProperty({ format: 'date', description: 'The day the training was given (not after today)' })
  @IsIsoDate()
  trainedOn: string;

  @ApiProperty({ example: '個人情報の適正な取扱いに関する研修' })
  @IsText(1, 200)
  course: string;

  @ApiProperty({ example: '株式会社X 情報セキュリティ委員会', description: 'Who gave it' })
  @IsText(1, 200)
  trainer: string;
}

export class RecordTrainingRequest extends TrainingDto {
  @ApiProperty({
    description:
      'A contractor_staff user of the contractor or an approved subcontractor: user id or login id',
  })
  @IsText(1, 64)
  userId: string;
}

export class TrainingResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) contractId: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty({ format: 'date' }) trainedOn: string;
  @ApiProperty() course: string;
  @ApiProperty() trainer: string;
  @ApiProperty({
    format: 'date',
    description: 'The first day it no longer covers, under the contract’s trainingValidMonths',
  })
  lapsesOn: string;
  @ApiProperty({ format: 'uuid' }) recordedByUserId: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiProperty({ description: 'Sequence number of its ledger entry' }) seq: number;

  static from(training: HandlerTrainingEntity, validMonths: number): TrainingResponse {
    return {
      id: training.id,
      contractId: training.contractId,
      userId: training.userId,
      organizationId: training.organizationId,
      trainedOn: training.trainedOn,
      course: training.course,
      trainer: training.trainer,
      lapsesOn: trainingLapsesOn(training.trainedOn, validMonths),
      recordedByUserId: training.recordedByUserId,
      recordedAt: training.recordedAt.toISOString(),
      seq: training.seq,
    };
  }
}
