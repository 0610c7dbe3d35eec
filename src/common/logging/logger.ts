import type { Writable } from 'node:stream';
import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

/** `json` for collectors, `pretty` for a person at a terminal; `auto`: pretty on a TTY. */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * Values that never reach the log, wherever a caller puts them: the request
 * line carries none of them (it names its fields one by one), and these
 * paths catch the object someone adds later — request headers, a body, an
 * error carrying its request.
 */
export const REDACTED_PATHS = [
  'authorization',
  'cookie',
  'password',
  'currentPassword',
  'newPassword',
  'oneTimePassword',
  'secret',
  'token',
  'code',
  'recoveryCode',
  'recoveryCodes',
  'totpSecret',
  '*.authorization',
  '*.cookie',
  '*["set-cookie"]',
  '*["x-csrf-token"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.oneTimePassword',
  '*.secret',
  '*.token',
  '*.code',
  '*.recoveryCode',
  '*.recoveryCodes',
  '*.totpSecret',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.body',
  'res.headers["set-cookie"]',
];

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
  const destination = pretty
    ? PinoPretty({
        colorize: !options.stream,
        translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
        ignore: 'pid,hostname',
        sync: true,
        ...(options.stream ? { destination: options.stream } : {}),
      })
    : (options.stream ?? pino.destination({ dest: 1, sync: false }));
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
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
