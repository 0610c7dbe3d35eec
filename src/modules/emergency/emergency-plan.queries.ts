import type { EntityManager } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { Sql } from '../../database/sql.js';
import type { ContractEntity } from '../contracts/entities/contract.entity.js';
import {
  type EmergencyContact,
  EMPTY_PLAN,
  type EmergencyPlanFacts,
  firstDispatchGaps,
} from './emergency-plan.rule.js';

interface PlanRow {
  ward_contacts: string;
  contractor_contacts: string;
  procedure_recorded_at: string | null;
  ward_confirmed_on: string | null;
  contractor_confirmed_on: string | null;
}

/** The contract's emergency plan as the rules read it (empty when nothing is recorded). */
export async function emergencyPlanFacts(
  manager: EntityManager,
  contractId: string,
): Promise<EmergencyPlanFacts> {
  const row = await new Sql(manager).one<PlanRow>(
    `SELECT ward_contacts, contractor_contacts, procedure_recorded_at, ward_confirmed_on,
            contractor_confirmed_on
       FROM emergency_plans WHERE contract_id = ?`,
    [contractId],
  );
  if (!row) return EMPTY_PLAN;
  return {
    wardContacts: JSON.parse(row.ward_contacts) as EmergencyContact[],
    contractorContacts: JSON.parse(row.contractor_contacts) as EmergencyContact[],
    hasProcedure: row.procedure_recorded_at !== null,
    wardConfirmedOn: row.ward_confirmed_on,
    contractorConfirmedOn: row.contractor_confirmed_on,
  };
}

/**
 * 409 EMERGENCY_PLAN_MISSING for the first dispatch of a contract that
 * requires the plan while it lacks anything; `details.missing` says what.
 */
export async function requireEmergencyPlan(
  manager: EntityManager,
  contract: ContractEntity,
): Promise<void> {
  if (!contract.requireEmergencyPlan) return;
  const dispatched = await new Sql(manager).one<{ id: string }>(
    'SELECT id FROM handovers WHERE contract_id = ? LIMIT 1',
    [contract.id],
  );
  const missing = firstDispatchGaps(
    true,
    dispatched !== undefined,
    await emergencyPlanFacts(manager, contract.id),
  );
  if (missing.length === 0) return;
  throw new DomainError(
    'EMERGENCY_PLAN_MISSING',
    'The first handover waits until both sides have emergency contacts and have confirmed the incident procedure (事故等への対応体制)',
    { contractId: contract.id, missing },
  );
}

/** Both sides' emergency contacts, for an incident notice (empty lists when none are recorded). */
export async function emergencyContactsOf(
  manager: EntityManager,
  contractId: string,
): Promise<{ ward: EmergencyContact[]; contractor: EmergencyContact[] }> {
  const plan = await emergencyPlanFacts(manager, contractId);
  return { ward: plan.wardContacts, contractor: plan.contractorContacts };
}
