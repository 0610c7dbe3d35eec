import { create as contentDisposition } from 'content-disposition';
import type { FastifyReply } from 'fastify';

/**
 * Sends a PDF inline, named `<japaneseName>.pdf` (RFC 8187's `filename*`,
 * which the content-disposition package encodes, `'()*` included) with
 * `<asciiName>.pdf` for old clients, never cached.
 */
export async function sendPdf(
  reply: FastifyReply,
  pdf: Buffer,
  asciiName: string,
  japaneseName: string,
): Promise<void> {
  const ascii = asciiName.replace(/[^A-Za-z0-9._-]/g, '_');
  await reply
    .header('content-type', 'application/pdf')
    .header(
      'content-disposition',
      contentDisposition(`${japaneseName}.pdf`, { type: 'inline', fallback: `${ascii}.pdf` }),
    )
    .header('cache-control', 'no-store')
    .send(pdf);
}
