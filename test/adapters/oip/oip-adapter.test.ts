import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { loadModel, type LoadedModel } from '../../../src/adapter/load-model';
import { createContainer, TOKENS } from '../../../src/container';
import { parseRequestLine } from '../../../src/features/request-line';
import { silentLogger } from '../../../src/logger';
import { createRequestListener } from '../../../src/server/create-request-listener';
import { modelsDir } from '../../helpers/models-dir';

/**
 * The `oip` adapter against a real remote: a second crs-ml-server front door in this process,
 * behind counting / failing wrappers. Chained answers must equal the remote's own, bit for bit.
 */
const FOREST_DIR = path.join(__dirname, '../../../examples/sklearn-iforest/saved_models');
const FOREST = { name: 'iforest-waf-v1', threshold: -0.090545 };
const LINES = [
  '{"method":"GET","path":"/index.html","args":{"ARGS:page":"2","ARGS:q":"blue shoes"},"files":{},"sizes":{},"hour":7,"day":29}',
  `{"method":"POST","path":"/login.php","args":{"ARGS:user":"admin' OR 1=1 -- ","ARGS:pw":"x"},"files":{},"sizes":{},"hour":23,"day":1}`,
  '{"method":"GET","path":"/a","args":{"ARGS:x":"<script>alert(1)</script>"},"files":{},"sizes":{},"hour":12,"day":15}',
  '{"method":"GET","path":"/../../etc/passwd","args":{},"files":{},"sizes":{},"hour":3,"day":9}',
];

async function load(dir: string): Promise<LoadedModel> {
  const container = createContainer({ logger: silentLogger });
  return loadModel({ modelsDir: dir, adapters: container.resolve(TOKENS.AdapterRegistry), extractors: container.resolve(TOKENS.ExtractorRegistry), logger: silentLogger });
}

/** A remote in this process; `gate` may answer instead of it (to fail, hang or count). */
interface Remote {
  url: string;
  inferCalls: number;
  gate?: (req: Parameters<RequestListener>[0], res: Parameters<RequestListener>[1]) => boolean;
  server: Server;
}

async function startRemote(model: LoadedModel): Promise<Remote> {
  const listener = createRequestListener({ model: () => model, logger: silentLogger });
  const remote = { url: '', inferCalls: 0 } as Remote;
  remote.server = createServer((req, res) => {
    if (req.method === 'POST' && req.url?.endsWith('/infer')) remote.inferCalls++;
    if (remote.gate?.(req, res)) return;
    listener(req, res);
  });
  await new Promise<void>((resolve) => remote.server.listen(0, '127.0.0.1', resolve));
  remote.url = `http://127.0.0.1:${(remote.server.address() as AddressInfo).port}`;
  return remote;
}

