import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor } from '../../common/auth/auth.decorators.js';
import { ListOf } from '../../common/http/list.js';
import type { Actor } from '../identity/roles.js';
import {
  RegisterSigningCertificateRequest,
  SigningCertificateResponse,
} from './dto/signing-certificate.dto.js';
import { SigningCertificatesService } from './signing-certificates.service.js';
import { ApiErrors } from '../../openapi/api-document.js';
import { ApiJsonBody } from '../../openapi/api-json-body.js';

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
  @ApiOperation({
    summary: 'Register a signing certificate of an organization',
    description:
      'The organization’s responsible person (contractor staff of it named `responsible` on a roster entry valid today) or an admin; anyone else who sees the organization gets 403 NOT_ORGANIZATION_RESPONSIBLE. Exactly one unexpired X.509 certificate in PEM (422 PEM_INVALID, X509_EXPIRED) with an RSA ≥ 2048-bit or ECDSA P-256/P-384 key allowed to sign (400 SIGNING_KEY_REFUSED), registered once (409 X509_EXISTS). It then verifies the organization’s deletion certificate signatures.',
  })
  @ApiJsonBody(RegisterSigningCertificateRequest, {
    name: 'ecdsa',
    summary: 'An ECDSA P-256 certificate (shortened)',
    value: {
      pem: '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2Fuc2VpIFNoaWduaW5nIEtleTAKBggqhkjOPQQDAjAv\nMS0wKwYDVQQDDCTmoKrlvI/kvJrnpL4g44Kr44Oz44K744Kk5oOF5aCx5Yem55CG\n-----END CERTIFICATE-----\n',
    },
  })
  @ApiCreatedResponse({
    type: SigningCertificateResponse,
    description: 'The registered certificate',
  })
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
  @ApiOperation({
    summary: 'List the signing certificates of an organization',
    description:
      'Any role, within the directory’s scope: admins any organization, ward officers and auditors their ward and the organizations on its contracts, contractor staff their own (404 ORGANIZATION_NOT_FOUND otherwise). Every certificate registered, revoked ones included, oldest first; nothing is written.',
  })
  @ApiOkResponse({
    type: ListOf(SigningCertificateResponse),
    description: 'The certificates, oldest first',
  })
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
  @ApiOperation({
    summary: 'Revoke a signing certificate of an organization',
    description:
      'The organization’s responsible person or an admin (403 NOT_ORGANIZATION_RESPONSIBLE for others who see it). From now on the certificate verifies no new signature; it stays listed with when and by whom it was revoked. Revoking it again changes nothing and answers the same.',
  })
  @ApiOkResponse({
    type: SigningCertificateResponse,
    description: 'The certificate, revoked',
  })
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
