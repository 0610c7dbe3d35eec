import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../../common/auth/auth.decorators.js';
import { ListOf } from '../../common/http/list.js';
import type { Actor } from '../identity/roles.js';
import {
  RegisterSigningCertificateRequest,
  SigningCertificateResponse,
} from './dto/signing-certificate.dto.js';
import { SigningCertificatesService } from './signing-certificates.service.js';
import { ApiErrors } from '../../openapi/api-document.js';

/**
 * An organization's signing certificates. Every role reaches the service,
 * which decides: 404 for an organization the caller cannot see, 403
 * NOT_ORGANIZATION_RESPONSIBLE for one they see but whose keys are not theirs.
 */
@ApiTags('organizations')
@ApiBearerAuth()
@Controller('organizations/:id/certificates')
export class SigningCertificatesController {
  constructor(private readonly certificates: SigningCertificatesService) {}

  /**
   * Registers an X.509 certificate the organization signs deletion
   * certificates with (its responsible person, or an admin).
   */
  @Post()
  @ApiCreatedResponse({ type: SigningCertificateResponse })
  @ApiErrors(
    'NOT_ORGANIZATION_RESPONSIBLE',
    'ORGANIZATION_NOT_FOUND',
    'PEM_INVALID',
    'SIGNING_KEY_REFUSED',
    'X509_EXISTS',
    'X509_EXPIRED',
  )
  async register(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: RegisterSigningCertificateRequest,
  ): Promise<SigningCertificateResponse> {
    return SigningCertificateResponse.from(await this.certificates.register(actor, id, body.pem));
  }

  @Get()
  @ApiOkResponse({ type: ListOf(SigningCertificateResponse) })
  @ApiErrors('ORGANIZATION_NOT_FOUND')
  async list(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<{ items: SigningCertificateResponse[] }> {
    const items = await this.certificates.list(actor, id);
    return { items: items.map((c) => SigningCertificateResponse.from(c)) };
  }

  /** Revokes a certificate: it verifies no new signature (its responsible person, or an admin). */
  @Delete(':certificateId')
  @ApiOkResponse({ type: SigningCertificateResponse })
  @ApiErrors(
    'NOT_ORGANIZATION_RESPONSIBLE',
    'ORGANIZATION_NOT_FOUND',
    'SIGNING_CERTIFICATE_NOT_FOUND',
  )
  async revoke(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('certificateId') certificateId: string,
  ): Promise<SigningCertificateResponse> {
    return SigningCertificateResponse.from(
      await this.certificates.revoke(actor, id, certificateId),
    );
  }
}
