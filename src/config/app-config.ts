import { availableParallelism } from 'node:os';
import { plainToInstance, Transform } from 'class-transformer';
import { isPlaceholderPassword, PLACEHOLDER_PROBLEM } from '../modules/identity/password.rule.js';
import { LOG_FORMATS, type LogFormat } from '../common/logging/logger.js';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  Validate,
  validateSync,
} from 'class-validator';
import { IsMailbox } from './mailbox.validator.js';

/** Environment variables whose values must never reach a log line. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'BOOTSTRAP_ADMIN_PASSWORD',
  'DATABASE_URL',
  'METRICS_TOKEN',
  'REDIS_URL',
  'SMTP_URL',
]);

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function isTimeZone(value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;

/**
 * Every setting kanribo reads, with its default. Built once at boot from the
 * environment by {@link loadConfig}; code receives this object through DI and
 * never reads process.env itself.
 */
export class AppConfig {
  /** TCP port of the HTTP API. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 65535' })
  @Min(1, { message: 'must be an integer between 1 and 65535' })
  @Max(65535, { message: 'must be an integer between 1 and 65535' })
  PORT = 3000;

  /** Address to listen on. */
  @IsString()
  @MinLength(1)
  HOST = '0.0.0.0';

  /** PostgreSQL URL; unset means the embedded SQLite file in DATA_DIR. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/[^\s]+$/, {
    message: 'must be a postgres:// or postgresql:// URL',
  })
  DATABASE_URL?: string;

  /** Folder of the embedded SQLite database (kanribo.sqlite). */
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  DATA_DIR = './data';

  /** The web app's built files (`npm run build` makes them), served at `/`; `off` serves none. */
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  WEB_DIR = 'web/dist';

