import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators.js';
import { ListOf } from '../../common/http/list.js';
import { AppendedResponse } from '../custody/dto/medium.dto.js';
import type { Actor } from '../identity/roles.js';
import { sendPdf } from '../pdf/pdf-reply.js';
import { CloseoutService } from './closeout.service.js';
import {
  ConfirmCertificateRequest,
  DeletionCertificateResponse,
  OutstandingResponse,
  RejectCertificateRequest,
  SubmitCertificateRequest,
} from './dto/deletion-certificate.dto.js';
import { ApiErrors } from '../../openapi/api-document.js';

@ApiTags('close-out')
@ApiBearerAuth()
@Controller('contracts/:id')
export class CloseoutController {
  constructor(private readonly closeout: CloseoutService) {}

  /** The responsible person of a contractor or approved subcontractor submits a 消去証明書. */
  @Roles('contractor_staff')
  @Post('deletion-certificates')
  @ApiCreatedResponse({ type: AppendedResponse })
  @ApiErrors(
    'CERTIFICATE_EXISTS',
    'CERTIFICATE_NOT_CANONICAL',
    'CERTIFICATE_NUMBER_REUSED',
    'CERTIFICATE_PENDING',
    'CONTRACT_CLOSED',
    'CONTRACT_NOT_FOUND',
    'INVALID_OCCURRED_AT',
    'IN_TRANSIT',
    'NOT_CUSTODIAN',
    'NOT_RESPONSIBLE',
    'SIGNATURE_CONTRACT_MISMATCH',
    'SIGNATURE_INVALID',
    'TRAINING_REQUIRED',
    'UNKNOWN_MEDIUM',
  )
  submit(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: SubmitCertificateRequest,
  ): Promise<AppendedResponse> {
    return this.closeout.submit(actor, id, body);
  }

  @Get('deletion-certificates')
  @ApiOkResponse({ type: ListOf(DeletionCertificateResponse) })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  async list(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<{ items: DeletionCertificateResponse[] }> {
    const certificates = await this.closeout.list(actor, id);
    return { items: certificates.map((c) => DeletionCertificateResponse.from(c)) };
  }

  /** The certificate and its confirmation as a PDF (Japanese, A4). */
  @Get('deletion-certificates/:certId.pdf')
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The printable 消去証明書' })
  @ApiErrors('CERTIFICATE_NOT_FOUND', 'CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  async pdf(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('certId') certId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { number, pdf } = await this.closeout.pdf(actor, id, certId);
    await sendPdf(reply, pdf, `deletion-certificate-${number}`, `消去証明書-${number}`);
  }

  @Roles('ward_officer')
  @Post('deletion-certificates/:certId/confirm')
  @HttpCode(201)
  @ApiCreatedResponse({ type: AppendedResponse })
  @ApiErrors('CERTIFICATE_ALREADY_DECIDED', 'CERTIFICATE_NOT_FOUND', 'CONTRACT_NOT_FOUND')
  confirm(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('certId') certId: string,
    @Body() body: ConfirmCertificateRequest,
  ): Promise<AppendedResponse> {
    return this.closeout.confirm(actor, id, certId, body);
  }

  @Roles('ward_officer')
  @Post('deletion-certificates/:certId/reject')
  @HttpCode(201)
  @ApiCreatedResponse({ type: AppendedResponse })
  @ApiErrors('CERTIFICATE_ALREADY_DECIDED')
  reject(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('certId') certId: string,
    @Body() body: RejectCertificateRequest,
  ): Promise<AppendedResponse> {
    return this.closeout.reject(actor, id, certId, body);
  }

  /** What still stands between the contract and its close. */
  @Get('outstanding')
  @ApiOkResponse({ type: OutstandingResponse })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  async outstanding(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<OutstandingResponse> {
    const { view, items } = await this.closeout.outstanding(actor, id);
    return {
      closable: items.length === 0 && view.contract.status === 'active',
      status: view.contract.status,
      items,
    };
  }

  /** Closes the contract, or answers 409 OUTSTANDING_CUSTODY listing what is still out. */
  @Roles('ward_officer')
  @Post('close')
  @HttpCode(201)
  @ApiCreatedResponse({ type: AppendedResponse })
  @ApiErrors('CONTRACT_CLOSED', 'OUTSTANDING_CUSTODY')
  close(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<AppendedResponse> {
    return this.closeout.close(actor, id);
  }
}
