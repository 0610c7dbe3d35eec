import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContractsController } from './contracts.controller.js';
import { ContractsService } from './contracts.service.js';
import { ContractSubcontractorEntity } from './entities/contract-subcontractor.entity.js';
import { ContractEntity } from './entities/contract.entity.js';
import { RosterEntryEntity } from './entities/roster-entry.entity.js';
import { RosterProjector } from './roster.projector.js';
import { RosterService } from './roster.service.js';
import { HandlerTrainingEntity } from './entities/handler-training.entity.js';
import { TrainingProjector } from './training.projector.js';
import { TrainingService } from './training.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      ContractEntity,
      ContractSubcontractorEntity,
      RosterEntryEntity,
      HandlerTrainingEntity,
    ]),
  ],
  controllers: [ContractsController],
  providers: [ContractsService, RosterService, RosterProjector, TrainingService, TrainingProjector],
  exports: [ContractsService, RosterService],
})
export class ContractsModule {}