  /** Redis for the job queue (reminders, webhooks). The service runs without it. */
  @Matches(/^rediss?:\/\/[^\s]+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix of every Redis key of kanribo's queues (several deployments may share a Redis). */
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ or -' })
  QUEUE_PREFIX = 'kanribo';

  /** `in-process`: the API process runs the queue workers; `off`: run `npm run worker` separately. */
  @IsIn(['in-process', 'off'], { message: 'must be in-process or off' })
  QUEUE_WORKERS: 'in-process' | 'off' = 'in-process';

  /** Time of day (BUSINESS_TIMEZONE) of the daily reminder scan, `HH:MM`, or `off`. */
  @Matches(/^(([01]\d|2[0-3]):[0-5]\d|off)$/, { message: 'must be HH:MM (24-hour) or off' })
  REMINDER_SCAN_TIME = '09:00';

  /** A dispatch not received after this many hours is reminded to both sides. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of hours between 1 and 8760' })
  @Min(1, { message: 'must be an integer number of hours between 1 and 8760' })
  @Max(8760, { message: 'must be an integer number of hours between 1 and 8760' })
  REMINDER_RECEIPT_HOURS = 48;

  /** An encrypted medium and its password notice apart for this many days after one arrived. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of days between 1 and 365' })
  @Min(1, { message: 'must be an integer number of days between 1 and 365' })
  @Max(365, { message: 'must be an integer number of days between 1 and 365' })
  REMINDER_PASSWORD_NOTICE_DAYS = 7;

  /** Media still out this many days after the contract's end are reminded to both sides. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of days between 1 and 365' })
  @Min(1, { message: 'must be an integer number of days between 1 and 365' })
  @Max(365, { message: 'must be an integer number of days between 1 and 365' })
  REMINDER_RETURN_DAYS = 14;

  /** An overdue audit is reminded the day after its due date, then every this many days. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of days between 1 and 365' })
  @Min(1, { message: 'must be an integer number of days between 1 and 365' })
  @Max(365, { message: 'must be an integer number of days between 1 and 365' })
  REMINDER_OVERDUE_REPEAT_DAYS = 7;

  /** How many missed days the scheduler scans when it comes back (Redis down, service stopped). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of days between 1 and 366' })
  @Min(1, { message: 'must be an integer number of days between 1 and 366' })
  @Max(366, { message: 'must be an integer number of days between 1 and 366' })
  REMINDER_CATCH_UP_DAYS = 31;

  /**
   * Parts a day's reminder scan is split into, by ward, each a job any worker
   * takes: `auto` is one part per worker process listening to the reminder
   * queue (one part, the whole scan in one job, when one runs).
   */
  @Matches(/^(auto|[1-9]|[1-5]\d|6[0-4])$/, {
    message: 'must be auto or an integer between 1 and 64',
  })
  REMINDER_SCAN_PARTS = 'auto';

  /**
   * How reminders count days: `calendar` (every day) or `business` (開庁日: no
   * weekend, national holiday or 29 December – 3 January). Under `business` the
   * audit lead days, REMINDER_PASSWORD_NOTICE_DAYS, REMINDER_RETURN_DAYS and
   * REMINDER_OVERDUE_REPEAT_DAYS are business days, and an audit due on a
   * closed day is reminded as due on the last business day before it.
   * REMINDER_RECEIPT_HOURS stays in hours.
   */
  @IsIn(['calendar', 'business'], { message: 'must be calendar or business' })
  REMINDER_DAY_COUNT: 'calendar' | 'business' = 'calendar';

  /** Days an approved take-out request (持出し承認) covers registrations and dispatches. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of days between 1 and 365' })
  @Min(1, { message: 'must be an integer number of days between 1 and 365' })
  @Max(365, { message: 'must be an integer number of days between 1 and 365' })
  TAKEOUT_VALID_DAYS = 14;

  /** Attempts of one webhook delivery before it is marked failed. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 30' })
  @Min(1, { message: 'must be an integer between 1 and 30' })
  @Max(30, { message: 'must be an integer between 1 and 30' })
  WEBHOOK_ATTEMPTS = 8;

  /** First retry delay of a webhook delivery, doubled at each further attempt. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds between 10 and 3600000' })
  @Min(10, { message: 'must be an integer number of milliseconds between 10 and 3600000' })
  @Max(3600000, { message: 'must be an integer number of milliseconds between 10 and 3600000' })
  WEBHOOK_BACKOFF_MS = 30000;

  /** How long one webhook POST may take. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds between 100 and 120000' })
  @Min(100, { message: 'must be an integer number of milliseconds between 100 and 120000' })
  @Max(120000, { message: 'must be an integer number of milliseconds between 100 and 120000' })
  WEBHOOK_TIMEOUT_MS = 10000;

  /**
   * Non-public networks webhooks may reach (a ward's receivers on LGWAN):
   * comma-separated CIDRs, addresses or host names. Empty: public addresses only.
   * Each entry is parsed by the webhook address policy at start-up.
   */
  @Matches(/^\s*$|^\s*[A-Za-z0-9.:/-]+(\s*,\s*[A-Za-z0-9.:/-]+)*\s*$/, {
    message: 'must be a comma-separated list of CIDRs, addresses or host names',
  })
  WEBHOOK_ALLOWED_NETWORKS = '';

  /** `true`: webhook URLs may be plain `http://` (only for receivers on a closed network). */
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  WEBHOOK_ALLOW_HTTP: 'true' | 'false' = 'false';

  /**
   * The SMTP server notifications are e-mailed through: `smtp://` (STARTTLS
   * when the server offers it) or `smtps://` (TLS from the start), with the
   * credentials in the URL (`smtps://user:password@mail.example.jp:465`).
   * Unset: no mail is queued or sent, and health says `mail: disabled`.
   */
  @IsOptional()
  @Matches(/^smtps?:\/\/[^\s]+$/, { message: 'must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** The From of the e-mails: `kanribo@city.example.jp` or `管理簿 <kanribo@city.example.jp>`. */
  @IsOptional()
  @Validate(IsMailbox)
  MAIL_FROM?: string;

  /**
   * The web app's address as its users open it (`https://kanribo.city.example.jp`):
   * the links in e-mails lead there.
   */
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'must be an http:// or https:// URL' },
  )
  PUBLIC_URL?: string;

  /** Attempts of one e-mail before it is marked failed. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 30' })
  @Min(1, { message: 'must be an integer between 1 and 30' })
  @Max(30, { message: 'must be an integer between 1 and 30' })
  MAIL_ATTEMPTS = 8;

  /** First retry delay of an e-mail, doubled at each further attempt. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds between 10 and 3600000' })
  @Min(10, { message: 'must be an integer number of milliseconds between 10 and 3600000' })
  @Max(3600000, { message: 'must be an integer number of milliseconds between 10 and 3600000' })
  MAIL_BACKOFF_MS = 60000;

  /**
   * How long stopping waits for each queue and worker to close gracefully
   * (running jobs to finish, Redis to answer) before disconnecting it by force.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds between 0 and 600000' })
  @Min(0, { message: 'must be an integer number of milliseconds between 0 and 600000' })
  @Max(600000, { message: 'must be an integer number of milliseconds between 0 and 600000' })
  QUEUE_SHUTDOWN_GRACE_MS = 10000;

  /** How often the queue's connection is checked and waiting deliveries are handed to it. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds between 50 and 600000' })
  @Min(50, { message: 'must be an integer number of milliseconds between 50 and 600000' })
  @Max(600000, { message: 'must be an integer number of milliseconds between 50 and 600000' })
  QUEUE_CHECK_INTERVAL_MS = 5000;

  /**
   * How often pending webhook deliveries are checked against the queue, and a
   * delivery whose job Redis no longer has (a restart without persistence, the
   * last second of `appendonly everysec`, a failover, a flush) is handed to it
   * again; the daily scan's scheduler and a missed scan are checked too. Done at
   * once, whatever this says, when Redis is seen to have lost its data.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds between 100 and 3600000' })
  @Min(100, { message: 'must be an integer number of milliseconds between 100 and 3600000' })
  @Max(3600000, { message: 'must be an integer number of milliseconds between 100 and 3600000' })
  QUEUE_RECONCILE_INTERVAL_MS = 60000;

  /** Time zone of the business day, fiscal year and CSV times. */
  @IsString()
  BUSINESS_TIMEZONE = 'Asia/Tokyo';

  /** Login of the first admin, created only while no user exists. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9._@-]{3,64}$/, {
    message: 'must be 3-64 characters of letters, digits and . _ @ -',
  })
  BOOTSTRAP_ADMIN_LOGIN?: string;

  /** Temporary password of the first admin; must be changed at first login. */
  @IsOptional()
  @MinLength(12, { message: 'must be at least 12 characters' })
  @MaxLength(256, { message: 'must be at most 256 characters' })
  BOOTSTRAP_ADMIN_PASSWORD?: string;

  /** Name of the organization the first admin belongs to. */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  BOOTSTRAP_ORGANIZATION_NAME = 'kanribo administration';

  /** Lifetime of a bearer token, in minutes (default 8 hours). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of minutes between 1 and 43200' })
  @Min(1, { message: 'must be an integer number of minutes between 1 and 43200' })
  @Max(43200, { message: 'must be an integer number of minutes between 1 and 43200' })
  TOKEN_TTL_MINUTES = 480;

  /** Consecutive failed logins (or second-factor codes) after which a login id is locked. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 100' })
  @Min(1, { message: 'must be an integer between 1 and 100' })
  @Max(100, { message: 'must be an integer between 1 and 100' })
  LOGIN_MAX_FAILURES = 5;

  /** How long a locked login id stays locked, in minutes. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of minutes between 1 and 1440' })
  @Min(1, { message: 'must be an integer number of minutes between 1 and 1440' })
  @Max(1440, { message: 'must be an integer number of minutes between 1 and 1440' })
  LOGIN_LOCK_MINUTES = 15;

  /** Requests to /api/auth/* one client address may make per minute (0 turns the limit off). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 0 and 100000' })
  @Min(0, { message: 'must be an integer between 0 and 100000' })
  @Max(100000, { message: 'must be an integer between 0 and 100000' })
  AUTH_RATE_LIMIT_PER_MINUTE = 60;

  /**
   * How long the per-address limit waits for Redis to count a request before
   * it counts it in this process's memory instead (a Redis that is down is
   * not waited for at all). Short, since every login waits for it.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds between 10 and 10000' })
  @Min(10, { message: 'must be an integer number of milliseconds between 10 and 10000' })
  @Max(10000, { message: 'must be an integer number of milliseconds between 10 and 10000' })
  AUTH_RATE_LIMIT_TIMEOUT_MS = 250;

  /**
   * Roles that must enroll a second factor (TOTP) before anything else:
   * a comma-separated list of roles, or `none`. Default: every role.
   */
  @Matches(
    /^(none|(admin|ward_officer|contractor_staff|auditor)(,(admin|ward_officer|contractor_staff|auditor))*)$/,
    {
      message:
        'must be none or a comma-separated list of admin, ward_officer, contractor_staff, auditor',
    },
  )
  MFA_REQUIRED_ROLES = 'admin,ward_officer,contractor_staff,auditor';

  /** Issuer shown by authenticator apps for kanribo's TOTP entries. */
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  MFA_ISSUER = 'kanribo';

  /** A session with no request for this many minutes ends (besides TOKEN_TTL_MINUTES). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of minutes between 1 and 43200' })
  @Min(1, { message: 'must be an integer number of minutes between 1 and 43200' })
  @Max(43200, { message: 'must be an integer number of minutes between 1 and 43200' })
  SESSION_IDLE_MINUTES = 30;

  /** Hours an `Idempotency-Key` replays its first answer; older keys are pruned and act as new. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of hours between 1 and 720' })
  @Min(1, { message: 'must be an integer number of hours between 1 and 720' })
  @Max(720, { message: 'must be an integer number of hours between 1 and 720' })
  IDEMPOTENCY_TTL_HOURS = 24;

  /**
   * PostgreSQL, `on`: a custody command with no other of this process on its
   * contract reads without the contract's head lock and takes it only to
   * send its writes and COMMIT (see CustodyService.command). One statement
   * more per command; off by default, as that costs more here than the
   * shorter hold gains (README, "Scaling out").
   */
  @IsIn(['on', 'off'], { message: 'must be on or off' })
  LEDGER_READ_BEFORE_LOCK: 'on' | 'off' = 'off';

  /** `on`: every authenticated request and account event is kept in the access log. */
  @IsIn(['on', 'off'], { message: 'must be on or off' })
  ACCESS_LOG: 'on' | 'off' = 'on';

  /** Days access-log entries are kept (default 5 years); whole days past it are pruned. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of days between 1 and 36500' })
  @Min(1, { message: 'must be an integer number of days between 1 and 36500' })
  @Max(36500, { message: 'must be an integer number of days between 1 and 36500' })
  ACCESS_LOG_RETENTION_DAYS = 1826;

  /** Longest time a read's access-log entry waits in memory before it is written. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds between 10 and 1000' })
  @Min(10, { message: 'must be an integer number of milliseconds between 10 and 1000' })
  @Max(1000, { message: 'must be an integer number of milliseconds between 10 and 1000' })
  ACCESS_LOG_FLUSH_MS = 250;

  /** Worker threads that render certificate PDFs (at most this many at once; more wait). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 16' })
  @Min(1, { message: 'must be an integer between 1 and 16' })
  @Max(16, { message: 'must be an integer between 1 and 16' })
  PDF_WORKERS = 2;

  /**
   * Worker threads that walk a long ledger for `…/ledger/verify` (its ranges
   * at once, off the event loop); by default one a core, at most 4.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 16' })
  @Min(1, { message: 'must be an integer between 1 and 16' })
  @Max(16, { message: 'must be an integer between 1 and 16' })
  VERIFY_WORKERS = Math.min(4, availableParallelism());

  /** Megabytes of rendered certificate PDFs kept in memory (0: none). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of megabytes between 0 and 1024' })
  @Min(0, { message: 'must be an integer number of megabytes between 0 and 1024' })
  @Max(1024, { message: 'must be an integer number of megabytes between 0 and 1024' })
  PDF_CACHE_MB = 32;

  /** PEM certificate chain: with TLS_KEY_FILE, the API serves HTTPS itself (TLS 1.2 or newer). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  TLS_CERT_FILE?: string;

  /** PEM private key of TLS_CERT_FILE. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  TLS_KEY_FILE?: string;

  /**
   * Which proxies' X-Forwarded-For to believe for the client address: `false`
   * (none), `true` (any), a hop count, or a comma-separated list of addresses/CIDRs.
   */
  @Matches(/^(false|true|\d{1,2}|[0-9A-Fa-f:./]+(,[0-9A-Fa-f:./]+)*)$/, {
    message: 'must be false, true, a hop count or a comma-separated list of addresses or CIDRs',
  })
  TRUST_PROXY = 'false';

  /** Level of the structured JSON log. */
  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  /** `json`, `pretty` (pino-pretty), or `auto`: pretty when standard output is a terminal. */
  @IsIn(LOG_FORMATS, { message: `must be one of ${LOG_FORMATS.join(', ')}` })
  LOG_FORMAT: LogFormat = 'auto';

  /** `on`: Prometheus metrics at /api/metrics; `off` (default): that route answers 404. */
  @IsIn(['on', 'off'], { message: 'must be on or off' })
  METRICS: 'on' | 'off' = 'off';

  /** When set, /api/metrics wants `Authorization: Bearer <METRICS_TOKEN>` (a scraper's static token). */
  @IsOptional()
  @MinLength(16, { message: 'must be at least 16 characters' })
  @MaxLength(256, { message: 'must be at most 256 characters' })
  METRICS_TOKEN?: string;

  /**
   * The Ed25519 key that signs the 管理簿's checkpoints, in the signer-key
   * text form (`PRIVATE+KEY+<name>+<id>+<key>`). Unset: DATA_DIR/checkpoint.key,
   * created at first start. Several instances on one PostgreSQL database
   * must share one file.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  CHECKPOINT_KEY_FILE?: string;

  /** Least seconds between two checkpoints signed because a contract's ledger grew. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of seconds between 1 and 86400' })
  @Min(1, { message: 'must be an integer number of seconds between 1 and 86400' })
  @Max(86400, { message: 'must be an integer number of seconds between 1 and 86400' })
  CHECKPOINT_INTERVAL_SECONDS = 60;

  /** The roles of MFA_REQUIRED_ROLES. */
  get mfaRequiredRoles(): ReadonlySet<string> {
    return new Set(this.MFA_REQUIRED_ROLES === 'none' ? [] : this.MFA_REQUIRED_ROLES.split(','));
  }

  /** Whether notifications are e-mailed (SMTP_URL is set). */
  get mailEnabled(): boolean {
    return Boolean(this.SMTP_URL);
  }

  get databaseKind(): 'postgres' | 'sqlite' {
    return this.DATABASE_URL ? 'postgres' : 'sqlite';
  }
}

/** The names of every variable the configuration knows. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(new AppConfig());
// DATABASE_URL and the bootstrap values have no default, so they are
// not own properties of a fresh instance; name them explicitly.
const OPTIONAL_VARIABLES = [
  'DATABASE_URL',
  'BOOTSTRAP_ADMIN_LOGIN',
  'BOOTSTRAP_ADMIN_PASSWORD',
  'TLS_CERT_FILE',
  'TLS_KEY_FILE',
  'CHECKPOINT_KEY_FILE',
  'METRICS_TOKEN',
  'SMTP_URL',
  'MAIL_FROM',
  'PUBLIC_URL',
];
export const KNOWN_VARIABLES: ReadonlySet<string> = new Set([
  ...CONFIG_VARIABLES,
  ...OPTIONAL_VARIABLES,
]);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the known variables from `env`, applies defaults and validates them.
 * Throws a {@link ConfigError} naming every bad variable; secrets' values are
 * never echoed back.
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const raw: Record<string, string> = {};
  for (const name of KNOWN_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const config = plainToInstance(AppConfig, raw);
  const problems: string[] = [];
  for (const error of validateSync(config, { forbidUnknownValues: false })) {
    const messages = Object.values(error.constraints ?? {});
    const shown = SECRET_VARIABLES.has(error.property)
      ? ''
      : ` (got ${JSON.stringify(raw[error.property])})`;
    problems.push(`${error.property} ${messages[0] ?? 'is invalid'}${shown}`);
  }
  if (!isTimeZone(config.BUSINESS_TIMEZONE)) {
    problems.push(
      `BUSINESS_TIMEZONE must be an IANA time zone such as Asia/Tokyo (got ${JSON.stringify(config.BUSINESS_TIMEZONE)})`,
    );
  }
  if (config.BOOTSTRAP_ADMIN_PASSWORD && isPlaceholderPassword(config.BOOTSTRAP_ADMIN_PASSWORD)) {
    problems.push(`BOOTSTRAP_ADMIN_PASSWORD ${PLACEHOLDER_PROBLEM}`);
  }
  if (Boolean(config.BOOTSTRAP_ADMIN_LOGIN) !== Boolean(config.BOOTSTRAP_ADMIN_PASSWORD)) {
    problems.push('BOOTSTRAP_ADMIN_LOGIN and BOOTSTRAP_ADMIN_PASSWORD must be set together');
  }
  if (Boolean(config.TLS_CERT_FILE) !== Boolean(config.TLS_KEY_FILE)) {
    problems.push('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  }
  if (config.SMTP_URL && (!config.MAIL_FROM || !config.PUBLIC_URL)) {
    problems.push(
      'SMTP_URL needs MAIL_FROM (the sender) and PUBLIC_URL (where the links in e-mails lead)',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
