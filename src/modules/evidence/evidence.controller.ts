import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { create as contentDisposition } from 'content-disposition';
import type { FastifyReply } from 'fastify';
import { CurrentActor } from '../../common/auth/auth.decorators.js';
import { ApiErrors } from '../../openapi/api-document.js';
import type { Actor } from '../identity/roles.js';
import { EvidenceService } from './evidence.service.js';

@ApiTags('ledger')
@ApiBearerAuth()
@Controller('contracts/:id/evidence')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  @Get()
  @ApiOperation({
    summary: 'Download the evidence package of a contract (zip, verifiable offline)',
    description:
      'The ward’s officers and auditors, and contractor staff named on the roster today (need to know); admins are refused (403 FORBIDDEN_ROLE), contractor staff without a valid roster entry get 403 NOT_ROSTERED. One zip, streamed: every ledger entry as served (ledger.jsonl, one RFC 8785 line each), the signed checkpoint of exactly those entries with its verifier key (C2SP and PEM) and the body and signature openssl checks, the deletion certificates with their signed content, CMS signatures and signer certificates, their PDFs, the 管理簿 CSV, a manifest and 検証手順.txt in Japanese. `npx kanribo-verify <file>` checks it with no database or service. Writes only the checkpoint of the whole ledger, when none covers it yet.',
  })
  @ApiProduces('application/zip')
  @ApiOkResponse({
    description: 'The evidence package',
    content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  async download(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { filename, body } = await this.evidence.build(actor, id);
    await reply
      .header('content-type', 'application/zip')
      .header('content-disposition', contentDisposition(filename))
      .header('cache-control', 'no-store')
      .send(body);
  }
}
