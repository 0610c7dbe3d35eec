import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsString,
  IsUUID,
  Length,
  Matches,
} from 'class-validator';
import { AppendedResponse } from '../../custody/dto/medium.dto.js';
import {
  IsBoundedInt,
  IsIsoDate,
  IsText,
  NestedArray,
  OptionalField,
  QueryInt,
} from '../../../common/http/validators.js';
import {
  type AnsweredChecklist,
  CHECKLIST_ANSWERS,
  type ChecklistAnswer,
  type ChecklistSection,
  FINDING_STATES,
  type FindingState,
} from '../checklist.rule.js';
import type { AuditChecklistEntity } from '../entities/audit-checklist.entity.js';
import type { AuditFindingEntity } from '../entities/audit-finding.entity.js';
import { AUDIT_RESULTS, type AuditEntity, type AuditResult } from '../entities/audit.entity.js';

/** An item of a checklist: a stable id (`op-1`), its number in its section, its text. */
export class ChecklistItemDto {
  @ApiProperty({ example: 'op-10', pattern: '^[A-Za-z0-9_-]{1,64}$' })
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  id: string;

  @IsBoundedInt(1, 999)
  number: number;

  @IsText(1, 2000)
  text: string;
}

export class ChecklistSectionDto {
  @ApiProperty({ example: 'operational', pattern: '^[A-Za-z0-9_-]{1,64}$' })
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  key: string;

  @ApiProperty({ example: '運用上の対策' })
  @IsText(1, 100)
  title: string;

  @NestedArray(() => ChecklistItemDto, 1, 200)
  items: ChecklistItemDto[];
}

/** The contract's checklist as the ward sets it: a copy of the default, edited. */
export class PutChecklistRequest {
  @IsText(1, 200)
  title: string;

  @NestedArray(() => ChecklistSectionDto, 1, 20)
  sections: ChecklistSectionDto[];
}

export class ChecklistResponse {
  @ApiProperty() contractId: string;
  @ApiProperty({
    description: '0: the default checklist (seed 000); then 1, 2… as the ward sets it',
  })
  version: number;
  @ApiProperty() title: string;
  @ApiProperty({ type: [ChecklistSectionDto] }) sections: ChecklistSection[];
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) setAt: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'seq of the ledger entry' })
  seq: number | null;

  static from(
    contractId: string,
    row: AuditChecklistEntity | null,
    fallback: {
      title: string;
      sections: ChecklistSection[];
    },
  ): ChecklistResponse {
    return {
      contractId,
      version: row?.version ?? 0,
      title: row?.title ?? fallback.title,
      sections: row?.sections ?? fallback.sections,
      setAt: row?.setAt ?? null,
      seq: row?.seq ?? null,
    };
  }
}

/** One item's answer: ○ `yes`, × `no`, − `na`; a × carries its corrective action. */
export class ChecklistAnswerDto {
  @ApiProperty({ example: 'op-10' })
  @IsString()
  @Length(1, 64)
  itemId: string;

  @ApiProperty({ enum: CHECKLIST_ANSWERS, description: '○ yes, × no, − na (not needed)' })
  @IsIn(CHECKLIST_ANSWERS)
  answer: ChecklistAnswer;

  @OptionalField()
  @IsText(1, 2000)
  note?: string;

  @ApiPropertyOptional({ description: 'Required on a ×: the corrective action (是正措置)' })
  @OptionalField()
  @IsText(1, 2000)
  correctiveAction?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Required on a ×: on or after performedOn' })
  @OptionalField()
  @IsIsoDate()
  dueOn?: string;
}

export class RecordAuditRequest {
  @ApiProperty({ format: 'date', example: '2027-02-10' })
  @IsIsoDate()
  performedOn: string;

  @ApiProperty({ enum: AUDIT_RESULTS })
  @IsIn(AUDIT_RESULTS)
  result: AuditResult;

  @ApiPropertyOptional({ description: 'Required unless the result is satisfactory' })
  @OptionalField()
  @IsText(1, 4000)
  findings?: string;

  @ApiProperty({ type: [String], example: ['監査 一郎'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  auditors: string[];

  @ApiPropertyOptional({
    type: [ChecklistAnswerDto],
    description: "Every item of the contract's checklist, answered once",
  })
  @OptionalField()
  @NestedArray(() => ChecklistAnswerDto, 1, 400)
  answers?: ChecklistAnswerDto[];

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Contractor staff auditing an approved subcontractor (再委託先への立入り調査) name it here',
  })
  @OptionalField()
  @IsUUID()
  subcontractorOrganizationId?: string;
}

export class FindingListQuery {
  @ApiPropertyOptional({ enum: FINDING_STATES })
  @OptionalField()
  @IsIn(FINDING_STATES)
  state?: FindingState;
}

/** A recorded audit: its ledger entry, and the findings its × answers opened. */
export class RecordedAuditResponse extends AppendedResponse {
  @ApiProperty({ type: [String], description: 'One finding per × of the checklist, in its order' })
  findingIds: string[];
}

/** Reporting a finding fixed, or verifying it: what was done or seen. */
export class FindingStepRequest {
  @OptionalField()
  @IsText(1, 2000)
  note?: string;
}

/** Sending a finding back to its owner: why the fix does not do. */
export class ReopenFindingRequest {
  @IsText(1, 2000)
  reason: string;
}

export class FindingResponse {
  @ApiProperty() id: string;
  @ApiProperty() contractId: string;
  @ApiProperty() auditId: string;
  @ApiProperty() itemId: string;
  @ApiProperty({ example: '運用上の対策 10' }) itemLabel: string;
  @ApiProperty() itemText: string;
  @ApiProperty() correctiveAction: string;
  @ApiProperty({ format: 'date' }) dueOn: string;
  @ApiProperty({ description: 'The audited organization, which fixes it' })
  ownerOrganizationId: string;
  @ApiProperty({ description: 'The auditing organization, which verifies it' })
  auditorOrganizationId: string;
  @ApiProperty({ enum: FINDING_STATES }) state: FindingState;
  @ApiProperty({ nullable: true, type: String }) stateNote: string | null;
  @ApiProperty({ format: 'date-time' }) stateChangedAt: string;

