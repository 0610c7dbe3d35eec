import type { Writable } from 'node:stream';
import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

/** `json` for collectors, `pretty` for a person at a terminal; `auto`: pretty on a TTY. */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** What a censored value reads as in the log. */
export const CENSOR = '[REDACTED]';

/**
 * Keys whose values never reach the log, as the API, the entities and the
 * HTTP layer spell them: passwords, one-time and recovery codes, tokens, the
 * webhook's `whsec_` secret and a TOTP enrollment's secret (also inside its
 * URI and QR code), and what is stored for them. `code` is one of them only
 * for a one-time code: see {@link isErrorCode}.
 */
const SECRET_KEYS = [
  'password',
  'currentPassword',
  'newPassword',
  'oneTimePassword',
  'passwordHash',
  'previousPasswordHashes',
  'secret',
  'totpSecret',
  'totpPendingSecret',
  'otpauthUri',
  'qrCode',
  'token',
  'sessionToken',
  'mfaToken',
  'csrfToken',
  'tokenHash',
  'apiKey',
  'totp',
  'code',
  'totpCode',
  'recoveryCode',
  'recoveryCodes',
  'codeHash',
];

/**
 * Headers that carry a session or a credential. Node names a request's
 * headers (`request.headers`) and a reply's (`getHeaders()`) in lower case;
 * a header object written by hand may use the usual capitals. `rawHeaders`
 * (Node's name, value, name, value… list, in the client's own case) goes
 * whole: a path cannot tell its values apart.
 */
const SECRET_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-csrf-token',
  'Authorization',
  'Cookie',
  'Set-Cookie',
  'X-CSRF-Token',
  'X-Csrf-Token',
  'rawHeaders',
];

/**
 * How many levels under the logged object a secret key is still found:
 * `password`, `body.password`, `err.body.password` (or `headers.cookie`,
 * `req.headers.cookie`); the framework's logger puts an object under `data`,
 * one level down. pino's paths are exact, `*` standing for one level, so
 * each key is listed at each depth — and pino tries every `*` path on every
 * field of every line (some 0.1 ms a line with these), so not deeper.
 */
const REDACT_DEPTH = 2;

/** `key`, `*.key`, `*.*.key`…, with pino's brackets for a name like `set-cookie`. */
function pathsTo(key: string): string[] {
  const plain = /^[A-Za-z_$][\w$]*$/.test(key);
  const paths = [plain ? key : `["${key}"]`];
  for (let prefix = '*'; paths.length <= REDACT_DEPTH; prefix += '.*') {
    paths.push(plain ? `${prefix}.${key}` : `${prefix}["${key}"]`);
  }
  return paths;
}

/**
 * Values that never reach the log, wherever a caller puts them: the request
 * line carries none of them (it names its fields one by one), and these
 * paths catch the object someone adds later — request headers, a body, an
 * error carrying its request.
 */
export const REDACTED_PATHS = [...SECRET_KEYS, ...SECRET_HEADERS].flatMap(pathsTo);

/**
 * Whether a value under `code` is an error's code, which operators search
 * the log for, rather than a one-time code (the six digits sent as `code` to
 * /api/auth/mfa/verify, or a recovery code such as 7k2m9-q4x8d in the wrong
 * field): a name in capitals (MEDIUM_NOT_FOUND, ECONNREFUSED, SQLITE_BUSY,
 * FST_ERR_…), PostgreSQL's five-character SQLSTATE (23505) or a small number
 * (an HTTP status, an errno).
 */
export function isErrorCode(value: unknown): boolean {
  if (typeof value === 'number') return Math.abs(value) < 1000;
  return typeof value === 'string' && /^(?:[A-Z][A-Z0-9_]*|[0-9A-Z]{5})$/.test(value);
}

/** pino's censor: every secret key's value, except an error's `code`. */
function censor(value: unknown, path: string[]): unknown {
  return path[path.length - 1] === 'code' && isErrorCode(value) ? value : CENSOR;
}

export interface LoggerOptions {
  level: string;
  format: LogFormat;
  /** Where lines go; standard output by default. */
  stream?: Writable;
  /** Whether standard output is a terminal (for `auto`). */
  isTty?: boolean;
}

/** Whether lines are written for a person: asked for, or `auto` on a terminal. */
export function isPretty(format: LogFormat, isTty: boolean): boolean {
  return format === 'pretty' || (format === 'auto' && isTty);
}

/**
 * The one logger of a kanribo process: the HTTP server's request lines, the
 * framework's messages and every service's own go through it, as one JSON
 * object a line (ISO time, the level by name) or, on a terminal, as
 * pino-pretty's readable lines. A stream given (the tests' collector) gets
 * JSON unless `pretty` is asked for by name.
 */
export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.stream
    ? options.format === 'pretty'
    : isPretty(options.format, options.isTty ?? process.stdout.isTTY === true);
  // Both destinations are synchronous: a line is written when it is logged,
  // so none is lost when the process ends at once — process.exit after a
  // failed start, or Nest's shutdown hooks, which re-raise the signal after
  // closing: no 'exit' event, on which pino would flush an asynchronous
  // buffer. One write a line costs nothing at our volume (a line per request,
  // a few of the framework's); a stalled reader of standard output stalls us.
  const destination = pretty
    ? PinoPretty({
        colorize: !options.stream,
        translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
        ignore: 'pid,hostname',
        sync: true,
        ...(options.stream ? { destination: options.stream } : {}),
      })
    : (options.stream ?? pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor },
    },
    destination,
  );
}

const NEST_TO_PINO = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
} as const satisfies Record<NestLogLevel, string>;

/**
 * The framework's logger (Nest's `Logger` everywhere in the code) writing
 * through the process's pino logger, so that a start-up message, an error
 * and a request line share one format. The last string argument is Nest's
 * context (the class that logs); an error's stack follows its message.
 */
export class PinoNestLogger implements LoggerService {
  private levels: ReadonlySet<NestLogLevel> | undefined;

  constructor(
    private readonly logger: Logger,
    levels?: NestLogLevel[],
  ) {
    this.levels = levels ? new Set(levels) : undefined;
  }

  setLogLevels(levels: NestLogLevel[]): void {
    this.levels = new Set(levels);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: NestLogLevel, message: unknown, params: unknown[]): void {
    if (this.levels && !this.levels.has(level)) return;
    const rest = [...params];
    const context =
      rest.length > 0 && typeof rest[rest.length - 1] === 'string'
        ? (rest.pop() as string)
        : undefined;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    if (level === 'error' || level === 'fatal') {
      const stack = rest.find((p) => typeof p === 'string');
      if (stack) fields.stack = stack;
    }
    if (message instanceof Error) {
      fields.err = message;
      this.logger[NEST_TO_PINO[level]](fields, message.message);
    } else if (typeof message === 'string') {
      this.logger[NEST_TO_PINO[level]](fields, message);
    } else {
      fields.data = message;
      this.logger[NEST_TO_PINO[level]](fields);
    }
  }
}
