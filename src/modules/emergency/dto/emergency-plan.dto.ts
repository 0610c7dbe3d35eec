import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import {
  IsIsoDate,
  IsText,
  NestedObjects,
  OptionalField,
} from '../../../common/http/validators.js';
import type { EmergencyPlanEntity } from '../entities/emergency-plan.entity.js';
import {
  type EmergencyContact,
  type PlanGap,
  PLAN_GAPS,
  PLAN_SIDES,
  type PlanSide,
} from '../emergency-plan.rule.js';

export class EmergencyContactDto implements EmergencyContact {
  @ApiProperty({ example: '山田 太郎' })
  @IsText(1, 100)
  name: string;

  @ApiProperty({ example: '課長', description: 'Role or post' })
  @IsText(1, 100)
  role: string;

  @ApiProperty({ example: '03-1234-5678', description: 'Digits, spaces, +, -, (, )' })
  @IsText(3, 40)
  @Matches(/^[0-9+\-() ]+$/, { message: 'phone must be written in digits, spaces, +, -, ( and )' })
  phone: string;

  @ApiProperty({ example: '平日 8:30–17:15', description: 'When they answer' })
  @IsText(1, 100)
  hours: string;
}

/** The caller's side's whole list; it replaces the one before. */
export class RecordContactsRequest {
  @ApiProperty({ type: [EmergencyContactDto], minItems: 1, maxItems: 10 })
  @NestedObjects(() => EmergencyContactDto, 1, 10)
  contacts: EmergencyContactDto[];
}

/** A text, a reference to where the written procedure is kept, or both. */
export class RecordProcedureRequest {
  @ApiPropertyOptional({ description: 'The procedure itself (事故発生時の対応手順)' })
  @OptionalField()
  @IsText(1, 4000)
  text?: string;

  @ApiPropertyOptional({ description: 'Where the written procedure is kept: 文書番号, file name' })
  @OptionalField()
  @IsText(1, 500)
  documentRef?: string;
}

export class ConfirmProcedureRequest {
  @ApiPropertyOptional({
    format: 'date',
    description: 'The day the side confirmed it; today when absent, never after today',
  })
  @OptionalField()
  @IsIsoDate()
  confirmedOn?: string;
}

class PlanSideResponse {
  @ApiProperty({ type: [EmergencyContactDto] }) contacts: EmergencyContact[];
  @ApiProperty({ format: 'date', nullable: true, type: String }) confirmedOn: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) confirmedByUserId: string | null;
}

class ProcedureResponse {
  @ApiProperty({ nullable: true, type: String }) text: string | null;
  @ApiProperty({ nullable: true, type: String }) documentRef: string | null;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
}

export class EmergencyPlanResponse {
  @ApiProperty({ format: 'uuid' }) contractId: string;
  @ApiProperty({ description: 'Whether the contract’s first handover waits for the plan' })
  required: boolean;
  @ApiProperty({ type: PlanSideResponse }) ward: PlanSideResponse;
  @ApiProperty({ type: PlanSideResponse }) contractor: PlanSideResponse;
  @ApiProperty({ type: ProcedureResponse, nullable: true }) procedure: ProcedureResponse | null;
  @ApiProperty({ enum: PLAN_GAPS, isArray: true, description: 'What the plan still lacks' })
  missing: PlanGap[];

  static from(
    contractId: string,
    required: boolean,
    plan: EmergencyPlanEntity | null,
    missing: PlanGap[],
  ): EmergencyPlanResponse {
    const side = (s: PlanSide): PlanSideResponse => ({
      contacts: (s === 'ward' ? plan?.wardContacts : plan?.contractorContacts) ?? [],
      confirmedOn: (s === 'ward' ? plan?.wardConfirmedOn : plan?.contractorConfirmedOn) ?? null,
      confirmedByUserId:
        (s === 'ward' ? plan?.wardConfirmedByUserId : plan?.contractorConfirmedByUserId) ?? null,
    });
    return {
      contractId,
      required,
      ward: side(PLAN_SIDES[0]),
      contractor: side(PLAN_SIDES[1]),
      procedure: plan?.procedureRecordedAt
        ? {
            text: plan.procedureText,
            documentRef: plan.procedureDocumentRef,
            recordedAt: plan.procedureRecordedAt,
          }
        : null,
      missing,
    };
  }
}
