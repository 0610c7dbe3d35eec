import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContractsModule } from '../contracts/contracts.module.js';
import { TakeoutRequestEntity } from './entities/takeout-request.entity.js';
import { TakeoutController } from './takeout.controller.js';
import { TakeoutProjector } from './takeout.projector.js';
import { TakeoutService } from './takeout.service.js';

/** Take-out approval (持出し承認): requests, decisions, and their projection. */
@Module({
  imports: [TypeOrmModule.forFeature([TakeoutRequestEntity]), ContractsModule],
  controllers: [TakeoutController],
  providers: [TakeoutService, TakeoutProjector],
})
export class TakeoutModule {}
