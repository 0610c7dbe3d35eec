import { availableParallelism } from 'node:os';
import {
  AppConfig,
  ConfigError,
  KNOWN_VARIABLES,
  SECRET_VARIABLES,
  loadConfig,
} from './app-config.js';

/** Runs loadConfig and returns the ConfigError it throws (fails if it does not throw one). */
function configErrorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

/** Everything a ConfigError could show: its message, its problems, its string form. */
function everythingShown(error: ConfigError): string {
  return [error.message, String(error), JSON.stringify(error), ...error.problems].join('\n');
}

const ALL_VARIABLES = [
  'PORT',
  'HOST',
  'DATABASE_URL',
  'DATA_DIR',
  'REDIS_URL',
  'BUSINESS_TIMEZONE',
  'BOOTSTRAP_ADMIN_LOGIN',
  'BOOTSTRAP_ADMIN_PASSWORD',
  'BOOTSTRAP_ORGANIZATION_NAME',
  'TOKEN_TTL_MINUTES',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'METRICS',
  'METRICS_TOKEN',
  'QUEUE_PREFIX',
  'QUEUE_WORKERS',
  'QUEUE_CHECK_INTERVAL_MS',
  'QUEUE_RECONCILE_INTERVAL_MS',
  'QUEUE_SHUTDOWN_GRACE_MS',
  'TAKEOUT_VALID_DAYS',
  'REMINDER_SCAN_TIME',
  'REMINDER_RECEIPT_HOURS',
  'REMINDER_PASSWORD_NOTICE_DAYS',
  'REMINDER_RETURN_DAYS',
  'REMINDER_OVERDUE_REPEAT_DAYS',
  'REMINDER_CATCH_UP_DAYS',
  'REMINDER_SCAN_PARTS',
  'REMINDER_DAY_COUNT',
  'WEBHOOK_ATTEMPTS',
  'WEBHOOK_BACKOFF_MS',
  'WEBHOOK_TIMEOUT_MS',
  'WEB_DIR',
  'LOGIN_MAX_FAILURES',
  'LOGIN_LOCK_MINUTES',
  'AUTH_RATE_LIMIT_PER_MINUTE',
  'AUTH_RATE_LIMIT_TIMEOUT_MS',
  'MFA_REQUIRED_ROLES',
  'MFA_ISSUER',
  'SESSION_IDLE_MINUTES',
  'ACCESS_LOG',
  'LEDGER_READ_BEFORE_LOCK',
  'SMTP_URL',
  'MAIL_FROM',
  'PUBLIC_URL',
  'MAIL_ATTEMPTS',
  'MAIL_BACKOFF_MS',
  'ACCESS_LOG_RETENTION_DAYS',
  'ACCESS_LOG_FLUSH_MS',
  'CHECKPOINT_KEY_FILE',
  'CHECKPOINT_INTERVAL_SECONDS',
  'TLS_CERT_FILE',
  'TLS_KEY_FILE',
  'TRUST_PROXY',
  'WEBHOOK_ALLOWED_NETWORKS',
  'WEBHOOK_ALLOW_HTTP',
  'IDEMPOTENCY_TTL_HOURS',
  'PDF_WORKERS',
  'VERIFY_WORKERS',
  'PDF_CACHE_MB',
];

