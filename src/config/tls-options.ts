import { readFileSync } from 'node:fs';
import type { ServerOptions } from 'node:https';
import { createSecureContext } from 'node:tls';
import { type AppConfig, ConfigError } from './app-config.js';

/** What Node's TLS server needs to serve HTTPS itself. */
export type TlsServerOptions = Pick<ServerOptions, 'cert' | 'key' | 'minVersion'>;

/**
 * Reads TLS_CERT_FILE and TLS_KEY_FILE when they are set (the configuration
 * already made sure they come together). TLS 1.2 is the oldest version the
 * server accepts (seed 004, 3省2ガイドライン). A file that cannot be read, is not
 * PEM, or a key that does not belong to the certificate stops start-up with a
 * {@link ConfigError} naming the variable, before anything else starts.
 */
export function readTlsOptions(
  config: Pick<AppConfig, 'TLS_CERT_FILE' | 'TLS_KEY_FILE'>,
): TlsServerOptions | undefined {
  if (!config.TLS_CERT_FILE || !config.TLS_KEY_FILE) return undefined;
  const cert = readPem('TLS_CERT_FILE', config.TLS_CERT_FILE);
  const key = readPem('TLS_KEY_FILE', config.TLS_KEY_FILE);
  check('TLS_CERT_FILE', config.TLS_CERT_FILE, 'holds no PEM certificate', () =>
    createSecureContext({ cert }),
  );
  check('TLS_KEY_FILE', config.TLS_KEY_FILE, 'holds no PEM private key', () =>
    createSecureContext({ key }),
  );
  check('TLS_KEY_FILE', config.TLS_KEY_FILE, 'is not the key of TLS_CERT_FILE', () =>
    createSecureContext({ cert, key }),
  );
  return { cert, key, minVersion: 'TLSv1.2' };
}

function readPem(variable: string, path: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError([`${variable} cannot be read (${reason}): ${path}`]);
  }
  if (content.length === 0) throw new ConfigError([`${variable} is an empty file: ${path}`]);
  return content;
}

function check(variable: string, path: string, problem: string, attempt: () => unknown): void {
  try {
    attempt();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError([`${variable} ${problem} (${reason}): ${path}`]);
  }
}
