import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import Ajv from 'ajv';
import { loadModel, type LoadedModel } from '../../../src/adapter/load-model';
import { createContainer, TOKENS } from '../../../src/container';
import { parseRequestLine } from '../../../src/features/request-line';
import { silentLogger } from '../../../src/logger';
import { createRequestListener } from '../../../src/server/create-request-listener';
import { OFF_THREAD_MIN_BYTES, stopParseThread } from '../../../src/server/parse-off-thread';
import { modelsDir } from '../../helpers/models-dir';
import { OIP_SCHEMAS, SPEC_DATATYPES } from './oip-schemas';

/**
 * Conformance of the OIP v2 front door with the protocol (required_api.md + rest_predict_v2.yaml):
 * every endpoint over real HTTP, every body checked against the protocol's schemas, errors and
 * batches included. Two models: the seeded random stub (reads requests) and the example
 * IsolationForest (reads waf-v1 features, so it also takes FP32/FP64 rows).
 */
const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addSchema(OIP_SCHEMAS.tensor_data);
const validators = {
  server: ajv.compile(OIP_SCHEMAS.metadata_server_response),
  model: ajv.compile(OIP_SCHEMAS.metadata_model_response),
  request: ajv.compile(OIP_SCHEMAS.inference_request),
  response: ajv.compile(OIP_SCHEMAS.inference_response),
  error: ajv.compile(OIP_SCHEMAS.error_response),
};

const REQUEST_A = '{"method":"GET","path":"/index.html","args":{"ARGS:page":"2","ARGS:q":"blue shoes"},"files":{},"sizes":{},"hour":7,"day":29}';
const REQUEST_B = `{"method":"POST","path":"/login.php","args":{"ARGS:user":"admin' OR 1=1 -- ","ARGS:pw":"x"},"files":{},"sizes":{},"hour":23,"day":1}`;
const REQUEST_C = '{"method":"GET","path":"/a","args":{"ARGS:x":"<script>alert(1)</script>"},"files":{},"sizes":{},"hour":12,"day":15}';

/** A minimal OIP client written from the spec: it checks what it sends, and what it gets back. */
class SpecClient {
  constructor(readonly base: string) {}

  async get(path: string): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.base}${path}`);
    return { status: res.status, body: await readJson(res) };
  }

  async infer(model: string, request: unknown, { checkRequest = true } = {}): Promise<{ status: number; body: unknown }> {
    if (checkRequest && !validators.request(request)) throw new Error(`test bug: request breaks the spec: ${ajv.errorsText(validators.request.errors)}`);
    return this.post(`/v2/models/${model}/infer`, JSON.stringify(request));
  }

  async post(path: string, body: string): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: res.status, body: await readJson(res) };
  }
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return JSON.parse(text);
}

function expectValid(validate: (typeof validators)[keyof typeof validators], body: unknown): void {
  const ok = validate(body);
  if (!ok) throw new Error(`${JSON.stringify(body)} breaks the spec: ${ajv.errorsText(validate.errors)}`);
}

function expectError(answer: { status: number; body: unknown }, status: number, pattern: RegExp): void {
  expect(answer.status).toBe(status);
  expectValid(validators.error, answer.body);
  expect((answer.body as { error: string }).error).toMatch(pattern);
}

async function load(dir: string): Promise<LoadedModel> {
  const container = createContainer({ logger: silentLogger });
  return loadModel({ modelsDir: dir, adapters: container.resolve(TOKENS.AdapterRegistry), extractors: container.resolve(TOKENS.ExtractorRegistry), logger: silentLogger });
}

async function listen(model: () => LoadedModel | undefined, maxBodyBytes = 1 << 20): Promise<{ server: Server; client: SpecClient }> {
  const server = createServer(createRequestListener({ model, logger: silentLogger, maxBodyBytes }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, client: new SpecClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`) };
}

