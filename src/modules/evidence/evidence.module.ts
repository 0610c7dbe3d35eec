import { Module } from '@nestjs/common';
import { CloseoutModule } from '../closeout/closeout.module.js';
import { ContractsModule } from '../contracts/contracts.module.js';
import { EvidenceController } from './evidence.controller.js';
import { EvidenceService } from './evidence.service.js';

/** The evidence package: a contract's ledger, checkpoint and certificates, verifiable offline. */
@Module({
  imports: [ContractsModule, CloseoutModule],
  controllers: [EvidenceController],
  providers: [EvidenceService],
})
export class EvidenceModule {}
