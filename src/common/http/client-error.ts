import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { clientErrorBody } from '../errors/error-response.js';

/**
 * Answers a request that Node's HTTP parser refused before Fastify saw it
 * (Fastify's `clientErrorHandler`): headers over Node's 16 kB limit, which
 * includes the request line, so an over-long URL too (431); a request that
 * did not arrive in time (408); anything that is not HTTP (400). There is no
 * request or reply, only the socket: the response is written to it by hand,
 * in the API's error shape and with the same security headers as any other
 * answer, and the connection is closed.
 */
export function answerClientError(
  error: Error & { code?: string },
  socket: Socket,
  headers: Record<string, string>,
): void {
  // A connection the client already reset has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const body = clientErrorBody(error.code ?? '');
    const json = JSON.stringify(body);
    const head = [
      `HTTP/1.1 ${body.statusCode} ${STATUS_CODES[body.statusCode] ?? 'Error'}`,
      'content-type: application/json; charset=utf-8',
      `content-length: ${Buffer.byteLength(json)}`,
      'connection: close',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.write(`${head.join('\r\n')}\r\n\r\n${json}`);
  }
  // As Node does by default: the parser cannot go on after such an error.
  socket.destroy();
}
