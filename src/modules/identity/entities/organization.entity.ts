import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH, instantTransformer } from '../../../database/column-types.js';

export const ORGANIZATION_KINDS = ['ward', 'contractor'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

@Entity({ name: 'organizations' })
export class OrganizationEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Column({ type: 'varchar', length: 200, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  kind: OrganizationKind;

  /** How documents issued to it address it (宛名, e.g. 新宿区長 殿); null: by its name. */
  @Column({ name: 'document_addressee', type: 'varchar', length: 100, nullable: true })
  documentAddressee: string | null;

  @Column({
    name: 'created_at',
    type: 'varchar',
    length: INSTANT_LENGTH,
    transformer: instantTransformer,
  })
  createdAt: Date;
}
