import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContractsModule } from '../contracts/contracts.module.js';
import { CopiesController } from './copies.controller.js';
import { CopiesProjector } from './copies.projector.js';
import { CopiesService } from './copies.service.js';
import { CopyPermissionEntity } from './entities/copy-permission.entity.js';

/** No copies (複写等の禁止, 特記事項 9): the ward's copy permissions and their projection. */
@Module({
  imports: [TypeOrmModule.forFeature([CopyPermissionEntity]), ContractsModule],
  controllers: [CopiesController],
  providers: [CopiesService, CopiesProjector],
})
export class CopiesModule {}
