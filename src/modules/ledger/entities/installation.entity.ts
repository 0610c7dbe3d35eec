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

  /**
   * The verifier key of the checkpoint key, recorded at the first start: a
   * process whose key file holds another key refuses to start, instead of
   * signing with a key no earlier checkpoint verifies with.
   */
  @Column({ name: 'checkpoint_key', type: 'varchar', length: 300, nullable: true })
  checkpointKey: string | null;
}
