import { Module } from '@nestjs/common';
import { PdfRenderer } from './pdf.renderer.js';

/** The PDF workers and their cache, one pool for every printable document. */
@Module({
  providers: [PdfRenderer],
  exports: [PdfRenderer],
})
export class PdfModule {}
