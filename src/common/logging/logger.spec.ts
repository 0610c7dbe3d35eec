import { Writable } from 'node:stream';
import { CENSOR, createLogger, isErrorCode, isPretty, PinoNestLogger } from './logger.js';

function collector() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return {
    lines,
    stream,
    parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('the logger', () => {
  it('writes JSON with the level by name and an ISO time', () => {
    const out = collector();
    createLogger({ level: 'info', format: 'auto', stream: out.stream }).info({ a: 1 }, 'hello');
    expect(out.parsed()).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'hello',
        a: 1,
        time: expect.stringMatching(/Z$/),
      }),
    ]);
  });

  describe('redaction', () => {
    /** Each secret key with a value of its kind, made unique per depth by `tag`. */
    const secretsTagged = (tag: number): Record<string, unknown> => ({
      password: `password-${tag}-value`,
      currentPassword: `current-password-${tag}-value`,
      newPassword: `new-password-${tag}-value`,
      oneTimePassword: `one-time-password-${tag}-value`,
      passwordHash: `$argon2id$v=19$m=19456,t=2,p=1$hash-${tag}-value`,
      secret: `whsec_${Buffer.from(`webhook-secret-${tag}-value`).toString('base64')}`,
      totpSecret: `JBSWY3DPEHPK3PX${tag}`,
      otpauthUri: `otpauth://totp/kanribo:x?secret=JBSWY3DPEHPK3PY${tag}`,
      qrCode: `data:image/png;base64,qr-code-${tag}-value`,
      token: `token-${tag}-value`,
      sessionToken: `session-token-${tag}-value`,
      mfaToken: `mfa-token-${tag}-value`,
      csrfToken: `csrf-token-${tag}-value`,
      apiKey: `api-key-${tag}-value`,
      totp: `${tag}11111`,
      totpCode: `${tag}22222`,
      code: `${tag}33333`,
      recoveryCode: `7k2m${tag}-q4x8d`,
      recoveryCodes: [`8k2m${tag}-q4x8d`, `9k2m${tag}-q4x8d`],
    });
    const secretValues = (tag: number): string[] =>
      Object.values(secretsTagged(tag)).flatMap((v) => v as string | string[]);

    function logged(write: (logger: ReturnType<typeof createLogger>) => void) {
      const out = collector();
      write(createLogger({ level: 'info', format: 'json', stream: out.stream }));
      return { text: out.lines.join('\n'), lines: out.parsed() };
    }

    it('censors every secret key at the top, one and two levels down', () => {
      const { text, lines } = logged((logger) => {
        logger.info({ ...secretsTagged(1), loginId: 'officer.a' }, 'top');
        logger.info({ body: { ...secretsTagged(2), loginId: 'officer.b' } }, 'one down');
        logger.info({ err: { body: secretsTagged(3), status: 400 } }, 'two down');
        logger.info({ details: { x: secretsTagged(4) } }, 'two down, elsewhere');
      });
      for (const tag of [1, 2, 3, 4]) {
        for (const value of secretValues(tag)) expect(text).not.toContain(value);
      }
      const [top, one, two, elsewhere] = lines as [
        Record<string, unknown>,
        { body: Record<string, unknown> },
        { err: { body: Record<string, unknown>; status: number } },
        { details: { x: Record<string, unknown> } },
      ];
      for (const key of Object.keys(secretsTagged(0))) {
        expect([key, top[key]]).toEqual([key, CENSOR]);
        expect([key, one.body[key]]).toEqual([key, CENSOR]);
        expect([key, two.err.body[key]]).toEqual([key, CENSOR]);
        expect([key, elsewhere.details.x[key]]).toEqual([key, CENSOR]);
      }
      expect(top.loginId).toBe('officer.a');
      expect(one.body.loginId).toBe('officer.b');
      expect(two.err.status).toBe(400);
    });

    it("censors a session's headers in any case as they come, and keeps the others", () => {
      const { text, lines } = logged((logger) => {
        // As Node gives a request's and a reply's headers: in lower case.
        logger.info({
          headers: {
            authorization: 'Bearer lower-bearer-value',
            cookie: 'kanribo_session=lower-cookie-value',
            'x-csrf-token': 'lower-csrf-value',
            'proxy-authorization': 'Basic lower-proxy-value',
            'user-agent': 'Mozilla/5.0 (kanribo test)',
          },
        });
        logger.info({
          req: {
            method: 'POST',
            headers: { authorization: 'Bearer req-bearer-value', 'x-request-id': 'r-1' },
            rawHeaders: ['Authorization', 'Bearer raw-bearer-value', 'Host', 'localhost'],
          },
          res: { headers: { 'set-cookie': ['kanribo_session=set-cookie-value; HttpOnly'] } },
        });
        // As a header object written by hand may spell them.
        logger.info({
          request: {
            headers: {
              Authorization: 'Bearer title-bearer-value',
              Cookie: 'kanribo_session=title-cookie-value',
              'X-CSRF-Token': 'title-csrf-value',
              'X-Csrf-Token': 'mixed-csrf-value',
              'Content-Type': 'application/json',
            },
          },
          response: { headers: { 'Set-Cookie': 'kanribo_session=title-set-cookie-value' } },
        });
        logger.info({ authorization: 'Bearer top-bearer-value', 'set-cookie': 'top-set-value' });
      });
      for (const value of [
        'lower-bearer-value',
        'lower-cookie-value',
        'lower-csrf-value',
        'lower-proxy-value',
        'req-bearer-value',
        'raw-bearer-value',
        'set-cookie-value',
        'title-bearer-value',
        'title-cookie-value',
        'title-csrf-value',
        'mixed-csrf-value',
        'title-set-cookie-value',
        'top-bearer-value',
        'top-set-value',
      ]) {
        expect(text).not.toContain(value);
      }
      expect(lines[0]).toMatchObject({
        headers: { authorization: CENSOR, 'user-agent': 'Mozilla/5.0 (kanribo test)' },
      });
      expect(lines[1]).toMatchObject({
        req: { method: 'POST', headers: { 'x-request-id': 'r-1' }, rawHeaders: CENSOR },
        res: { headers: { 'set-cookie': CENSOR } },
      });
      expect(lines[2]).toMatchObject({
        request: { headers: { Cookie: CENSOR, 'Content-Type': 'application/json' } },
      });
    });

    it('keeps an error’s code readable, at any of those depths, where a one-time code is censored', () => {
      const { lines } = logged((logger) => {
        logger.info({ code: 'MEDIUM_NOT_FOUND', status: 404 }, 'refused');
        logger.info({ body: { code: 'VALIDATION_FAILED', message: 'loginId は必須です' } });
        logger.error(
          { err: Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' }) },
          'delivery failed',
        );
        logger.error({ err: { response: { code: 'SPLIT_CHANNEL_VIOLATION', statusCode: 409 } } });
        logger.error({ err: { code: '23505' }, query: { code: 'SQLITE_CONSTRAINT_UNIQUE' } });
        logger.info({ body: { code: '654321' } }, 'a TOTP code');
        logger.info({ body: { code: '7k2m9-q4x8d' } }, 'a recovery code in the wrong field');
      });
      expect(lines).toEqual([
        expect.objectContaining({ code: 'MEDIUM_NOT_FOUND', status: 404, msg: 'refused' }),
        expect.objectContaining({
          body: { code: 'VALIDATION_FAILED', message: 'loginId は必須です' },
        }),
        expect.objectContaining({
          err: expect.objectContaining({ code: 'ECONNREFUSED', message: 'connect refused' }),
        }),
        expect.objectContaining({
          err: { response: { code: 'SPLIT_CHANNEL_VIOLATION', statusCode: 409 } },
        }),
        expect.objectContaining({
          err: { code: '23505' },
          query: { code: 'SQLITE_CONSTRAINT_UNIQUE' },
        }),
        expect.objectContaining({ body: { code: CENSOR } }),
        expect.objectContaining({ body: { code: CENSOR } }),
      ]);
    });

    it("censors what goes through the framework's logger, a child's bindings and the pretty format", () => {
      const out = collector();
      const logger = createLogger({ level: 'info', format: 'json', stream: out.stream });
      new PinoNestLogger(logger).warn(
        { body: { password: 'nest-password-value', code: 'INVALID_CREDENTIALS' } },
        'Auth',
      );
      logger.child({ token: 'child-token-value' }).info('bound');
      expect(out.parsed()).toEqual([
        expect.objectContaining({
          context: 'Auth',
          data: { body: { password: CENSOR, code: 'INVALID_CREDENTIALS' } },
        }),
        expect.objectContaining({ token: CENSOR, msg: 'bound' }),
      ]);
      const pretty = collector();
      createLogger({ level: 'info', format: 'pretty', stream: pretty.stream }).info(
        { body: { newPassword: 'pretty-password-value' } },
        'changed',
      );
      expect(pretty.lines.join('\n')).toContain(CENSOR);
      expect(pretty.lines.join('\n')).not.toContain('pretty-password-value');
    });

    it('tells an error’s code from a one-time code', () => {
      for (const code of ['MEDIUM_NOT_FOUND', 'ECONNREFUSED', 'FST_ERR_CTP_EMPTY_JSON_BODY']) {
        expect([code, isErrorCode(code)]).toEqual([code, true]);
      }
      for (const code of ['23505', '40P01', 404, -111]) {
        expect([code, isErrorCode(code)]).toEqual([code, true]);
      }
      for (const code of ['123456', '012345', 123456, '7k2m9-q4x8d', '7K2M9-Q4X8D', '', null]) {
        expect([code, isErrorCode(code)]).toEqual([code, false]);
      }
    });
  });

  it('honours the level', () => {
    const out = collector();
    const logger = createLogger({ level: 'warn', format: 'json', stream: out.stream });
    logger.info('quiet');
    logger.warn('loud');
    expect(out.parsed().map((l) => l.msg)).toEqual(['loud']);
  });

  it("writes the framework's messages with their context, and an error's stack, through the same logger", () => {
    const out = collector();
    const nest = new PinoNestLogger(
      createLogger({ level: 'trace', format: 'json', stream: out.stream }),
      ['log', 'error'],
    );
    nest.log('Nest application successfully started', 'NestApplication');
    nest.error('unhandled error on GET /api/x [r1]', 'Error: boom\n    at f', 'Errors');
    nest.debug('not enabled', 'Somewhere');
    expect(out.parsed()).toEqual([
      expect.objectContaining({
        level: 'info',
        context: 'NestApplication',
        msg: 'Nest application successfully started',
      }),
      expect.objectContaining({
        level: 'error',
        context: 'Errors',
        stack: 'Error: boom\n    at f',
      }),
    ]);
  });

  it('is readable for a person (pino-pretty): not JSON, with the level and the message', async () => {
    const out = collector();
    createLogger({ level: 'info', format: 'pretty', stream: out.stream }).info(
      { route: '/api/health' },
      'request completed',
    );
    await new Promise((resolve) => setImmediate(resolve));
    const text = out.lines.join('\n');
    expect(text).toContain('request completed');
    expect(text).toContain('INFO');
    expect(text).toContain('/api/health');
    expect(() => JSON.parse(out.lines[0] ?? '')).toThrow();
  });

  it('is pretty on a terminal when left to choose, JSON otherwise or when asked', () => {
    expect(isPretty('auto', true)).toBe(true);
    expect(isPretty('auto', false)).toBe(false);
    expect(isPretty('json', true)).toBe(false);
    expect(isPretty('pretty', false)).toBe(true);
  });
});
