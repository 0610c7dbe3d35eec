import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

/**
 * The one row naming this installation: its id is part of every
 * checkpoint's origin (`kanribo/<id>/<contract id>`) and of the checkpoint
 * key's name, so that two installations' logs are never confused.
 */
@Entity({ name: 'installation' })
export class InstallationEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Column({ name: 'created_at', type: 'varchar', length: INSTANT_LENGTH })
  createdAt: string;
}