describe('loadConfig', () => {
  describe('defaults', () => {
    it('applies every default when the environment is empty', () => {
      const config = loadConfig({});
      expect(config).toBeInstanceOf(AppConfig);
      expect(config.PORT).toBe(3000);
      expect(config.HOST).toBe('0.0.0.0');
      expect(config.DATA_DIR).toBe('./data');
      expect(config.BUSINESS_TIMEZONE).toBe('Asia/Tokyo');
      expect(config.TOKEN_TTL_MINUTES).toBe(480);
      expect(config.LOG_LEVEL).toBe('info');
      expect(config.BOOTSTRAP_ORGANIZATION_NAME).toBe('kanribo administration');
      expect(config.DATABASE_URL).toBeUndefined();
      expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
      expect(config.QUEUE_PREFIX).toBe('kanribo');
      expect(config.QUEUE_WORKERS).toBe('in-process');
      expect(config.REMINDER_SCAN_TIME).toBe('09:00');
      expect(config.REMINDER_RECEIPT_HOURS).toBe(48);
      expect(config.REMINDER_PASSWORD_NOTICE_DAYS).toBe(7);
      expect(config.REMINDER_RETURN_DAYS).toBe(14);
      expect(config.REMINDER_OVERDUE_REPEAT_DAYS).toBe(7);
      expect(config.REMINDER_DAY_COUNT).toBe('calendar');
      expect(config.WEBHOOK_ATTEMPTS).toBe(8);
      expect(config.VERIFY_WORKERS).toBe(Math.min(4, availableParallelism()));
      expect(config.BOOTSTRAP_ADMIN_LOGIN).toBeUndefined();
      expect(config.BOOTSTRAP_ADMIN_PASSWORD).toBeUndefined();
      expect(config.databaseKind).toBe('sqlite');
    });

    it('treats empty-string values as unset', () => {
      const env = Object.fromEntries(ALL_VARIABLES.map((name) => [name, '']));
      const config = loadConfig(env);
      expect(config.PORT).toBe(3000);
      expect(config.DATA_DIR).toBe('./data');
      expect(config.BUSINESS_TIMEZONE).toBe('Asia/Tokyo');
      expect(config.TOKEN_TTL_MINUTES).toBe(480);
      expect(config.LOG_LEVEL).toBe('info');
      expect(config.DATABASE_URL).toBeUndefined();
      expect(config.databaseKind).toBe('sqlite');
    });

    it('treats undefined values as unset', () => {
      const config = loadConfig({ PORT: undefined, DATABASE_URL: undefined });
      expect(config.PORT).toBe(3000);
      expect(config.DATABASE_URL).toBeUndefined();
    });

    it('ignores unknown environment variables', () => {
      const config = loadConfig({
        PATH: '/usr/bin',
        HOME: '/root',
        NODE_ENV: 'production',
        port: 'not-a-port',
        SOMETHING_ELSE: '!!!',
      });
      expect(config.PORT).toBe(3000);
      expect(config).not.toHaveProperty('PATH');
      expect(config).not.toHaveProperty('SOMETHING_ELSE');
      expect(config).not.toHaveProperty('port');
    });
  });

  describe('accepted values', () => {
    it('reads numbers, trimming surrounding spaces', () => {
      const config = loadConfig({ PORT: ' 8080 ', TOKEN_TTL_MINUTES: '60' });
      expect(config.PORT).toBe(8080);
      expect(config.TOKEN_TTL_MINUTES).toBe(60);
    });

    it.each(['1', '65535'])('accepts PORT %s (inclusive bounds)', (port) => {
      expect(loadConfig({ PORT: port }).PORT).toBe(Number(port));
    });

    it.each(['1', '43200'])('accepts TOKEN_TTL_MINUTES %s (inclusive bounds)', (ttl) => {
      expect(loadConfig({ TOKEN_TTL_MINUTES: ttl }).TOKEN_TTL_MINUTES).toBe(Number(ttl));
    });

    it.each(['postgres://u:p@db:5432/kanribo', 'postgresql://db/kanribo'])(
      'accepts DATABASE_URL %s and switches to postgres',
      (url) => {
        const config = loadConfig({ DATABASE_URL: url });
        expect(config.DATABASE_URL).toBe(url);
        expect(config.databaseKind).toBe('postgres');
      },
    );

    it('accepts redis:// and rediss:// URLs', () => {
      expect(loadConfig({ REDIS_URL: 'redis://localhost:6379' }).REDIS_URL).toBe(
        'redis://localhost:6379',
      );
      expect(loadConfig({ REDIS_URL: 'rediss://cache:6380/0' }).REDIS_URL).toBe(
        'rediss://cache:6380/0',
      );
    });

    it.each(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])(
      'accepts LOG_LEVEL %s',
      (level) => {
        expect(loadConfig({ LOG_LEVEL: level }).LOG_LEVEL).toBe(level);
      },
    );

    it('accepts other IANA time zones', () => {
      expect(loadConfig({ BUSINESS_TIMEZONE: 'Europe/Paris' }).BUSINESS_TIMEZONE).toBe(
        'Europe/Paris',
      );
      expect(loadConfig({ BUSINESS_TIMEZONE: 'UTC' }).BUSINESS_TIMEZONE).toBe('UTC');
    });

    it('accepts the bootstrap admin login and password together', () => {
      const config = loadConfig({
        BOOTSTRAP_ADMIN_LOGIN: 'admin@ward.example',
        BOOTSTRAP_ADMIN_PASSWORD: 'a-long-enough-secret',
      });
      expect(config.BOOTSTRAP_ADMIN_LOGIN).toBe('admin@ward.example');
      expect(config.BOOTSTRAP_ADMIN_PASSWORD).toBe('a-long-enough-secret');
    });
  });

  describe('refusals', () => {
    it.each(['abc', '0', '70000', '65536', '-1', '3000.5', '1e3', '80 80'])(
      'rejects PORT %j with a ConfigError naming PORT',
      (port) => {
        const error = configErrorOf({ PORT: port });
        expect(error.name).toBe('ConfigError');
        expect(error.problems).toHaveLength(1);
        expect(error.problems[0]).toMatch(/^PORT /);
        expect(error.problems[0]).toContain('between 1 and 65535');
        // PORT is not a secret: the bad value is shown to help the operator.
        expect(error.problems[0]).toContain(JSON.stringify(port));
        expect(error.message).toContain('PORT');
      },
    );

    it.each(['0', '43201', 'eight hours'])('rejects TOKEN_TTL_MINUTES %j', (ttl) => {
      const error = configErrorOf({ TOKEN_TTL_MINUTES: ttl });
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(/^TOKEN_TTL_MINUTES /);
    });

    it.each(['verbose', 'INFO', 'warning'])('rejects LOG_LEVEL %j', (level) => {
      const error = configErrorOf({ LOG_LEVEL: level });
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(/^LOG_LEVEL must be one of fatal, error, warn, info/);
    });

    it.each([
      'mysql://root:hunter2-secret@db:3306/kanribo',
      'http://user:s3cr3t-pw@db/kanribo',
      'postgres://user:pw with space@db/kanribo',
      'sqlite:///var/lib/secret-file.db',
    ])('rejects DATABASE_URL %j without echoing its value', (url) => {
      const error = configErrorOf({ DATABASE_URL: url });
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(/^DATABASE_URL /);
      const shown = everythingShown(error);
      expect(shown).not.toContain(url);
      expect(shown).not.toContain(JSON.stringify(url));
      expect(shown).not.toMatch(/hunter2|s3cr3t|pw with space|secret-file/);
    });

    it('rejects REDIS_URL that is not redis:// without echoing its value', () => {
      const url = 'http://default:redis-password-xyz@cache:6379';
      const error = configErrorOf({ REDIS_URL: url });
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(/^REDIS_URL /);
      expect(everythingShown(error)).not.toContain('redis-password-xyz');
    });

    it.each([
      ['REMINDER_SCAN_TIME', '9:00'],
      ['REMINDER_SCAN_TIME', '24:00'],
      ['REMINDER_SCAN_TIME', 'never'],
      ['QUEUE_WORKERS', 'both'],
      ['QUEUE_PREFIX', 'kanribo:prod'],
      ['REMINDER_RECEIPT_HOURS', '0'],
      ['REMINDER_RETURN_DAYS', '1.5'],
      ['WEBHOOK_ATTEMPTS', '31'],
      ['WEBHOOK_BACKOFF_MS', 'soon'],
      ['REMINDER_DAY_COUNT', 'weekdays'],
      ['REMINDER_DAY_COUNT', 'Business'],
      ['VERIFY_WORKERS', '0'],
      ['VERIFY_WORKERS', '17'],
      ['REMINDER_SCAN_PARTS', '0'],
      ['REMINDER_SCAN_PARTS', '65'],
      ['REMINDER_SCAN_PARTS', 'Auto'],
    ])('rejects %s=%j, naming the variable', (name, value) => {
      const error = configErrorOf({ [name]: value });
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(new RegExp(`^${name} `));
    });

    it('accepts the reminder schedule switched off and the workers moved out', () => {
      const config = loadConfig({ REMINDER_SCAN_TIME: 'off', QUEUE_WORKERS: 'off' });
      expect(config.REMINDER_SCAN_TIME).toBe('off');
      expect(config.QUEUE_WORKERS).toBe('off');
    });

    it('takes REMINDER_SCAN_PARTS as auto by default, or a number of parts', () => {
      expect(loadConfig({}).REMINDER_SCAN_PARTS).toBe('auto');
      expect(loadConfig({ REMINDER_SCAN_PARTS: '1' }).REMINDER_SCAN_PARTS).toBe('1');
      expect(loadConfig({ REMINDER_SCAN_PARTS: '64' }).REMINDER_SCAN_PARTS).toBe('64');
    });

    it('takes VERIFY_WORKERS as a number of threads', () => {
      expect(loadConfig({ VERIFY_WORKERS: '3' }).VERIFY_WORKERS).toBe(3);
    });

    it('accepts reminders counted in business days', () => {
      expect(loadConfig({ REMINDER_DAY_COUNT: 'business' }).REMINDER_DAY_COUNT).toBe('business');
      expect(loadConfig({ REMINDER_DAY_COUNT: 'calendar' }).REMINDER_DAY_COUNT).toBe('calendar');
    });

    it('rejects an unknown BUSINESS_TIMEZONE', () => {
      const error = configErrorOf({ BUSINESS_TIMEZONE: 'Mars/Base' });
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(/^BUSINESS_TIMEZONE /);
      expect(error.problems[0]).toContain('Mars/Base');
    });

    it('rejects a BOOTSTRAP_ADMIN_PASSWORD pasted from the documentation, without echoing it', () => {
      const error = configErrorOf({
        BOOTSTRAP_ADMIN_LOGIN: 'admin',
        BOOTSTRAP_ADMIN_PASSWORD: '<at least 12 characters>',
      });
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(/^BOOTSTRAP_ADMIN_PASSWORD looks like a placeholder/);
      expect(everythingShown(error)).not.toContain('at least 12 characters');
    });

    it('rejects BOOTSTRAP_ADMIN_LOGIN without a password', () => {
      const error = configErrorOf({ BOOTSTRAP_ADMIN_LOGIN: 'admin' });
      expect(error.problems).toEqual([
        'BOOTSTRAP_ADMIN_LOGIN and BOOTSTRAP_ADMIN_PASSWORD must be set together',
      ]);
    });

    it('rejects BOOTSTRAP_ADMIN_PASSWORD without a login, without echoing it', () => {
      const password = 'lonely-password-123';
      const error = configErrorOf({ BOOTSTRAP_ADMIN_PASSWORD: password });
      expect(error.problems).toEqual([
        'BOOTSTRAP_ADMIN_LOGIN and BOOTSTRAP_ADMIN_PASSWORD must be set together',
      ]);
      expect(everythingShown(error)).not.toContain(password);
    });

    it('rejects a short BOOTSTRAP_ADMIN_PASSWORD without echoing it', () => {
      const password = 'Short-pw-11'; // 11 characters
      expect(password).toHaveLength(11);
      const error = configErrorOf({
        BOOTSTRAP_ADMIN_LOGIN: 'admin',
        BOOTSTRAP_ADMIN_PASSWORD: password,
      });
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(/^BOOTSTRAP_ADMIN_PASSWORD must be at least 12 characters/);
      expect(everythingShown(error)).not.toContain(password);
    });

    it('rejects an over-long BOOTSTRAP_ADMIN_PASSWORD without echoing it', () => {
      const password = 'x'.repeat(250) + 'SECRET';
      expect(password).toHaveLength(256);
      expect(
        loadConfig({ BOOTSTRAP_ADMIN_LOGIN: 'admin', BOOTSTRAP_ADMIN_PASSWORD: password })
          .BOOTSTRAP_ADMIN_PASSWORD,
      ).toBe(password);
      const tooLong = password + 'Z';
      const error = configErrorOf({
        BOOTSTRAP_ADMIN_LOGIN: 'admin',
        BOOTSTRAP_ADMIN_PASSWORD: tooLong,
      });
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(/^BOOTSTRAP_ADMIN_PASSWORD must be at most 256 characters/);
      expect(everythingShown(error)).not.toContain('SECRET');
    });

    it('rejects a malformed BOOTSTRAP_ADMIN_LOGIN', () => {
      const error = configErrorOf({
        BOOTSTRAP_ADMIN_LOGIN: 'a b',
        BOOTSTRAP_ADMIN_PASSWORD: 'long-enough-password',
      });
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(/^BOOTSTRAP_ADMIN_LOGIN must be 3-64 characters/);
    });

    it('reports several bad variables together', () => {
      const error = configErrorOf({
        PORT: 'abc',
        DATABASE_URL: 'mysql://root:topsecret@db/x',
        BUSINESS_TIMEZONE: 'Mars/Base',
        LOG_LEVEL: 'loud',
        BOOTSTRAP_ADMIN_LOGIN: 'admin',
      });
      const named = error.problems.map((p) => p.split(' ')[0]);
      expect(named).toEqual(
        expect.arrayContaining([
          'PORT',
          'DATABASE_URL',
          'BUSINESS_TIMEZONE',
          'LOG_LEVEL',
          'BOOTSTRAP_ADMIN_LOGIN',
        ]),
      );
      expect(error.problems).toHaveLength(5);
      for (const name of [
        'PORT',
        'DATABASE_URL',
        'BUSINESS_TIMEZONE',
        'LOG_LEVEL',
        'BOOTSTRAP_ADMIN_LOGIN',
      ]) {
        expect(error.message).toContain(name);
      }
      expect(error.message).toMatch(/^invalid configuration: /);
      expect(everythingShown(error)).not.toContain('topsecret');
    });
  });
});

