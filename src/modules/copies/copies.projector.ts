import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Sql } from '../../database/sql.js';
import type { LedgerEntry } from '../ledger/hash-chain.js';
import { type LedgerProjector, ProjectorRegistry } from '../ledger/projector-registry.js';
import { CopyPermissionEntity } from './entities/copy-permission.entity.js';

/** `copy_permitted`: by a ward officer of the contract's ward (the entry's actor). */
export interface CopyPermittedPayload {
  permissionId: string;
  purpose: string;
  sourceMediumIds: string[];
  /** ISO instant. */
  validUntil: string;
}

/** The permission a copy was registered under, as its `medium_registered` entry names it. */
export interface CopyPermissionRef {
  permissionId: string;
  purpose: string;
}

/**
 * Keeps `copy_permissions` as a projection of `copy_permitted` entries, and
 * counts the copies registered under each (from `medium_registered` entries
 * that name one).
 */
@Injectable()
export class CopiesProjector implements LedgerProjector, OnModuleInit {
  readonly name = 'copies';
  readonly types = ['copy_permitted', 'medium_registered'] as const;

  constructor(private readonly registry: ProjectorRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async apply(manager: EntityManager, entry: LedgerEntry): Promise<void> {
    if (entry.type === 'copy_permitted') {
      const p = entry.payload as unknown as CopyPermittedPayload;
      await manager.insert(CopyPermissionEntity, {
        id: p.permissionId,
        contractId: entry.contractId,
        purpose: p.purpose,
        sourceMediumIds: p.sourceMediumIds,
        validUntil: p.validUntil,
        permittedByUserId: entry.actor.userId,
        permittedAt: entry.occurredAt,
        permittedSeq: entry.seq,
        copiesRegistered: 0,
      });
      return;
    }
    const copy = (entry.payload as { copy?: CopyPermissionRef }).copy;
    if (!copy) return;
    await new Sql(manager).run(
      'UPDATE copy_permissions SET copies_registered = copies_registered + 1 WHERE id = ?',
      [copy.permissionId],
    );
  }

  async reset(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(CopyPermissionEntity).execute();
  }
}
