import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoadedModel } from '../src/adapter/load-model';
import { RequestTooLargeError } from '../src/errors';
import { createLogger, logsAt, silentLogger, type LogLevel } from '../src/logger';
import { errorAnswer } from '../src/server/answer';
import { createRequestListener } from '../src/server/create-request-listener';

const CAPTURED = 'method=POST&path=/search.php&args={"ARGS:q":"fish&chips"}&files={}&sizes={}&hour=07&day=29';

function capture(level: LogLevel) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger(level, (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  return { logger, lines };
}

const fixedModel = (score: number): LoadedModel =>
  ({
    name: 'fixed',
    summary: 'fixed',
    manifest: {} as LoadedModel['manifest'],
    adapter: {} as LoadedModel['adapter'],
    inputKind: 'request',
    featureNames: undefined,
    judge: async () => ({ score, anomaly: score < 0 }),
    judgeBatch: async () => [],
    judgeInputs: async () => [],
    dispose: async () => undefined,
  }) satisfies LoadedModel;

describe('createLogger (pino)', () => {
  it('writes one JSON object per line with level name, ISO time, message and fields', () => {
    const { logger, lines } = capture('info');
    logger.info('serving', { port: 5000 });
    logger.debug('not written at info');
    logger.warn('careful');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', msg: 'serving', port: 5000, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }),
      expect.objectContaining({ level: 'warn', msg: 'careful' }),
    ]);
    expect(logsAt(logger, 'debug')).toBe(false);
    expect(logsAt(logger, 'info')).toBe(true);
    expect(logsAt(silentLogger, 'error')).toBe(false);
    expect(logsAt({ error() {}, warn() {}, info() {}, debug() {} }, 'debug')).toBe(true);
  });

  it('writes human lines with --log-format pretty', () => {
    const out: string[] = [];
    createLogger('info', { format: 'pretty', write: (line) => out.push(line) }).warn('refused', { reqId: 7 });
    expect(out.join('')).toMatch(/WARN.*refused[\s\S]*reqId: 7/);
    expect(() => JSON.parse(out[0])).toThrow();
  });
});

describe('request logging', () => {
  async function postTo(level: LogLevel, body: string) {
    const { logger, lines } = capture(level);
    const server = createServer(createRequestListener({ model: () => fixedModel(-2), logger }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const res = await fetch(url, { method: 'POST', body });
      await res.text();
      return lines;
    } finally {
      server.close();
    }
  }

  it('logs one debug line per request with a request id, status, answer, size and time', async () => {
    const lines = await postTo('debug', CAPTURED);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'debug', msg: 'request', reqId: expect.any(Number), status: 401, answer: 'score=-2', bytes: CAPTURED.length, ms: expect.any(Number) }),
    ]);
  });

  it('logs nothing for a scored request at info', async () => {
    expect(await postTo('info', CAPTURED)).toEqual([]);
  });

  it('logs a refused body once at warn with its code and request id', async () => {
    const lines = await postTo('info', 'method=broken');
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', code: 'REQUEST_INVALID', status: 400, reqId: expect.any(Number) })]);
  });

  it('logs server faults at error and a client that went away at debug', () => {
    const { logger, lines } = capture('debug');
    expect(errorAnswer(new Error('boom'), logger).status).toBe(500);
    errorAnswer(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), logger);
    errorAnswer(new RequestTooLargeError('too big'), logger);
    const heard: unknown[] = [];
    const refused = new RequestTooLargeError('too big');
    errorAnswer(refused, silentLogger, { onError: (error) => heard.push(error), reqId: 9 });
    expect(heard).toEqual([refused]);
    expect(lines.map((line) => [line.level, line.code])).toEqual([
      ['error', undefined],
      ['debug', 'ECONNRESET'],
      ['warn', 'REQUEST_TOO_LARGE'],
    ]);
  });
});
