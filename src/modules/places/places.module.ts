import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContractsModule } from '../contracts/contracts.module.js';
import { DesignatedPlaceEntity } from './entities/designated-place.entity.js';
import { PlaceConsentEntity } from './entities/place-consent.entity.js';
import { PlacesController } from './places.controller.js';
import { PlacesProjector } from './places.projector.js';
import { PlacesService } from './places.service.js';

/** Designated places (持出しの禁止, 特記事項 6): designations, consents, their projection. */
@Module({
  imports: [TypeOrmModule.forFeature([DesignatedPlaceEntity, PlaceConsentEntity]), ContractsModule],
  controllers: [PlacesController],
  providers: [PlacesService, PlacesProjector],
})
export class PlacesModule {}
