import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CloseoutModule } from '../closeout/closeout.module.js';
import { ContractsModule } from '../contracts/contracts.module.js';
import { PdfModule } from '../pdf/pdf.module.js';
import { StatusReportEntity } from './entities/status-report.entity.js';
import { StatusReportsController } from './status-reports.controller.js';
import { StatusReportsProjector } from './status-reports.projector.js';
import { StatusReportsService } from './status-reports.service.js';

/** Status reports (業務に関する報告): requests, answers with the holdings, their PDF. */
@Module({
  imports: [
    TypeOrmModule.forFeature([StatusReportEntity]),
    ContractsModule,
    CloseoutModule,
    PdfModule,
  ],
  controllers: [StatusReportsController],
  providers: [StatusReportsService, StatusReportsProjector],
})
export class StatusReportsModule {}
