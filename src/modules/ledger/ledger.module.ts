import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContractsModule } from '../contracts/contracts.module.js';
import { LedgerEntryEntity } from './entities/ledger-entry.entity.js';
import { LedgerHeadEntity } from './entities/ledger-head.entity.js';
import { LedgerController } from './ledger.controller.js';
import { LedgerService } from './ledger.service.js';
import { ProjectorRegistry } from './projector-registry.js';

/**
 * The hash chain: append, read, verify, export. Global, so that every module
 * appends its events through {@link LedgerService} (nothing else writes the
 * ledger) without a circular import.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([LedgerEntryEntity, LedgerHeadEntity]), ContractsModule],
  controllers: [LedgerController],
  providers: [LedgerService, ProjectorRegistry],
  exports: [LedgerService, ProjectorRegistry],
})
export class LedgerModule {}