describe('trust-control settings', () => {
  it('default to a lock after 5 failures for 15 minutes, a second factor for every role, 30 idle minutes and the access log on', () => {
    const config = loadConfig({});
    expect(config.LOGIN_MAX_FAILURES).toBe(5);
    expect(config.LOGIN_LOCK_MINUTES).toBe(15);
    expect(config.AUTH_RATE_LIMIT_PER_MINUTE).toBe(60);
    expect(config.AUTH_RATE_LIMIT_TIMEOUT_MS).toBe(250);
    expect([...config.mfaRequiredRoles].sort()).toEqual([
      'admin',
      'auditor',
      'contractor_staff',
      'ward_officer',
    ]);
    expect(config.SESSION_IDLE_MINUTES).toBe(30);
    expect(config.ACCESS_LOG).toBe('on');
    expect(config.LEDGER_READ_BEFORE_LOCK).toBe('off');
    expect(config.ACCESS_LOG_RETENTION_DAYS).toBe(1826);
    expect(config.TRUST_PROXY).toBe('false');
  });

  it('read MFA_REQUIRED_ROLES as a list, or none', () => {
    expect([...loadConfig({ MFA_REQUIRED_ROLES: 'admin,auditor' }).mfaRequiredRoles]).toEqual([
      'admin',
      'auditor',
    ]);
    expect(loadConfig({ MFA_REQUIRED_ROLES: 'none' }).mfaRequiredRoles.size).toBe(0);
  });

  it.each([
    ['MFA_REQUIRED_ROLES', 'admin,root'],
    ['LOGIN_MAX_FAILURES', '0'],
    ['ACCESS_LOG', 'maybe'],
    ['LEDGER_READ_BEFORE_LOCK', 'yes'],
    ['ACCESS_LOG_FLUSH_MS', '5000'],
    ['TRUST_PROXY', 'yes please'],
    ['SESSION_IDLE_MINUTES', '-1'],
    ['AUTH_RATE_LIMIT_TIMEOUT_MS', '0'],
    ['AUTH_RATE_LIMIT_TIMEOUT_MS', '20000'],
  ])('refuse a bad %s (%s)', (name, value) => {
    const error = configErrorOf({ [name]: value });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(new RegExp(`^${name} `));
  });

  it('want MAIL_FROM and PUBLIC_URL with SMTP_URL, and never echo SMTP_URL', () => {
    const error = configErrorOf({ SMTP_URL: 'smtps://kanribo:s3cret-pass@mail.example.jp' });
    expect(error.problems).toEqual([
      'SMTP_URL needs MAIL_FROM (the sender) and PUBLIC_URL (where the links in e-mails lead)',
    ]);
    const bad = configErrorOf({ SMTP_URL: 'http://kanribo:s3cret-pass@mail.example.jp' });
    expect(everythingShown(bad)).not.toContain('s3cret-pass');
    const config = loadConfig({
      SMTP_URL: 'smtp://127.0.0.1:2525',
      MAIL_FROM: '管理簿 <kanribo@city.example.jp>',
      PUBLIC_URL: 'https://kanribo.city.example.jp',
    });
    expect(config.mailEnabled).toBe(true);
    expect(loadConfig({}).mailEnabled).toBe(false);
  });

  it.each(['kanribo', '管理簿 <kanribo>', 'a@b.jp, c@d.jp', '<a@b.jp'])(
    'refuse MAIL_FROM %s',
    (value) => {
      const error = configErrorOf({ MAIL_FROM: value });
      expect(error.problems[0]).toMatch(/^MAIL_FROM must be an e-mail address/);
    },
  );

  it('want TLS_CERT_FILE and TLS_KEY_FILE together', () => {
    const error = configErrorOf({ TLS_CERT_FILE: '/etc/kanribo/cert.pem' });
    expect(error.problems).toEqual(['TLS_CERT_FILE and TLS_KEY_FILE must be set together']);
  });
});

describe('KNOWN_VARIABLES', () => {
  it('names every variable the configuration reads, and nothing else', () => {
    expect([...KNOWN_VARIABLES].sort()).toEqual([...ALL_VARIABLES].sort());
  });

  it('includes every property of AppConfig but not its getters', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://db/k',
      REDIS_URL: 'redis://cache',
      BOOTSTRAP_ADMIN_LOGIN: 'admin',
      BOOTSTRAP_ADMIN_PASSWORD: 'long-enough-password',
    });
    for (const key of Object.keys(config)) expect(KNOWN_VARIABLES.has(key)).toBe(true);
    expect(KNOWN_VARIABLES.has('databaseKind')).toBe(false);
  });

  it('includes every secret variable', () => {
    for (const name of SECRET_VARIABLES) expect(KNOWN_VARIABLES.has(name)).toBe(true);
    expect([...SECRET_VARIABLES].sort()).toEqual([
      'BOOTSTRAP_ADMIN_PASSWORD',
      'DATABASE_URL',
      'METRICS_TOKEN',
      'REDIS_URL',
      'SMTP_URL',
    ]);
  });
});
