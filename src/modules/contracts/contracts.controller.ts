import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiCreatedResponse({ type: ContractResponse })
  @ApiErrors('INVALID_PERIOD', 'INVALID_REFERENCE')
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateContractRequest,
  ): Promise<ContractResponse> {
    return toResponse(await this.contracts.create(actor, body));
  }

  @Get()
  @ApiOkResponse({ type: ListOf(ContractResponse) })
  async list(@CurrentActor() actor: Actor): Promise<{ items: ContractResponse[] }> {
    return { items: (await this.contracts.list(actor)).map(toResponse) };
  }

  @Get(':id')
  @ApiOkResponse({ type: ContractResponse })
  @ApiErrors('CONTRACT_NOT_FOUND')
  async get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ContractResponse> {
    return toResponse(await this.contracts.findReadable(actor, id));
  }

  @Roles('ward_officer')
  @Post(':id/roster')
  @ApiCreatedResponse({ type: RosterEntryResponse })
  @ApiErrors(
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
  @ApiOkResponse({ type: ListOf(RosterEntryResponse) })
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
  @ApiOkResponse({ type: RosterEntryResponse, description: 'Withdrawn; kept in the history' })
  @ApiErrors('CONTRACT_NOT_FOUND', 'ROSTER_ENTRY_NOT_FOUND')
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
  @ApiCreatedResponse({ type: TrainingResponse })
  @ApiErrors('CONTRACT_NOT_FOUND', 'NOT_RESPONSIBLE', 'ROSTER_USER_NOT_ELIGIBLE')
  async recordTraining(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: RecordTrainingRequest,
  ): Promise<TrainingResponse> {
    const { training, view } = await this.trainings.record(actor, id, body);
    return TrainingResponse.from(training, view.contract.trainingValidMonths);
  }

  @Get(':id/trainings')
  @ApiOkResponse({ type: ListOf(TrainingResponse) })
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
