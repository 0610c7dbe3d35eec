import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContractsModule } from '../contracts/contracts.module.js';
import { CustodyProjector } from './custody.projector.js';
import { CustodyService } from './custody.service.js';
import { HandoverItemEntity } from './entities/handover-item.entity.js';
import { HandoverEntity } from './entities/handover.entity.js';
import { IncidentEntity } from './entities/incident.entity.js';
import { MediumEntity } from './entities/medium.entity.js';
import { HandoversController } from './handovers.controller.js';
import { MediaController } from './media.controller.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([MediumEntity, HandoverEntity, HandoverItemEntity, IncidentEntity]),
    ContractsModule,
  ],
  controllers: [MediaController, HandoversController],
  providers: [CustodyService, CustodyProjector],
  exports: [CustodyService],
})
export class CustodyModule {}
