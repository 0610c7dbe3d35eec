import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
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
import { ApiJsonBody } from '../../openapi/api-json-body.js';

@ApiTags('close-out')
@ApiBearerAuth()
@Controller('contracts/:id')
export class CloseoutController {
  constructor(private readonly closeout: CloseoutService) {}

  /** The responsible person of a contractor or approved subcontractor submits a 消去証明書. */
  @Roles('contractor_staff')
  @Post('deletion-certificates')
  @ApiOperation({
    summary: 'Submit a deletion certificate (消去証明書)',
    description:
      'Contractor staff named `responsible` on the roster today, of the contractor or an approved subcontractor, with a training on record when the contract requires one; appends a deletion_certificate_submitted entry and the certificate awaits the ward. Every covered medium must be held by the caller’s organization (409 NOT_CUSTODIAN, IN_TRANSIT, MEDIUM_CLOSED) and not already covered by a pending certificate (409 CERTIFICATE_PENDING); a certificate number is used once per organization and contract (409 CERTIFICATE_EXISTS, CERTIFICATE_NUMBER_REUSED). An optional detached CMS `signature` must cover the body in stored form (400 CERTIFICATE_NOT_CANONICAL), name this contract (422 SIGNATURE_CONTRACT_MISMATCH) and verify against a registered, valid certificate of the organization (422 SIGNATURE_INVALID).',
  })
  @ApiJsonBody(
    SubmitCertificateRequest,
    {
      name: 'unsigned',
      summary: 'Media cleared by overwriting, without a signature',
      value: {
        certificateNumber: 'DC-2026-0001',
        erasedAt: '2026-11-25T10:00:00+09:00',
        scope: {
          dataItems: ['氏名', '住所', '生年月日'],
          systems: ['作業用PC PC-12', 'ファイルサーバ FS-01', 'バックアップ'],
          places: ['本社 3階 作業室'],
        },
        mediaIds: ['6f1d2c3b-8a4e-4f5a-9b6c-1d2e3f4a5b6c'],
        method: 'clear',
        tool: 'DiskWipe Pro 5.2',
        verification: '消去後に全セクタを読み出し、データが残っていないことを確認した',
        performedBy: '作業 五郎',
        witnessedBy: '立会 六郎',
      },
    },
    {
      name: 'signed',
      summary: 'Signed, in stored form: contractId named, erasedAt in UTC with milliseconds',
      value: {
        contractId: '3b9f0a7e-52c1-4d8e-a6f4-0c2d7e9b1a35',
        certificateNumber: 'DC-2026-0002',
        erasedAt: '2026-11-25T01:00:00.000Z',
        scope: {
          dataItems: ['氏名', '住所'],
          systems: ['作業用PC PC-12'],
          places: ['本社 3階 作業室'],
        },
        mediaIds: [],
        method: 'purge',
        tool: 'BitLocker 暗号鍵の破棄',
        verification: '回復キーを含む鍵を破棄し、ボリュームが読めないことを確認した',
        performedBy: '作業 五郎',
        signature:
          '-----BEGIN PKCS7-----\nMIIBhgYJKoZIhvcNAQcCoIIBdzCCAXMCAQExDzANBglghkgBZQMEAgEFADALBgkq\nhkiG9w0BBwExggFOMIIBSgIBATAh\n-----END PKCS7-----\n',
      },
    },
  )
  @ApiCreatedResponse({
    type: AppendedResponse,
    description: 'Submitted: the certificate id and its ledger entry',
  })
  @ApiErrors(
    'CERTIFICATE_EXISTS',
    'CERTIFICATE_NOT_CANONICAL',
    'CERTIFICATE_NUMBER_REUSED',
    'CERTIFICATE_PENDING',
    'CONTRACT_CLOSED',
    'CONTRACT_NOT_FOUND',
    'INVALID_OCCURRED_AT',
    'IN_TRANSIT',
    'MEDIUM_CLOSED',
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
  @ApiOperation({
    summary: 'List the deletion certificates of a contract',
    description:
      'The ward’s officers and auditors, and contractor staff named on the roster today (need to know); admins are refused. Every certificate in submission order, with its status (submitted, confirmed, rejected) and decision.',
  })
  @ApiOkResponse({
    type: ListOf(DeletionCertificateResponse),
    description: 'The certificates, oldest first',
  })
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
  @ApiOperation({
    summary: 'Print a deletion certificate as a PDF',
    description:
      'The ward’s officers and auditors, and contractor staff named on the roster today; admins are refused. A Japanese A4 PDF of the certificate, its covered media, the hashes of its ledger entries and the ward’s decision if any; nothing is written.',
  })
  @ApiProduces('application/pdf')
  @ApiOkResponse({
    description: 'The printable 消去証明書',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
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
  @ApiOperation({
    summary: 'Confirm a deletion certificate',
    description:
      'A ward officer of the contract’s ward (403 NOT_CONTRACT_WARD otherwise). Appends a deletion_certificate_confirmed entry: the covered media become erased, or destroyed for method `destroy`. Only a certificate still awaiting the ward (409 CERTIFICATE_ALREADY_DECIDED), and its media must still be held by the submitting organization (409 NOT_CUSTODIAN, IN_TRANSIT, MEDIUM_CLOSED).',
  })
  @ApiJsonBody(
    ConfirmCertificateRequest,
    {
      name: 'remarks',
      summary: 'With remarks',
      value: { remarks: '消去方法と検証結果を確認した' },
    },
    { name: 'plain', summary: 'Without remarks', value: {} },
  )
  @ApiCreatedResponse({
    type: AppendedResponse,
    description: 'Confirmed: the certificate id and its ledger entry',
  })
  @ApiErrors(
    'CERTIFICATE_ALREADY_DECIDED',
    'CERTIFICATE_NOT_FOUND',
    'CONTRACT_CLOSED',
    'CONTRACT_NOT_FOUND',
    'IN_TRANSIT',
    'MEDIUM_CLOSED',
    'NOT_CONTRACT_WARD',
    'NOT_CUSTODIAN',
  )
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
  @ApiOperation({
    summary: 'Reject a deletion certificate, with a reason',
    description:
      'A ward officer of the contract’s ward (403 NOT_CONTRACT_WARD otherwise). Appends a deletion_certificate_rejected entry; the media stay as they are and the organization may submit a new certificate under a new number. Only a certificate still awaiting the ward (409 CERTIFICATE_ALREADY_DECIDED).',
  })
  @ApiJsonBody(
    RejectCertificateRequest,
    {
      name: 'backup',
      summary: 'A backup is missing from the scope',
      value: { reason: 'バックアップからの消去が記載されていない' },
    },
    {
      name: 'media',
      summary: 'A medium is not covered',
      value: { reason: '返却されていない DVD-R 1枚が対象に含まれていない' },
    },
  )
  @ApiCreatedResponse({
    type: AppendedResponse,
    description: 'Rejected: the certificate id and its ledger entry',
  })
  @ApiErrors(
    'CERTIFICATE_ALREADY_DECIDED',
    'CERTIFICATE_NOT_FOUND',
    'CONTRACT_CLOSED',
    'CONTRACT_NOT_FOUND',
    'NOT_CONTRACT_WARD',
  )
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
  @ApiOperation({
    summary: 'List what still stands between a contract and its close',
    description:
      'The ward’s officers and auditors, and contractor staff named on the roster today; admins are refused. Media in transit or not returned (with holder and location), and certificates pending or missing; `closable` when nothing is left and the contract is active. Nothing is written.',
  })
  @ApiOkResponse({
    type: OutstandingResponse,
    description: 'What is outstanding, and whether the contract can be closed',
  })
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
  @ApiOperation({
    summary: 'Close a contract',
    description:
      'A ward officer of the contract’s ward (403 NOT_CONTRACT_WARD otherwise). Appends a contract_closed entry, after which the ledger takes no more custody events. Refused with 409 OUTSTANDING_CUSTODY, listing the items in `details`, while anything is outstanding; 409 CONTRACT_CLOSED if already closed.',
  })
  @ApiCreatedResponse({
    type: AppendedResponse,
    description: 'Closed: the contract id and its ledger entry',
  })
  @ApiErrors('CONTRACT_CLOSED', 'CONTRACT_NOT_FOUND', 'NOT_CONTRACT_WARD', 'OUTSTANDING_CUSTODY')
  close(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<AppendedResponse> {
    return this.closeout.close(actor, id);
  }
}
