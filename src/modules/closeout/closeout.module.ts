import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContractsModule } from '../contracts/contracts.module.js';
import { PdfModule } from '../pdf/pdf.module.js';
import { CloseoutController } from './closeout.controller.js';
import { CloseoutProjector } from './closeout.projector.js';
import { CloseoutService } from './closeout.service.js';
import { DeletionCertificateEntity } from './entities/deletion-certificate.entity.js';
import { SigningCertificatesController } from './signing-certificates.controller.js';
import { SigningCertificatesService } from './signing-certificates.service.js';

/** Returns, deletion certificates and the close of a contract. */
@Module({
  imports: [TypeOrmModule.forFeature([DeletionCertificateEntity]), ContractsModule, PdfModule],
  controllers: [CloseoutController, SigningCertificatesController],
  providers: [CloseoutService, CloseoutProjector, SigningCertificatesService],
  exports: [CloseoutService],
})
export class CloseoutModule {}
