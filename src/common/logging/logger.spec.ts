import { Writable } from 'node:stream';
import { createLogger, isPretty, PinoNestLogger } from './logger.js';

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

  it('redacts secrets wherever a caller puts them, at the top or one level down', () => {
    const out = collector();
    const logger = createLogger({ level: 'info', format: 'json', stream: out.stream });
    logger.info({
      password: 'p1-secret',
      headers: { authorization: 'Bearer t1-secret', cookie: 'kanribo_session=c1-secret' },
      body: { newPassword: 'p2-secret', code: '123456', secret: 'whsec_s1' },
    });
    const text = out.lines.join('\n');
    for (const value of [
      'p1-secret',
      't1-secret',
      'c1-secret',
      'p2-secret',
      '123456',
      'whsec_s1',
    ]) {
      expect(text).not.toContain(value);
    }
    expect(text).toContain('[redacted]');
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
