import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LedgerEntry } from '../ledger/hash-chain.js';
import type { LedgerProjector } from '../ledger/projector-registry.js';
import { ProjectorRegistry } from '../ledger/projector-registry.js';
import { RosterEntryEntity } from './entities/roster-entry.entity.js';
import type { RosterRole } from './roster.rule.js';

/** `roster_entry_added` */
export interface RosterEntryAddedPayload {
  entryId: string;
  userId: string;
  displayName: string;
  organizationId: string;
  role: RosterRole;
  validFrom: string;
  validTo: string | null;
}

/** `roster_entry_removed` */
export interface RosterEntryRemovedPayload {
  entryId: string;
  userId: string;
}

/** Keeps `roster_entries` as a projection of the roster events of the ledger. */
@Injectable()
export class RosterProjector implements LedgerProjector, OnModuleInit {
  readonly name = 'roster';
  readonly types = ['roster_entry_added', 'roster_entry_removed'] as const;

  constructor(private readonly registry: ProjectorRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async apply(manager: EntityManager, entry: LedgerEntry): Promise<void> {
    if (entry.type === 'roster_entry_added') {
      const p = entry.payload as unknown as RosterEntryAddedPayload;
      await manager.insert(RosterEntryEntity, {
        id: p.entryId,
        contractId: entry.contractId,
        userId: p.userId,
        organizationId: p.organizationId,
        role: p.role,
        validFrom: p.validFrom,
        validTo: p.validTo,
        createdByUserId: entry.actor.userId,
        createdAt: new Date(entry.recordedAt),
        removedByUserId: null,
        removedAt: null,
      });
    } else if (entry.type === 'roster_entry_removed') {
      const p = entry.payload as unknown as RosterEntryRemovedPayload;
      await manager.update(
        RosterEntryEntity,
        { id: p.entryId },
        { removedAt: new Date(entry.recordedAt), removedByUserId: entry.actor.userId },
      );
    }
  }

  async reset(manager: EntityManager): Promise<void> {
    // TypeORM refuses delete() without criteria; a rebuild means every row.
    await manager.createQueryBuilder().delete().from(RosterEntryEntity).execute();
  }
}
