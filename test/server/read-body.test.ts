import { createServer, type RequestListener, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import type { LoadedModel } from '../../src/adapter/load-model';
import type { MlRequest } from '../../src/contract/ml-request';
import type { Logger } from '../../src/logger';
import { createApp, type AppOptions } from '../../src/server/create-app';
import { createRequestListener } from '../../src/server/create-request-listener';
import { OFF_THREAD_MIN_BYTES } from '../../src/server/parse-off-thread';
import { readBody } from '../../src/server/read-body';

const CAPTURED = 'method=POST&path=/search.php&args={"ARGS:q":"fish&chips"}&files={}&sizes={}&hour=07&day=29';

function echoModel(): LoadedModel {
  return {
    summary: 'echo',
    manifest: {} as LoadedModel['manifest'],
    adapter: { describe: () => ({ name: 'echo', inputKind: 'request', output: 'length' }) } as LoadedModel['adapter'],
    // The score is the length of the path: proves the decoded body reached the model.
    judge: async (r: MlRequest) => ({ score: r.path.length, anomaly: false }),
    judgeBatch: async () => [],
    judgeInputs: async () => [],
    name: 'echo',
    inputKind: 'request',
    featureNames: undefined,
    dispose: async () => undefined,
  };
}

interface Logged {
  level: string;
  message: string;
}

async function start(create: (o: AppOptions) => RequestListener, options: Partial<AppOptions> = {}): Promise<{ server: Server; port: number; logs: Logged[]; errors: unknown[] }> {
  const logs: Logged[] = [];
  const errors: unknown[] = [];
  const at = (level: string) => (message: string) => void logs.push({ level, message });
  const logger: Logger = { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
  const model = echoModel();
  const server = createServer(create({ model: () => model, logger, onError: (e) => errors.push(e), ...options }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, logs, errors };
}

/** Sends raw bytes on one socket and returns everything the server wrote, or how the socket failed. */
function rawExchange(port: number, parts: Array<Buffer | string | number>): Promise<{ text: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (d) => received.push(d));
    socket.on('error', (e: NodeJS.ErrnoException) => resolve({ text: Buffer.concat(received).toString('latin1'), error: e.code }));
    socket.on('close', () => resolve({ text: Buffer.concat(received).toString('latin1') }));
    (async () => {
      for (const part of parts) {
        if (typeof part === 'number') await new Promise((r) => setTimeout(r, part));
        else if (!socket.destroyed) socket.write(part);
      }
    })();
  });
}

const post = (port: number, body: Buffer | string, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });

