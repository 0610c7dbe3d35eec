import type { FastifyReply } from 'fastify';

/**
 * Sends a PDF inline, named `<asciiName>.pdf` for old clients and
 * `<japaneseName>.pdf` (RFC 5987) for the rest, never cached.
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
      `inline; filename="${ascii}.pdf"; filename*=UTF-8''${encodeURIComponent(`${japaneseName}.pdf`)}`,
    )
    .header('cache-control', 'no-store')
    .send(pdf);
}
