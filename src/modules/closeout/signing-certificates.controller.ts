import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators.js';
import { ListOf } from '../../common/http/list.js';
import type { Actor } from '../identity/roles.js';
import {
  RegisterSigningCertificateRequest,
  SigningCertificateResponse,
} from './dto/signing-certificate.dto.js';
import { SigningCertificatesService } from './signing-certificates.service.js';

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('organizations/:id/certificates')
export class SigningCertificatesController {
  constructor(private readonly certificates: SigningCertificatesService) {}

  /** Registers an X.509 certificate the organization signs deletion certificates with. */
  @Roles('admin', 'ward_officer')
  @Post()
  @ApiCreatedResponse({ type: SigningCertificateResponse })
  async register(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: RegisterSigningCertificateRequest,
  ): Promise<SigningCertificateResponse> {
    return SigningCertificateResponse.from(await this.certificates.register(actor, id, body.pem));
  }

  @Get()
  @ApiOkResponse({ type: ListOf(SigningCertificateResponse) })
  async list(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<{ items: SigningCertificateResponse[] }> {
    const items = await this.certificates.list(actor, id);
    return { items: items.map((c) => SigningCertificateResponse.from(c)) };
  }
}
