import { ApiProperty } from '@nestjs/swagger';
import { IsText, OptionalField } from '../../../common/http/validators.js';
import {
  STATUS_REPORT_STATES,
  type StatusReportEntity,
  type StatusReportState,
} from '../entities/status-report.entity.js';
import type { StatusReportHoldings } from '../status-report.rule.js';

export class RequestStatusReportRequest {
  @OptionalField()
  @IsText(1, 2000)
  note?: string;
}

export class AnswerStatusReportRequest {
  @ApiProperty({ description: "The responsible person's statement on the handling of the data" })
  @IsText(1, 4000)
  statement: string;
}

export class StatusReportResponse {
  @ApiProperty() id: string;
  @ApiProperty() contractId: string;
  @ApiProperty({ enum: STATUS_REPORT_STATES }) state: StatusReportState;
  @ApiProperty() requestedByUserId: string;
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({ nullable: true, type: String }) requestNote: string | null;
  @ApiProperty() requestedSeq: number;
  @ApiProperty({ nullable: true, type: String }) answeredByUserId: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) answeredAt: string | null;
  @ApiProperty({ nullable: true, type: String }) statement: string | null;
  @ApiProperty({
    nullable: true,
    type: Object,
    description:
      'What the contractor side held when it answered (media, where, since when) and what was outstanding',
  })
  holdings: StatusReportHoldings | null;
  @ApiProperty({ nullable: true, type: Number }) answeredSeq: number | null;

  static from(r: StatusReportEntity): StatusReportResponse {
    return {
      id: r.id,
      contractId: r.contractId,
      state: r.state,
      requestedByUserId: r.requestedByUserId,
      requestedAt: r.requestedAt,
      requestNote: r.requestNote,
      requestedSeq: r.requestedSeq,
      answeredByUserId: r.answeredByUserId,
      answeredAt: r.answeredAt,
      statement: r.statement,
      holdings: r.holdings,
      answeredSeq: r.answeredSeq,
    };
  }
}
