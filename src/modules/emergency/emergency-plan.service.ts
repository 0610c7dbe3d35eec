import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { businessDateOf, type IsoDate } from '../../common/time/business-date.js';
import { AppConfig } from '../../config/app-config.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { canManageContract } from '../contracts/contract-access.policy.js';
import { ContractsService, type ContractView } from '../contracts/contracts.service.js';
import { RosterService } from '../contracts/roster.service.js';
import type { Actor } from '../identity/roles.js';
import { type LedgerChain, LedgerService } from '../ledger/ledger.service.js';
import type {
  ConfirmProcedureRequest,
  RecordContactsRequest,
  RecordProcedureRequest,
} from './dto/emergency-plan.dto.js';
import { EmergencyPlanResponse } from './dto/emergency-plan.dto.js';
import type {
  EmergencyContactsRecordedPayload,
  IncidentProcedureConfirmedPayload,
  IncidentProcedureRecordedPayload,
} from './emergency-plan.projector.js';
import { emergencyPlanFacts } from './emergency-plan.queries.js';
import { emergencyPlanGaps, type PlanSide } from './emergency-plan.rule.js';
import { EmergencyPlanEntity } from './entities/emergency-plan.entity.js';

interface Step {
  manager: EntityManager;
  chain: LedgerChain;
  side: PlanSide;
  today: IsoDate;
}

/**
 * The emergency plan (事故等への対応体制) of a contract: each side records its
 * own contacts; either side records the incident procedure; each side
 * confirms it. Ward side: a ward officer of the contract's ward; contractor
 * side: contractor staff on its roster today. Each step is a ledger entry.
 */
@Injectable()
export class EmergencyPlanService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contracts: ContractsService,
    private readonly roster: RosterService,
    private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly ledger: LedgerService,
  ) {}

  async get(actor: Actor, contractId: string): Promise<EmergencyPlanResponse> {
    const view = await this.roster.findReadableNeedToKnow(actor, contractId);
    return this.response(view);
  }

  recordContacts(
    actor: Actor,
    contractId: string,
    request: RecordContactsRequest,
  ): Promise<EmergencyPlanResponse> {
    return this.step(actor, contractId, async ({ chain, side }) => {
      const payload: EmergencyContactsRecordedPayload = {
        side,
        organizationId: actor.organizationId,
        contacts: request.contacts.map((c) => ({
          name: c.name.trim(),
          role: c.role.trim(),
          phone: c.phone.trim(),
          hours: c.hours.trim(),
        })),
      };
      await append(chain, 'emergency_contacts_recorded', payload);
    });
  }

  /** A new procedure: both sides confirm it again. */
  recordProcedure(
    actor: Actor,
    contractId: string,
    request: RecordProcedureRequest,
  ): Promise<EmergencyPlanResponse> {
    const text = request.text?.trim() || null;
    const documentRef = request.documentRef?.trim() || null;
    if (text === null && documentRef === null) {
      throw new DomainError('VALIDATION_FAILED', 'Invalid request: text, documentRef', {
        fields: ['text', 'documentRef'].map((field) => ({
          field,
          messages: ['give the procedure as a text, a document reference, or both'],
        })),
      });
    }
    return this.step(actor, contractId, async ({ chain }) => {
      const payload: IncidentProcedureRecordedPayload = { text, documentRef };
      await append(chain, 'incident_procedure_recorded', payload);
    });
  }

  confirmProcedure(
    actor: Actor,
    contractId: string,
    request: ConfirmProcedureRequest,
  ): Promise<EmergencyPlanResponse> {
    return this.step(actor, contractId, async ({ manager, chain, side, today }) => {
      const plan = await manager.findOneBy(EmergencyPlanEntity, { contractId });
      if (!plan?.procedureRecordedAt) {
        throw new DomainError('EMERGENCY_PLAN_MISSING', 'No incident procedure to confirm yet', {
          contractId,
          missing: ['incident_procedure'],
        });
      }
      const recordedOn = businessDateOf(
        new Date(plan.procedureRecordedAt),
        this.config.BUSINESS_TIMEZONE,
      );
      const confirmedOn = request.confirmedOn ?? today;
      if (confirmedOn > today || confirmedOn < recordedOn) {
        throw new DomainError('VALIDATION_FAILED', 'Invalid request: confirmedOn', {
          fields: [
            {
              field: 'confirmedOn',
              messages: [
                `confirmedOn must be between the day the procedure was recorded (${recordedOn}) and today (${today})`,
              ],
            },
          ],
        });
      }
      const payload: IncidentProcedureConfirmedPayload = {
        side,
        confirmedOn,
        by: { userId: actor.userId, displayName: actor.displayName },
      };
      await append(chain, 'incident_procedure_confirmed', payload);
    });
  }

  private async step(
    actor: Actor,
    contractId: string,
    work: (step: Step) => Promise<void>,
  ): Promise<EmergencyPlanResponse> {
    const view = await this.contracts.findReadable(actor, contractId);
    await this.tx.run(async (manager) => {
      const chain = await this.ledger.open(manager, contractId, actor);
      const side = await this.sideOf(manager, view, actor, chain.openedAt);
      const today = businessDateOf(chain.openedAt, this.config.BUSINESS_TIMEZONE);
      await work({ manager, chain, side, today });
    });
    return this.response(view);
  }

  /**
   * The caller's side: a ward officer of the ward, or the contractor's own
   * staff on the roster today. A subcontractor's staff, rostered or not,
   * speak for neither side (403 NOT_CONTRACTOR): the plan is the contractor's.
   */
  private async sideOf(
    manager: EntityManager,
    view: ContractView,
    actor: Actor,
    at: Date,
  ): Promise<PlanSide> {
    if (canManageContract(actor, view)) return 'ward';
    if (
      actor.role === 'contractor_staff' &&
      (await this.roster.isRosteredAt(manager, view.contract.id, actor.userId, at))
    ) {
      if (actor.organizationId !== view.contract.contractorOrganizationId) {
        throw new DomainError(
          'NOT_CONTRACTOR',
          'Only the contractor’s own staff record and confirm its side of the emergency plan',
          { userId: actor.userId },
        );
      }
      return 'contractor';
    }
    throw new DomainError(
      'NOT_ROSTERED',
      'Only the ward’s officers and the contractor’s staff on the roster record the emergency plan',
      { userId: actor.userId },
    );
  }

  private async response(view: ContractView): Promise<EmergencyPlanResponse> {
    const contractId = view.contract.id;
    const plan = await this.dataSource.getRepository(EmergencyPlanEntity).findOneBy({ contractId });
    const gaps = emergencyPlanGaps(await emergencyPlanFacts(this.dataSource.manager, contractId));
    return EmergencyPlanResponse.from(contractId, view.contract.requireEmergencyPlan, plan, gaps);
  }
}

function append(
  chain: LedgerChain,
  type:
    'emergency_contacts_recorded' | 'incident_procedure_recorded' | 'incident_procedure_confirmed',
  payload: object,
) {
  return chain.append({ type, occurredAt: chain.openedAt, payload: { ...payload } });
}