function front(remote: Remote, options: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<LoadedModel> {
  return load(modelsDir({ adapter: 'oip', threshold: FOREST.threshold, options: { url: remote.url, model: FOREST.name, startupWaitMs: 500, timeoutMs: 5000, ...options }, ...extra }));
}

describe('oip adapter', () => {
  let forest: LoadedModel;
  let remote: Remote;
  const opened: LoadedModel[] = [];
  const track = async (model: Promise<LoadedModel>) => {
    const loaded = await model;
    opened.push(loaded);
    return loaded;
  };

  beforeAll(async () => {
    forest = await load(FOREST_DIR);
    remote = await startRemote(forest);
  });
  afterEach(() => {
    remote.gate = undefined;
  });
  afterAll(async () => {
    await Promise.all(opened.map((m) => m.dispose()));
    remote.server.closeAllConnections();
    remote.server.close();
  });

  it('answers exactly as the remote model would, sending requests as contract JSON (BYTES)', async () => {
    const chained = await track(front(remote));
    expect(chained.inputKind).toBe('request');
    const requests = LINES.map(parseRequestLine);
    expect(await Promise.all(requests.map((r) => chained.judge(r)))).toEqual(await forest.judgeBatch(requests));
  });

  it('answers exactly as the remote model would, sending the local extractor\'s rows (FP64)', async () => {
    const chained = await track(front(remote, { input: { name: 'features', datatype: 'FP64' } }));
    expect(chained.inputKind).toBe('features');
    const requests = LINES.map(parseRequestLine);
    expect(await chained.judgeBatch(requests)).toEqual(await forest.judgeBatch(requests));
  });

  it('micro-batches concurrent requests into one infer call, and calls once per request without it', async () => {
    const requests = [...LINES, ...LINES].map(parseRequestLine);
    const batched = await track(front(remote, { batch: { maxSize: 8, maxWaitMs: 5 } }));
    remote.inferCalls = 0;
    const together = await Promise.all(requests.map((r) => batched.judge(r)));
    expect(remote.inferCalls).toBe(1);
    expect(together).toEqual(await forest.judgeBatch(requests));

    const single = await track(front(remote));
    remote.inferCalls = 0;
    await Promise.all(requests.map((r) => single.judge(r)));
    expect(remote.inferCalls).toBe(requests.length);
  });

  it('stops startup when the remote model does not offer what the manifest asks for', async () => {
    await expect(front(remote, { input: { name: 'pixels', datatype: 'BYTES' } })).rejects.toMatchObject({
      code: 'REMOTE_MODEL_MISMATCH',
      message: expect.stringMatching(/has no input "pixels" \(it takes "request" BYTES \[-1\], "features" FP64 \[-1,\d+\]\)/),
    });
    await expect(front(remote, { input: { name: 'features', datatype: 'FP32' } })).rejects.toMatchObject({ code: 'REMOTE_MODEL_MISMATCH', message: expect.stringMatching(/is FP64, the manifest sends FP32/) });
    await expect(front(remote, {}, { output: 'probabilities[:,1]' })).rejects.toMatchObject({ code: 'REMOTE_MODEL_MISMATCH', message: expect.stringMatching(/no output "probabilities"/) });
    await expect(front(remote, { model: 'other' })).rejects.toMatchObject({ code: 'REMOTE_MODEL_MISMATCH', message: expect.stringMatching(/answered 404: model "other" is not served here; this server serves "iforest-waf-v1"; check options.model/) });
    await expect(front(remote, { url: 'ftp://x' })).rejects.toMatchObject({ code: 'MANIFEST_INVALID', message: expect.stringMatching(/options\.url: must be an http\(s\) URL/) });
    await expect(front(remote, { retries: 9, batch: { maxSize: 0 } })).rejects.toMatchObject({ message: expect.stringMatching(/options\.retries.*options\.batch\.maxSize/) });
  });

  it('stops startup with the cause when the remote cannot be reached', async () => {
    const down = { url: 'http://127.0.0.1:9' } as Remote;
    await expect(front(down, { startupWaitMs: 200 })).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED', message: expect.stringMatching(/cannot reach the remote OIP model: .*ECONNREFUSED.*Start that server first/) });
  });

  it('retries a 503 once within the budget, and reports it when retries are off', async () => {
    const retrying = await track(front(remote, { retries: 1 }));
    const strict = await track(front(remote, { retries: 0 }));
    const request = parseRequestLine(LINES[0]);
    let failures = 0;
    const failOnce = (_req: unknown, res: import('node:http').ServerResponse) => {
      if (failures++ > 0) return false;
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"warming up"}');
      return true;
    };
    remote.gate = (req, res) => req.url!.endsWith('/infer') && failOnce(req, res);
    expect(await retrying.judge(request)).toEqual(await forest.judge(request));
    failures = 0;
    await expect(strict.judge(request)).rejects.toMatchObject({ code: 'REMOTE_MODEL_UNAVAILABLE', message: expect.stringMatching(/answered 503: warming up/) });
  });

  it('gives up at its deadline when the remote hangs, and POST / answers 503 so the WAF applies its fail policy', async () => {
    const chained = await track(front(remote, { timeoutMs: 100 }));
    remote.gate = (req) => req.url!.endsWith('/infer'); // never answers
    const started = Date.now();
    await expect(chained.judge(parseRequestLine(LINES[0]))).rejects.toMatchObject({ code: 'REMOTE_MODEL_UNAVAILABLE', message: expect.stringMatching(/no answer within \d+ ms/) });
    expect(Date.now() - started).toBeLessThan(2000);
    const body = 'method=GET&path=/&args={}&files={}&sizes={}&hour=01&day=02';
    const answer = await request(createRequestListener({ model: () => chained, logger: silentLogger })).post('/').send(body);
    expect(answer.status).toBe(503);
    expect(answer.text).toMatch(/^remote OIP model http:\/\/127\.0\.0\.1:\d+\/v2\/models\/iforest-waf-v1 \(POST\): no answer within/);
    remote.server.closeAllConnections();
  });
});
