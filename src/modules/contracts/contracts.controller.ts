import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators.js';
import { ListOf } from '../../common/http/list.js';
import type { Actor } from '../identity/roles.js';
import { ContractsService, type ContractView } from './contracts.service.js';
import { ContractResponse, CreateContractRequest } from './dto/contract.dto.js';
import { CreateRosterEntryRequest, RosterEntryResponse } from './dto/roster.dto.js';
import { RosterService } from './roster.service.js';
import { RecordTrainingRequest, TrainingResponse } from './dto/training.dto.js';
import { TrainingService } from './training.service.js';
import { ApiErrors } from '../../openapi/api-document.js';
import { ApiJsonBody } from '../../openapi/api-json-body.js';

const toResponse = (view: ContractView): ContractResponse =>
  ContractResponse.from(view.contract, view.subcontractorOrganizationIds);

@ApiTags('contracts')
@ApiBearerAuth()
@Controller('contracts')
export class ContractsController {
  constructor(
    private readonly contracts: ContractsService,
    private readonly roster: RosterService,
    private readonly trainings: TrainingService,
  ) {}

  @Roles('ward_officer')
  @Post()
  @ApiOperation({
    summary: 'Register a contract',
    description:
      'Ward officers only. Registers a contract (業務委託) of the caller’s ward with its contractor, approved subcontractors, period, data items and handling policies; the terms become entry 1 of its ledger (contract_registered). 422 INVALID_PERIOD when endsOn is before startsOn, 422 INVALID_REFERENCE when an organization id names no contractor organization or the contractor is also listed as its own subcontractor.',
  })
  @ApiJsonBody(
    CreateContractRequest,
    {
      name: 'minimal',
      summary: 'Contractor only, default policies',
      value: {
        title: '住民税課税資料のデータ入力業務委託',
        contractorOrganizationId: '3f6c1a52-8d4e-4b7a-9c21-5e0f7d8a9b13',
        startsOn: '2026-04-01',
        endsOn: '2027-03-31',
        dataItems: ['氏名', '住所', '生年月日', '課税額'],
        subjectCount: 12000,
      },
    },
    {
      name: 'subcontracted',
      summary: 'With an approved subcontractor and explicit policies',
      value: {
        title: '国民健康保険 被保険者証 印刷・封入封かん業務委託',
        contractorOrganizationId: '3f6c1a52-8d4e-4b7a-9c21-5e0f7d8a9b13',
        subcontractorOrganizationIds: ['b7d2e4f1-6a3c-4e89-8f05-2c9a1d7e6b40'],
        startsOn: '2026-06-01',
        endsOn: '2026-11-30',
        dataItems: ['氏名', '住所', '被保険者番号'],
        subjectCount: 48500,
        handoverPolicy: { minSeparationMinutes: 120, requireTakeoutApproval: true },
        handlingPolicy: {
          requireTraining: true,
          trainingValidMonths: 12,
          requireEmergencyPlan: true,
        },
        auditPolicy: { reminderLeadDays: [60, 30, 7] },
      },
    },
  )
  @ApiCreatedResponse({
    type: ContractResponse,
    description: 'The contract as registered, active',
  })
  @ApiErrors('INVALID_PERIOD', 'INVALID_REFERENCE')
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateContractRequest,
  ): Promise<ContractResponse> {
    return toResponse(await this.contracts.create(actor, body));
  }

  @Get()
  @ApiOperation({
    summary: 'List the contracts the caller may know of',
    description:
      'Any signed-in role. Ward officers and auditors see their ward’s contracts, contractor staff those their organization takes part in (as contractor or approved subcontractor), admins every contract (metadata only). Newest first; reads nothing but the contracts themselves.',
  })
  @ApiOkResponse({
    type: ListOf(ContractResponse),
    description: 'The contracts, newest first',
  })
  async list(@CurrentActor() actor: Actor): Promise<{ items: ContractResponse[] }> {
    return { items: (await this.contracts.list(actor)).map(toResponse) };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Get one contract',
    description:
      'Any signed-in role that may know of the contract: ward officers and auditors of its ward, contractor staff of its contractor or an approved subcontractor, admins. Anyone else gets 404 CONTRACT_NOT_FOUND, as if it did not exist.',
  })
  @ApiOkResponse({ type: ContractResponse, description: 'The contract’s terms and status' })
  @ApiErrors('CONTRACT_NOT_FOUND')
  async get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ContractResponse> {
    return toResponse(await this.contracts.findReadable(actor, id));
  }

  @Roles('ward_officer')
  @Post(':id/roster')
  @ApiOperation({
    summary: 'Name a handler on the contract’s roster',
    description:
      'Ward officers of the contract’s ward only. Names an active contractor_staff user of the contractor or an approved subcontractor (by user id or login id) as responsible person (取扱責任者) or handler (取扱者) for a period, optionally recording their training with it; appends roster_entry_added (and handler_training_recorded) to the ledger. Refused with 409 ROSTER_ENTRY_EXISTS for an overlapping entry in the same role, 409 TRAINING_REQUIRED when the contract requires a training and none covers validFrom, 409 CONTRACT_CLOSED on a closed contract.',
  })
  @ApiJsonBody(
    CreateRosterEntryRequest,
    {
      name: 'handler',
      summary: 'A handler by login id, for the contract period',
      value: {
        userId: 'tanaka.k',
        role: 'handler',
        validFrom: '2026-04-01',
        validTo: '2027-03-31',
      },
    },
    {
      name: 'withTraining',
      summary: 'A responsible person by id, with the training recorded at once',
      value: {
        userId: '8c1e5b7a-2f4d-4a96-b3e0-7d9f1c2a6e58',
        role: 'responsible',
        validFrom: '2026-04-01',
        training: {
          trainedOn: '2026-03-18',
          course: '個人情報の適正な取扱いに関する研修',
          trainer: '株式会社デモ情報処理 情報セキュリティ委員会',
        },
      },
    },
  )
  @ApiCreatedResponse({ type: RosterEntryResponse, description: 'The new roster entry' })
  @ApiErrors(
    'CONTRACT_CLOSED',
    'CONTRACT_NOT_FOUND',
    'INVALID_PERIOD',
    'ROSTER_ENTRY_EXISTS',
    'ROSTER_USER_NOT_ELIGIBLE',
    'TRAINING_REQUIRED',
  )
  async addRosterEntry(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: CreateRosterEntryRequest,
  ): Promise<RosterEntryResponse> {
    return RosterEntryResponse.from(await this.roster.add(actor, id, body));
  }

  @Get(':id/roster')
  @ApiOperation({
    summary: 'List the contract’s roster with its history',
    description:
      'Ward officers and auditors of the contract’s ward, admins, and contractor staff of a party while a roster entry names them today (403 NOT_ROSTERED otherwise). Every entry, withdrawn ones included, oldest first.',
  })
  @ApiOkResponse({
    type: ListOf(RosterEntryResponse),
    description: 'Every roster entry, oldest first',
  })
  @ApiErrors('CONTRACT_NOT_FOUND', 'NOT_ROSTERED')
  async listRoster(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<{ items: RosterEntryResponse[] }> {
    const entries = await this.roster.list(actor, id);
    return { items: entries.map((e) => RosterEntryResponse.from(e)) };
  }

  @Roles('ward_officer')
  @Delete(':id/roster/:entryId')
  @ApiOperation({
    summary: 'Withdraw a roster entry',
    description:
      'Ward officers of the contract’s ward only. Ends a current roster entry now (roster_entry_removed in the ledger); it stays in the roster’s history with the time it ended. 404 ROSTER_ENTRY_NOT_FOUND for an entry already withdrawn or of another contract, 409 CONTRACT_CLOSED on a closed contract.',
  })
  @ApiOkResponse({ type: RosterEntryResponse, description: 'Withdrawn; kept in the history' })
  @ApiErrors('CONTRACT_CLOSED', 'CONTRACT_NOT_FOUND', 'ROSTER_ENTRY_NOT_FOUND')
  async removeRosterEntry(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('entryId') entryId: string,
  ): Promise<RosterEntryResponse> {
    return RosterEntryResponse.from(await this.roster.remove(actor, id, entryId));
  }

  /** 従事者に対する教育: by a ward officer, or the contractor's responsible person for their staff. */
  @Roles('ward_officer', 'contractor_staff')
  @Post(':id/trainings')
  @ApiOperation({
    summary: 'Record a handler’s training',
    description:
      'A ward officer of the contract’s ward, or a responsible person (取扱責任者) on its roster today for staff of their own organization (403 NOT_RESPONSIBLE otherwise). Records a training in handling personal data (従事者に対する教育) of a contractor_staff user of a party as a handler_training_recorded ledger entry; trainedOn may not be after today. 409 CONTRACT_CLOSED on a closed contract.',
  })
  @ApiJsonBody(RecordTrainingRequest, {
    name: 'training',
    summary: 'An annual training, by login id',
    value: {
      userId: 'tanaka.k',
      trainedOn: '2026-03-18',
      course: '個人情報の適正な取扱いに関する研修',
      trainer: '株式会社デモ情報処理 情報セキュリティ委員会',
    },
  })
  @ApiCreatedResponse({ type: TrainingResponse, description: 'The training as recorded' })
  @ApiErrors('CONTRACT_CLOSED', 'CONTRACT_NOT_FOUND', 'NOT_RESPONSIBLE', 'ROSTER_USER_NOT_ELIGIBLE')
  async recordTraining(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: RecordTrainingRequest,
  ): Promise<TrainingResponse> {
    const { training, view } = await this.trainings.record(actor, id, body);
    return TrainingResponse.from(training, view.contract.trainingValidMonths);
  }

  @Get(':id/trainings')
  @ApiOperation({
    summary: 'List the trainings recorded on the contract',
    description:
      'Those who may read the contract’s roster: ward officers and auditors of its ward, admins, and contractor staff a roster entry names today (403 NOT_ROSTERED otherwise). Oldest first, each with the day it lapses under the contract’s trainingValidMonths.',
  })
  @ApiOkResponse({
    type: ListOf(TrainingResponse),
    description: 'Every training, oldest first',
  })
  @ApiErrors('CONTRACT_NOT_FOUND', 'NOT_ROSTERED')
  async listTrainings(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<{ items: TrainingResponse[] }> {
    const { trainings, view } = await this.trainings.list(actor, id);
    return {
      items: trainings.map((t) => TrainingResponse.from(t, view.contract.trainingValidMonths)),
    };
  }
}
