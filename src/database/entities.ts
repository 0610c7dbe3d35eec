import { ContractSubcontractorEntity } from '../modules/contracts/entities/contract-subcontractor.entity.js';
import { ContractEntity } from '../modules/contracts/entities/contract.entity.js';
import { RosterEntryEntity } from '../modules/contracts/entities/roster-entry.entity.js';
import { AuthTokenEntity } from '../modules/identity/entities/auth-token.entity.js';
import { OrganizationEntity } from '../modules/identity/entities/organization.entity.js';
import { UserEntity } from '../modules/identity/entities/user.entity.js';

/** Every entity, listed once: the data source and the schema test read this. */
export const ENTITIES = [
  OrganizationEntity,
  UserEntity,
  AuthTokenEntity,
  ContractEntity,
  ContractSubcontractorEntity,
  RosterEntryEntity,
];