  static from(f: AuditFindingEntity): FindingResponse {
    return {
      id: f.id,
      contractId: f.contractId,
      auditId: f.auditId,
      itemId: f.itemId,
      itemLabel: f.itemLabel,
      itemText: f.itemText,
      correctiveAction: f.correctiveAction,
      dueOn: f.dueOn,
      ownerOrganizationId: f.ownerOrganizationId,
      auditorOrganizationId: f.auditorOrganizationId,
      state: f.state,
      stateNote: f.stateNote,
      stateChangedAt: f.stateChangedAt,
    };
  }
}

export class AuditStatusQuery {
  @ApiPropertyOptional({
    minimum: 2000,
    maximum: 2100,
    description: 'Defaults to the current fiscal year',
  })
  @QueryInt(2000, 2100)
  fiscalYear?: number;
}

export class AuditContinuityResponse {
  @ApiProperty({ description: 'The audit before this one in the ledger' }) previousAuditId: string;
  @ApiProperty({ description: 'Entries the previous audit’s checkpoint covers' }) fromSize: number;
  @ApiProperty({ description: 'Entries this audit’s checkpoint covers' }) toSize: number;
  @ApiProperty({
    enum: ['intact', 'broken', 'unavailable'],
    description:
      '`intact`: both checkpoints verify with the checkpoint key and the consistency proof between them verifies; `broken`: one of them does not (the ledger before the previous audit was rewritten), or the checkpoint of an audit recorded since checkpoints began is missing (removed from the database); `unavailable`: a checkpoint is missing because its audit was recorded before checkpoints existed',
  })
  status: 'intact' | 'broken' | 'unavailable';
  @ApiProperty({ description: '「前回調査以降、改ざんなし」 when intact' }) summary: string;
  @ApiProperty({ nullable: true, type: String }) fromRootHash: string | null;
  @ApiProperty({ nullable: true, type: String }) toRootHash: string | null;
  @ApiProperty({ type: [String], description: 'RFC 9162 consistency proof, hex' }) proof: string[];
  @ApiProperty({ nullable: true, type: String, description: 'Why it is broken or unavailable' })
  reason: string | null;
}

export class AuditResponse {
  @ApiProperty() id: string;
  @ApiProperty() contractId: string;
  @ApiProperty({ format: 'date' }) performedOn: string;
  @ApiProperty() fiscalYear: number;
  @ApiProperty({ enum: AUDIT_RESULTS }) result: AuditResult;
  @ApiProperty({ nullable: true, type: String }) findings: string | null;
  @ApiProperty({ type: [String] }) auditors: string[];
  @ApiProperty() recordedByUserId: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiProperty({ description: 'seq of the ledger entry' }) seq: number;
  @ApiProperty({ nullable: true, type: String }) subcontractorOrganizationId: string | null;
  @ApiProperty({ nullable: true, type: Object, description: 'The checklist as answered' })
  checklist: AnsweredChecklist | null;
  @ApiProperty({
    type: AuditContinuityResponse,
    nullable: true,
    description:
      'For every audit after the first: the proof that the ledger signed at the previous audit is a prefix of the one signed at this audit (null for the first)',
  })
  continuity: AuditContinuityResponse | null;

  static from(a: AuditEntity, continuity: AuditContinuityResponse | null): AuditResponse {
    return {
      id: a.id,
      contractId: a.contractId,
      performedOn: a.performedOn,
      fiscalYear: a.fiscalYear,
      result: a.result,
      findings: a.findings,
      auditors: a.auditors,
      recordedByUserId: a.recordedByUserId,
      recordedAt: a.recordedAt,
      seq: a.seq,
      subcontractorOrganizationId: a.subcontractorOrganizationId,
      checklist: a.checklist,
      continuity,
    };
  }
}

export class AuditStatusItem {
  @ApiProperty() contractId: string;
  @ApiProperty() title: string;
  @ApiProperty() fiscalYear: number;
  @ApiProperty({ description: 'The contract period overlaps the fiscal year' }) required: boolean;
  @ApiProperty({ description: 'An audit was recorded in the fiscal year' }) done: boolean;
  @ApiProperty({
    format: 'date',
    nullable: true,
    type: String,
    description:
      "The due date by contract: the earlier of 31 March and the contract's end (null when not required)",
  })
  dueOn: string | null;
  @ApiProperty({
    format: 'date',
    nullable: true,
    type: String,
    description:
      'The last business day (開庁日) on or before dueOn: not a weekend, national holiday or 29 December – 3 January',
  })
  businessDueOn: string | null;
  @ApiProperty({ description: 'Required, not done, and the due date has passed' }) overdue: boolean;
  @ApiProperty({ type: AuditResponse, nullable: true }) lastAudit: AuditResponse | null;
  @ApiProperty({ description: 'Findings (是正措置) of the contract not yet verified' })
  openFindings: number;
}

export class AuditStatusResponse {
  @ApiProperty() fiscalYear: number;
  @ApiProperty({ type: [AuditStatusItem] }) items: AuditStatusItem[];
}
