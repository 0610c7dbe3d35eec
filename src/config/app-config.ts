import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

/** Environment variables whose values must never reach a log line. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'BOOTSTRAP_ADMIN_PASSWORD',
  'DATABASE_URL',
  'REDIS_URL',
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

  /** Redis for the job queue (reminders). */
  @IsOptional()
  @Matches(/^rediss?:\/\/[^\s]+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

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

  /** Level of the structured JSON log. */
  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  get databaseKind(): 'postgres' | 'sqlite' {
    return this.DATABASE_URL ? 'postgres' : 'sqlite';
  }
}

/** The names of every variable the configuration knows. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(new AppConfig());
// DATABASE_URL, REDIS_URL and the bootstrap values have no default, so they are
// not own properties of a fresh instance; name them explicitly.
const OPTIONAL_VARIABLES = [
  'DATABASE_URL',
  'REDIS_URL',
  'BOOTSTRAP_ADMIN_LOGIN',
  'BOOTSTRAP_ADMIN_PASSWORD',
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
  if (Boolean(config.BOOTSTRAP_ADMIN_LOGIN) !== Boolean(config.BOOTSTRAP_ADMIN_PASSWORD)) {
    problems.push('BOOTSTRAP_ADMIN_LOGIN and BOOTSTRAP_ADMIN_PASSWORD must be set together');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