describe('OIP v2 front door: conformance with the protocol', () => {
  let stub: LoadedModel;
  let forest: LoadedModel;
  let stubServer: { server: Server; client: SpecClient };
  let forestServer: { server: Server; client: SpecClient };
  let loading: { server: Server; client: SpecClient };

  beforeAll(async () => {
    stub = await load(modelsDir({ name: 'stub', adapter: 'random', threshold: -0.313, options: { seed: 7 } }));
    forest = await load(path.join(__dirname, '../../../examples/sklearn-iforest/saved_models'));
    stubServer = await listen(() => stub);
    forestServer = await listen(() => forest);
    loading = await listen(() => undefined);
  });

  afterAll(async () => {
    for (const { server } of [stubServer, forestServer, loading]) server?.close();
    await stopParseThread();
  });

  describe('health', () => {
    it('server live answers 200', async () => {
      expect((await stubServer.client.get('/v2/health/live')).status).toBe(200);
      expect((await loading.client.get('/v2/health/live')).status).toBe(200);
    });

    it('server ready and model ready answer 200 once loaded, and an error object while loading', async () => {
      expect((await stubServer.client.get('/v2/health/ready')).status).toBe(200);
      expect((await stubServer.client.get('/v2/models/stub/ready')).status).toBe(200);
      expectError(await loading.client.get('/v2/health/ready'), 503, /loading/);
      expectError(await loading.client.get('/v2/models/stub/ready'), 503, /loading/);
    });
  });

  describe('metadata', () => {
    it('server metadata has name, version and extensions', async () => {
      const { status, body } = await stubServer.client.get('/v2');
      expect(status).toBe(200);
      expectValid(validators.server, body);
      expect(body).toMatchObject({ name: 'crs-ml-server', extensions: [] });
      expect((await stubServer.client.get('/v2/')).status).toBe(200);
    });

    it('model metadata lists inputs and outputs with the protocol datatypes', async () => {
      for (const [client, name] of [[stubServer.client, 'stub'], [forestServer.client, 'iforest-waf-v1']] as const) {
        const { status, body } = await client.get(`/v2/models/${name}`);
        expect(status).toBe(200);
        expectValid(validators.model, body);
        const meta = body as { name: string; inputs: Array<{ datatype: string }>; outputs: Array<{ datatype: string }> };
        expect(meta.name).toBe(name);
        for (const tensor of [...meta.inputs, ...meta.outputs]) expect(SPEC_DATATYPES).toContain(tensor.datatype);
      }
      const forestMeta = (await forestServer.client.get('/v2/models/iforest-waf-v1')).body as { inputs: unknown[] };
      expect(forestMeta.inputs).toEqual([
        { name: 'request', datatype: 'BYTES', shape: [-1] },
        { name: 'features', datatype: 'FP64', shape: [-1, forest.featureNames!.length] },
      ]);
      expect((await stubServer.client.get('/v2/models/stub')).body).toMatchObject({ inputs: [{ name: 'request', datatype: 'BYTES', shape: [-1] }] });
    });

    it('an unknown model or a version is a 404 with an error object', async () => {
      expectError(await stubServer.client.get('/v2/models/nope'), 404, /"nope" is not served here; this server serves "stub"/);
      expectError(await stubServer.client.get('/v2/models/nope/ready'), 404, /not served/);
      expectError(await stubServer.client.get('/v2/models/stub/versions/1'), 404, /has no versions/);
      expectError(await stubServer.client.get('/v2/models/stub/versions/1/ready'), 404, /has no versions/);
      expectError(await stubServer.client.get('/v2/nothing-here'), 404, /no such OIP v2 endpoint/);
    });
  });

  describe('inference', () => {
    it('scores a batch of BYTES requests exactly as POST / judges them, in order, and echoes the id', async () => {
      const rows = [REQUEST_A, REQUEST_B, REQUEST_C];
      const { status, body } = await forestServer.client.infer('iforest-waf-v1', { id: '42', inputs: [{ name: 'request', shape: [3], datatype: 'BYTES', data: rows }] });
      expect(status).toBe(200);
      expectValid(validators.response, body);
      const expected = await forest.judgeBatch(rows.map(parseRequestLine));
      expect(body).toEqual({
        model_name: 'iforest-waf-v1',
        id: '42',
        outputs: [
          { name: 'score', datatype: 'FP64', shape: [3], data: expected.map((d) => d.score) },
          { name: 'anomaly', datatype: 'BOOL', shape: [3], data: expected.map((d) => d.anomaly) },
        ],
      });
    });

    it('takes FP64 and FP32 feature rows, flat or nested, for a features model', async () => {
      const rows = [REQUEST_A, REQUEST_B].map(featuresOf);
      const width = forest.featureNames!.length;
      const expected = await forest.judgeInputs(rows);
      for (const data of [rows.flat(), rows]) {
        const { status, body } = await forestServer.client.infer('iforest-waf-v1', { inputs: [{ name: 'features', shape: [2, width], datatype: 'FP64', data }] });
        expect(status).toBe(200);
        expectValid(validators.response, body);
        expect((body as { outputs: Array<{ data: unknown[] }> }).outputs[0].data).toEqual(expected.map((d) => d.score));
      }
      const fp32 = await forestServer.client.infer('iforest-waf-v1', { inputs: [{ name: 'features', shape: [2, width], datatype: 'FP32', data: rows.flat() }] });
      expect(fp32.status).toBe(200);
      const expected32 = await forest.judgeInputs(rows.map((row) => Array.from(Float32Array.from(row))));
      expect((fp32.body as { outputs: Array<{ data: unknown[] }> }).outputs[0].data).toEqual(expected32.map((d) => d.score));
    });

    it('scores a big batch in slices, giving other clients turns between them, with the same decisions in order', async () => {
      const bytes = Array.from({ length: 600 }, (_, i) => {
        const request = JSON.parse([REQUEST_A, REQUEST_B, REQUEST_C][i % 3]) as { args: Record<string, string> };
        request.args['ARGS:n'] = 'x'.repeat(i % 40);
        return JSON.stringify(request);
      });
      const rows = bytes.map(featuresOf);
      const width = forest.featureNames!.length;
      const expectedBytes = await forest.judgeBatch(bytes.map(parseRequestLine));
      const expectedRows = await forest.judgeInputs(rows.map((row) => Array.from(Float32Array.from(row))));
      const cases = [
        ['judgeBatch', { name: 'request', shape: [600], datatype: 'BYTES', data: bytes }, expectedBytes],
        ['judgeInputs', { name: 'features', shape: [600, width], datatype: 'FP32', data: rows.flat() }, expectedRows],
      ] as const;
      for (const [method, input, expected] of cases) {
        const events: string[] = [];
        const original = forest[method].bind(forest) as (batch: never[]) => Promise<unknown>;
        const spy = jest.spyOn(forest, method).mockImplementation(((batch: never[]) => {
          events.push(`score ${batch.length}`);
          return original(batch);
        }) as never);
        let counting = true;
        const turn = (): void => {
          if (!counting) return;
          if (events.at(-1) !== 'turn') events.push('turn');
          setImmediate(turn);
        };
        setImmediate(turn);
        try {
          const { status, body } = await forestServer.client.infer('iforest-waf-v1', { inputs: [input] });
          expect(status).toBe(200);
          expect((body as { outputs: Array<{ data: unknown[] }> }).outputs[0].data).toEqual(expected.map((d) => d.score));
        } finally {
          counting = false;
          spy.mockRestore();
        }
        const slices = events.filter((e) => e.startsWith('score')).map((e) => Number(e.slice(6)));
        expect(slices.length).toBeGreaterThanOrEqual(2);
        expect(slices.reduce((a, b) => a + b, 0)).toBe(600);
        // Between two slices the event loop ran other callbacks (here, this test's own).
        const scored = events.flatMap((e, i) => (e.startsWith('score') ? [i] : []));
        for (let k = 1; k < scored.length; k++) expect(events.slice(scored[k - 1] + 1, scored[k])).toContain('turn');
      }
    });

    it('scores a big body (parsed on the parsing thread), gzipped or not, as it scores the same rows in-process', async () => {
      const width = forest.featureNames!.length;
      const base = [REQUEST_A, REQUEST_B, REQUEST_C].map(featuresOf);
      // Full-precision values, as numpy writes them: 3,000 rows are ~3 MiB of JSON, past OFF_THREAD_MIN_BYTES.
      const rows = Array.from({ length: 3000 }, (_, r) => base[r % 3].map((v, c) => v + Math.sin(r * width + c) / 7));
      const body = JSON.stringify({ inputs: [{ name: 'features', shape: [3000, width], datatype: 'FP64', data: rows.flat() }] });
      expect(body.length).toBeGreaterThan(OFF_THREAD_MIN_BYTES);
      const expected = (await forest.judgeInputs(rows)).map((d) => d.score);
      const roomy = await listen(() => forest, 8 << 20);
      const url = `${roomy.client.base}/v2/models/iforest-waf-v1/infer`;
      for (const init of [{ body }, { body: gzipSync(body), headers: { 'content-encoding': 'gzip' } }]) {
        const res = await fetch(url, { method: 'POST', ...init });
        expect(res.status).toBe(200);
        expect(((await res.json()) as { outputs: Array<{ data: unknown[] }> }).outputs[0].data).toEqual(expected);
      }
      const broken = await fetch(url, { method: 'POST', body: `${body.slice(0, -2)},` });
      expect(broken.status).toBe(400);
      expect(((await broken.json()) as { error: string }).error).toMatch(/^the body is not JSON: /);
      roomy.server.close();
    });

    it('returns only the requested outputs', async () => {
      const { status, body } = await stubServer.client.infer('stub', { inputs: [{ name: 'request', shape: [2], datatype: 'BYTES', data: [REQUEST_A, REQUEST_B] }], outputs: [{ name: 'anomaly' }] });
      expect(status).toBe(200);
      expectValid(validators.response, body);
      const outputs = (body as { outputs: Array<{ name: string; data: unknown[] }> }).outputs;
      expect(outputs.map((o) => o.name)).toEqual(['anomaly']);
      expect(outputs[0].data.every((v) => typeof v === 'boolean')).toBe(true);
    });

    it('answers 400 with an error object for every malformed request', async () => {
      const c = forestServer.client;
      const width = forest.featureNames!.length;
      const cases: Array<[string, unknown, RegExp]> = [
        ['no inputs', {}, /inputs: is missing/],
        ['inputs not an array', { inputs: 3 }, /inputs: must be an array/],
        ['two inputs', { inputs: [{ name: 'request', shape: [1], datatype: 'BYTES', data: [REQUEST_A] }, { name: 'request', shape: [1], datatype: 'BYTES', data: [REQUEST_A] }] }, /exactly one input/],
        ['missing data', { inputs: [{ name: 'request', shape: [1], datatype: 'BYTES' }] }, /inputs\[0\]\.data: is missing/],
        ['negative shape', { inputs: [{ name: 'request', shape: [-1], datatype: 'BYTES', data: [] }] }, /inputs\[0\]\.shape/],
        ['unknown input', { inputs: [{ name: 'pixels', shape: [1], datatype: 'BYTES', data: ['x'] }] }, /unknown input "pixels"/],
        ['wrong datatype', { inputs: [{ name: 'request', shape: [1], datatype: 'FP32', data: [1] }] }, /must be BYTES/],
        ['shape/data mismatch', { inputs: [{ name: 'request', shape: [2], datatype: 'BYTES', data: [REQUEST_A] }] }, /needs 2 elements, the data holds 1/],
        ['element of the wrong type', { inputs: [{ name: 'features', shape: [1, width], datatype: 'FP64', data: [...Array(width - 1).fill(0), 'x'] }] }, /must be a finite number/],
        ['wrong feature width', { inputs: [{ name: 'features', shape: [1, 3], datatype: 'FP64', data: [1, 2, 3] }] }, new RegExp(`shape \\[N, ${width}\\]`)],
        ['nested deeper than the shape', { inputs: [{ name: 'request', shape: [1], datatype: 'BYTES', data: [[REQUEST_A]] }] }, /nested deeper/],
        ['empty batch', { inputs: [{ name: 'request', shape: [0], datatype: 'BYTES', data: [] }] }, /1-4096 rows/],
        ['a request element that is not a contract request', { inputs: [{ name: 'request', shape: [2], datatype: 'BYTES', data: [REQUEST_A, '{"method":"GET"}'] }] }, /element 1: field "path": is missing/],
        ['unknown output', { inputs: [{ name: 'request', shape: [1], datatype: 'BYTES', data: [REQUEST_A] }], outputs: [{ name: 'logits' }] }, /unknown output "logits"/],
      ];
      for (const [what, request, pattern] of cases) {
        const answer = await c.infer('iforest-waf-v1', request, { checkRequest: false });
        try {
          expectError(answer, 400, pattern);
        } catch (error) {
          throw new Error(`${what}: ${(error as Error).message} (got ${answer.status} ${JSON.stringify(answer.body)})`);
        }
      }
      expectError(await c.post('/v2/models/iforest-waf-v1/infer', '{"inputs": ['), 400, /not JSON/);
      expectError(await c.post('/v2/models/iforest-waf-v1/infer', '[1,2]'), 400, /JSON object/);
      expectError(await c.infer('other', { inputs: [{ name: 'request', shape: [1], datatype: 'BYTES', data: [REQUEST_A] }] }), 404, /not served/);
      expectError(await loading.client.infer('stub', { inputs: [{ name: 'request', shape: [1], datatype: 'BYTES', data: [REQUEST_A] }] }), 503, /loading/);
    });

    it('refuses a body over the limit with 413 and an error object', async () => {
      const big = JSON.stringify({ inputs: [{ name: 'request', shape: [1], datatype: 'BYTES', data: ['x'.repeat(1 << 20)] }] });
      expectError(await forestServer.client.post('/v2/models/iforest-waf-v1/infer', big), 413, /larger than the server's limit/);
    });

    it('refuses an unknown Content-Encoding with 415 and an error object, as POST / does', async () => {
      const res = await fetch(`${forestServer.client.base}/v2/models/iforest-waf-v1/infer`, { method: 'POST', body: '{}', headers: { 'content-encoding': 'zstd' } });
      expectError({ status: res.status, body: await readJson(res) }, 415, /zstd/);
    });

    it('a text-reading model refuses feature rows with a hint', async () => {
      expectError(await stubServer.client.infer('stub', { inputs: [{ name: 'features', shape: [1, 2], datatype: 'FP64', data: [1, 2] }] }), 400, /reads request, not feature rows; send "request"/);
    });
  });

  function featuresOf(line: string): number[] {
    const container = createContainer({ logger: silentLogger });
    return container.resolve<import('../../../src/features/extractor-registry').ExtractorRegistry>(TOKENS.ExtractorRegistry).get('waf-v1').extract(parseRequestLine(line));
  }
});