describe.each([
  ['express app (createApp)', (o: AppOptions) => createApp(o) as unknown as RequestListener],
  ['fast listener (createRequestListener)', createRequestListener],
])('body reading, %s', (_name, create) => {
  let running: Server[] = [];
  afterEach(() => {
    for (const server of running) server.close(), server.closeAllConnections();
    running = [];
  });
  const run = async (options: Partial<AppOptions> = {}) => {
    const started = await start(create, options);
    running.push(started.server);
    return started;
  };

  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
    ['deflate', deflateRawSync],
    ['br', brotliCompressSync],
    ['identity', (b: Buffer) => b],
  ])('decodes Content-Encoding %s while streaming', async (coding, encode) => {
    const { port } = await run();
    const res = await post(port, encode(Buffer.from(CAPTURED)), { 'content-encoding': coding });
    expect([res.status, await res.text()]).toEqual([200, `score=${'/search.php'.length}`]);
  });

  it.each(['gzip', 'deflate', 'br'])('answers bad %s data with 400 and one line, never 5xx', async (coding) => {
    const { port, logs, errors } = await run();
    const truncated = gzipSync(Buffer.from(CAPTURED)).subarray(0, 20);
    for (const body of [Buffer.from('not compressed at all'), truncated, Buffer.alloc(0)]) {
      const res = await post(port, body, { 'content-encoding': coding });
      const text = await res.text();
      expect([res.status, text]).toEqual([400, expect.stringMatching(new RegExp(`^the ${coding} body does not decompress \\(.+\\)\\. Send valid ${coding} data`))]);
      expect(text).not.toContain('\n');
    }
    expect(errors.map((e) => (e as { code: string }).code)).toEqual(Array(3).fill('REQUEST_BODY_UNREADABLE'));
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('applies the limit to the decompressed size: a gzip bomb is 413 after limit bytes of output', async () => {
    const { port } = await run({ maxBodyBytes: 64 * 1024 });
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const res = await post(port, bomb, { 'content-encoding': 'gzip' });
    expect([res.status, await res.text()]).toEqual([413, "the body once decompressed is larger than the server's limit of 65536 bytes (--max-body-bytes)."]);
  });

  it('answers 415 for a coding it does not know', async () => {
    const { port } = await run();
    const res = await post(port, CAPTURED, { 'content-encoding': 'compress' });
    expect([res.status, await res.text()]).toEqual([415, 'Content-Encoding "compress" is not supported; send the body as is, or as one of gzip, x-gzip, deflate, br.']);
  });

  it('answers 413 before closing, so a client still sending its body reads it', async () => {
    const { port } = await run({ maxBodyBytes: 1000 });
    const big = Buffer.alloc(4 * 1024 * 1024, 'a');
    const head = `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${big.length}\r\n\r\n`;
    const { text, error } = await rawExchange(port, [head, big.subarray(0, 1 << 20), 5, big.subarray(1 << 20)]);
    expect(error).toBeUndefined();
    expect(text).toMatch(/^HTTP\/1.1 413 /);
    expect(text).toMatch(/connection: close/i);
    expect(text).toMatch(/limit of 1000 bytes/);
  });

  it('ends a body that trickles in with 408 after the body timeout', async () => {
    const { port } = await run({ bodyTimeoutMs: 150 });
    const head = `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${CAPTURED.length}\r\n\r\n`;
    const parts: Array<string | number> = [head];
    for (const ch of CAPTURED.slice(0, 40)) parts.push(ch, 20);
    const { text } = await rawExchange(port, parts);
    expect(text).toMatch(/^HTTP\/1.1 408 /);
    expect(text).toMatch(/did not arrive within 150 ms \(--body-timeout-ms\)/);
  });

  it('logs an aborted upload at debug, not error, and counts it', async () => {
    const { port, logs, errors } = await run();
    const head = `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n`;
    const socket = connect(port, '127.0.0.1');
    socket.write(head + CAPTURED);
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect((errors[0] as { code: string }).code).toBe('REQUEST_BODY_UNREADABLE');
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
    expect(logs.find((l) => l.level === 'debug')?.message).toMatch(/client closed the connection after \d+ of 5000 body bytes/);
  });
});

describe('a big body is read one chunk per turn of the event loop', () => {
  it('after its first MiB, never more than two chunks before other sockets get a turn (Node reads up to 32 otherwise)', async () => {
    let turn = 0;
    let ticking = true;
    (function tick() {
      turn++;
      if (ticking) setImmediate(tick);
    })();
    const perTurn = new Map<number, number>();
    let received = 0;
    const server = createServer((req, res) => {
      req.on('data', (chunk: Buffer) => {
        if (received > OFF_THREAD_MIN_BYTES) perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1);
        received += chunk.length;
      });
      void readBody(req, { maxBodyBytes: 16 * 1024 * 1024, bodyTimeoutMs: 10_000 }).then(() => res.end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const body = Buffer.alloc(8 * 1024 * 1024, 0x61);
    const { text } = await rawExchange((server.address() as AddressInfo).port, [
      `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      body,
    ]);
    ticking = false;
    server.close();
    expect(text).toMatch(/^HTTP\/1.1 200 /);
    expect(received).toBe(body.length);
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(2);
  });
});
