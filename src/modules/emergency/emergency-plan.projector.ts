import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LedgerEntry } from '../ledger/hash-chain.js';
import { type LedgerProjector, ProjectorRegistry } from '../ledger/projector-registry.js';
import type { PersonRef } from '../takeout/takeout.projector.js';
import type { EmergencyContact, PlanSide } from './emergency-plan.rule.js';
import { EmergencyPlanEntity } from './entities/emergency-plan.entity.js';

/** `emergency_contacts_recorded`: the side's whole list, replacing the one before. */
export interface EmergencyContactsRecordedPayload {
  side: PlanSide;
  organizationId: string;
  contacts: EmergencyContact[];
}

/** `incident_procedure_recorded`: a new procedure, which both sides confirm again. */
export interface IncidentProcedureRecordedPayload {
  text: string | null;
  documentRef: string | null;
}

/** `incident_procedure_confirmed` */
export interface IncidentProcedureConfirmedPayload {
  side: PlanSide;
  /** The day the side confirmed it (YYYY-MM-DD). */
  confirmedOn: string;
  by: PersonRef;
}

/** Keeps `emergency_plans` as a projection of the plan's ledger entries. */
@Injectable()
export class EmergencyPlanProjector implements LedgerProjector, OnModuleInit {
  readonly name = 'emergency-plans';
  readonly types = [
    'emergency_contacts_recorded',
    'incident_procedure_recorded',
    'incident_procedure_confirmed',
  ] as const;

  constructor(private readonly registry: ProjectorRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async apply(manager: EntityManager, entry: LedgerEntry): Promise<void> {
    const plan =
      (await manager.findOneBy(EmergencyPlanEntity, { contractId: entry.contractId })) ??
      emptyPlan(entry.contractId);
    plan.updatedAt = entry.recordedAt;
    if (entry.type === 'emergency_contacts_recorded') {
      const p = entry.payload as unknown as EmergencyContactsRecordedPayload;
      // Field by field: the stored payload's keys come back sorted, and a rebuild must match.
      const contacts = p.contacts.map(({ name, role, phone, hours }) => ({
        name,
        role,
        phone,
        hours,
      }));
      if (p.side === 'ward') plan.wardContacts = contacts;
      else plan.contractorContacts = contacts;
    } else if (entry.type === 'incident_procedure_recorded') {
      const p = entry.payload as unknown as IncidentProcedureRecordedPayload;
      Object.assign(plan, {
        procedureText: p.text,
        procedureDocumentRef: p.documentRef,
        procedureRecordedAt: entry.recordedAt,
        wardConfirmedOn: null,
        wardConfirmedByUserId: null,
        contractorConfirmedOn: null,
        contractorConfirmedByUserId: null,
      });
    } else if (entry.type === 'incident_procedure_confirmed') {
      const p = entry.payload as unknown as IncidentProcedureConfirmedPayload;
      if (p.side === 'ward') {
        plan.wardConfirmedOn = p.confirmedOn;
        plan.wardConfirmedByUserId = p.by.userId;
      } else {
        plan.contractorConfirmedOn = p.confirmedOn;
        plan.contractorConfirmedByUserId = p.by.userId;
      }
    }
    await manager.save(EmergencyPlanEntity, plan);
  }

  async reset(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(EmergencyPlanEntity).execute();
  }
}

function emptyPlan(contractId: string): EmergencyPlanEntity {
  return Object.assign(new EmergencyPlanEntity(), {
    contractId,
    wardContacts: [],
    contractorContacts: [],
    procedureText: null,
    procedureDocumentRef: null,
    procedureRecordedAt: null,
    wardConfirmedOn: null,
    wardConfirmedByUserId: null,
    contractorConfirmedOn: null,
    contractorConfirmedByUserId: null,
  });
}
