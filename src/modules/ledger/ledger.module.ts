import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContractsModule } from '../contracts/contracts.module.js';
import { LedgerEntryEntity } from './entities/ledger-entry.entity.js';
import { LedgerHeadEntity } from './entities/ledger-head.entity.js';
import { LedgerController } from './ledger.controller.js';
import { ChainVerifyPool } from './chain-verify-pool.js';
import { LedgerService } from './ledger.service.js';
import { ProjectorRegistry } from './projector-registry.js';
import { InstallationEntity } from './entities/installation.entity.js';
import { LedgerCheckpointEntity } from './entities/ledger-checkpoint.entity.js';
import { CheckpointKey } from './transparency/checkpoint-key.js';
import {
  LedgerProofController,
  TransparencyKeyController,
} from './transparency/transparency.controller.js';
import { TransparencyService } from './transparency/transparency.service.js';
import { LedgerCosignatureEntity } from './entities/ledger-cosignature.entity.js';
import { WitnessKeyEntity } from './entities/witness-key.entity.js';
import {
  CheckpointCosignController,
  WitnessKeysController,
} from './transparency/witness.controller.js';
import { WitnessService } from './transparency/witness.service.js';

/**
 * The hash chain: append, read, verify, export; its Merkle tree, signed
 * checkpoints and proofs, and the wards' witness keys and cosignatures. Global, so that every module
 * appends its events through {@link LedgerService} (nothing else writes the
 * ledger) without a circular import.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([
      LedgerEntryEntity,
      LedgerHeadEntity,
      LedgerCheckpointEntity,
      InstallationEntity,
      WitnessKeyEntity,
      LedgerCosignatureEntity,
    ]),
    ContractsModule,
  ],
  controllers: [
    LedgerController,
    LedgerProofController,
    TransparencyKeyController,
    WitnessKeysController,
    CheckpointCosignController,
  ],
  providers: [
    LedgerService,
    ChainVerifyPool,
    ProjectorRegistry,
    CheckpointKey,
    TransparencyService,
    WitnessService,
  ],
  exports: [LedgerService, ChainVerifyPool, ProjectorRegistry, CheckpointKey, TransparencyService],
})
export class LedgerModule {}
