import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LedgerEntry } from '../ledger/hash-chain.js';
import { type LedgerProjector, ProjectorRegistry } from '../ledger/projector-registry.js';
import { DesignatedPlaceEntity } from './entities/designated-place.entity.js';
import { PlaceConsentEntity } from './entities/place-consent.entity.js';

/** `place_designated`: by a ward officer of the contract's ward (the entry's actor). */
export interface PlaceDesignatedPayload {
  placeId: string;
  name: string;
  address: string;
  mediaStorage: boolean;
}

/** `place_withdrawn` */
export interface PlaceWithdrawnPayload {
  placeId: string;
  name: string;
  reason: string;
}

/** `place_consented`: 甲の承諾 for named media at a place, until `validUntil`. */
export interface PlaceConsentedPayload {
  consentId: string;
  /** A designated place (kept without storage, say), or a place of the consent's own. */
  place: { placeId: string; name: string; address: string; designated: boolean };
  mediumIds: string[];
  reason: string;
  /** ISO instant. */
  validUntil: string;
}

/** Keeps `designated_places` and `place_consents` as projections of the place entries. */
@Injectable()
export class PlacesProjector implements LedgerProjector, OnModuleInit {
  readonly name = 'places';
  readonly types = ['place_designated', 'place_withdrawn', 'place_consented'] as const;

  constructor(private readonly registry: ProjectorRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async apply(manager: EntityManager, entry: LedgerEntry): Promise<void> {
    switch (entry.type) {
      case 'place_designated': {
        const p = entry.payload as unknown as PlaceDesignatedPayload;
        await manager.insert(DesignatedPlaceEntity, {
          id: p.placeId,
          contractId: entry.contractId,
          name: p.name,
          address: p.address,
          mediaStorage: p.mediaStorage,
          designatedByUserId: entry.actor.userId,
          designatedAt: entry.occurredAt,
          designatedSeq: entry.seq,
          withdrawnAt: null,
          withdrawalReason: null,
        });
        return;
      }
      case 'place_withdrawn': {
        const p = entry.payload as unknown as PlaceWithdrawnPayload;
        await manager.update(
          DesignatedPlaceEntity,
          { id: p.placeId },
          { withdrawnAt: entry.occurredAt, withdrawalReason: p.reason },
        );
        return;
      }
      case 'place_consented': {
        const p = entry.payload as unknown as PlaceConsentedPayload;
        await manager.insert(PlaceConsentEntity, {
          id: p.consentId,
          contractId: entry.contractId,
          placeId: p.place.placeId,
          name: p.place.name,
          address: p.place.address,
          mediumIds: p.mediumIds,
          reason: p.reason,
          validUntil: p.validUntil,
          consentedByUserId: entry.actor.userId,
          consentedAt: entry.occurredAt,
          consentedSeq: entry.seq,
        });
        return;
      }
    }
  }

  async reset(manager: EntityManager): Promise<void> {
    for (const entity of [PlaceConsentEntity, DesignatedPlaceEntity]) {
      await manager.createQueryBuilder().delete().from(entity).execute();
    }
  }
}
