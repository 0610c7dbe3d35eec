import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContractsModule } from '../contracts/contracts.module.js';
import { EmergencyPlanController } from './emergency-plan.controller.js';
import { EmergencyPlanProjector } from './emergency-plan.projector.js';
import { EmergencyPlanService } from './emergency-plan.service.js';
import { EmergencyPlanEntity } from './entities/emergency-plan.entity.js';

/** The emergency plan (事故等への対応体制): contacts, incident procedure, confirmations. */
@Module({
  imports: [TypeOrmModule.forFeature([EmergencyPlanEntity]), ContractsModule],
  controllers: [EmergencyPlanController],
  providers: [EmergencyPlanService, EmergencyPlanProjector],
})
export class EmergencyModule {}
