import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { loadModel, type LoadedModel } from '../../src/adapter/load-model';
import type { Decision } from '../../src/adapter/model-adapter';
import { createContainer, TOKENS } from '../../src/container';
import type { MlRequest } from '../../src/contract/ml-request';
import { silentLogger } from '../../src/logger';
import { createApp as createExpressApp, type AppOptions } from '../../src/server/create-app';
import { createRequestListener } from '../../src/server/create-request-listener';
import { modelsDir } from '../helpers/models-dir';

const CAPTURED = 'method=POST&path=/search.php&args={"ARGS:q":"fish&chips","ARGS:note":"1+1=2"}&files={}&sizes={}&hour=07&day=29';

async function randomModel(options: Record<string, unknown>): Promise<LoadedModel> {
  const container = createContainer({ logger: silentLogger });
  return loadModel({
    modelsDir: modelsDir({ adapter: 'random', threshold: -0.313, options }),
    adapters: container.resolve(TOKENS.AdapterRegistry),
    extractors: container.resolve(TOKENS.ExtractorRegistry),
    logger: silentLogger,
  });
}

/** A model that records what reached it, to prove bytes arrive intact. */
function recordingModel(score: number): { model: LoadedModel; seen: MlRequest[] } {
  const seen: MlRequest[] = [];
  const decide = (): Decision => ({ score, anomaly: score < -0.313 });
  const model = {
    name: 'recording',
    inputKind: 'request',
    featureNames: undefined,
    summary: 'recording',
    manifest: {} as LoadedModel['manifest'],
    adapter: { describe: () => ({ name: 'recording', inputKind: 'request', output: 'fixed' }) } as LoadedModel['adapter'],
    judge: async (r: MlRequest) => (seen.push(r), decide()),
    judgeBatch: async (rs: readonly MlRequest[]) => rs.map(() => decide()),
    judgeInputs: async (inputs: readonly unknown[]) => inputs.map(() => decide()),
    dispose: async () => undefined,
  } satisfies LoadedModel;
  return { model, seen };
}

/** Both entry points must answer byte for byte the same: the fast path and the express app. */
describe.each([
  ['express app (createApp)', (o: AppOptions) => createExpressApp(o)],
  ['fast listener (createRequestListener, what `serve` runs)', (o: AppOptions) => createRequestListener(o)],
])('%s', (_name, createApp) => {
  describe('GET /', () => {
    it('answers 503 while the model loads and "Service is up" once it is ready', async () => {
      let model: LoadedModel | undefined;
      const app = createApp({ model: () => model, logger: silentLogger });
      await request(app).get('/').expect(503);
      await request(app).post('/').send(CAPTURED).expect(503);
      model = await randomModel({ seed: 1 });
      const res = await request(app).get('/').expect(200);
      expect(res.text).toBe('Service is up');
    });
  });

  describe('POST /', () => {
    it('answers the captured ModSecurity body with 200 or 401 and a score that survives m.setvar', async () => {
      const model = await randomModel({ seed: 42 });
      const app = createApp({ model: () => model, logger: silentLogger });
      for (let i = 0; i < 30; i++) {
        const res = await request(app).post('/').set('Content-Type', 'application/x-www-form-urlencoded').send(CAPTURED);
        expect([200, 401]).toContain(res.status);
        expect(res.text).toMatch(/^score=-?\d+$/);
        const score = Number(res.text.slice('score='.length));
        expect(res.status).toBe(score < -0.313 ? 401 : 200);
      }
    });

    it('delivers a nasty legacy value to the model byte for byte', async () => {
      const { model, seen } = recordingModel(1);
      const app = createApp({ model: () => model, logger: silentLogger });
      const value = 'a&b=c+d%41 $#$x$#$ \\y\nz';
      const body = `method=POST&path=/p&args={"ARGS:v":"${value}"}&files={}&sizes={}&hour=07&day=29`;
      await request(app).post('/').set('Content-Type', 'application/x-www-form-urlencoded').send(body).expect(200, 'score=1');
      expect(seen[0].args).toEqual([['ARGS:v', 'a&b=c+d%41 "x" \\y\nz']]);
    });

    it('sends negative scores with 401 as "score=-0.35"', async () => {
      const { model } = recordingModel(-0.35);
      const app = createApp({ model: () => model, logger: silentLogger });
      await request(app).post('/').send(CAPTURED).expect(401, 'score=-0.35');
    });

    it('answers 400 with one line naming the problem', async () => {
      const model = await randomModel({ seed: 1 });
      const app = createApp({ model: () => model, logger: silentLogger });
      const res = await request(app).post('/').send('method=GET&path=/&args={}&hour=99&day=01').expect(400);
      expect(res.text).toBe('field "hour": must be an hour 00-23 (TIME_HOUR), got "99"');
      await request(app).post('/').expect(400);
    });

    it('answers 413 beyond the body limit', async () => {
      const model = await randomModel({ seed: 1 });
      const app = createApp({ model: () => model, logger: silentLogger, maxBodyBytes: 1000 });
      const res = await request(app).post('/').send(`method=GET&path=/&args={"ARGS:a":"${'x'.repeat(2000)}"}&hour=01&day=01`).expect(413);
      expect(res.text).toMatch(/larger than the server's limit of 1000 bytes/);
    });

    it('never answers 5xx for random bytes, mutated bodies or odd content types', async () => {
      const model = await randomModel({ seed: 3 });
      const app = createApp({ model: () => model, logger: silentLogger });
      const bodies: Buffer[] = [];
      for (let i = 0; i < 150; i++) bodies.push(randomBytes(1 + (i % 64) * 7));
      for (let i = 0; i < 150; i++) {
        const b = Buffer.from(CAPTURED);
        for (let k = 0; k < 1 + (i % 5); k++) b[(i * 31 + k * 17) % b.length] = (i * 13 + k) & 0xff;
        bodies.push(b);
      }
      for (const [i, body] of bodies.entries()) {
        const type = ['application/x-www-form-urlencoded', 'application/json', 'text/plain', 'application/octet-stream'][i % 4];
        const res = await request(app).post('/').set('Content-Type', type).send(body);
        expect([200, 400, 401]).toContain(res.status);
      }
    });

    it('answers 404 for other paths and methods', async () => {
      const model = await randomModel({ seed: 1 });
      const app = createApp({ model: () => model, logger: silentLogger });
      await request(app).put('/').expect(404);
      await request(app).get('/nope').expect(404);
    });

    it('describes the served model on GET /info', async () => {
      const model = await randomModel({ seed: 1 });
      const res = await request(createApp({ model: () => model, logger: silentLogger })).get('/info').expect(200);
      expect(res.body.adapter.name).toBe('random');
      expect(res.body.manifest.threshold).toBe(-0.313);
    });
  });
});

describe('a trained model behind the fast listener', () => {
  it('never answers 5xx for random or mutated bodies scored through waf-v1 and a RandomForest', async () => {
    const container = createContainer({ logger: silentLogger });
    const model = await loadModel({
      modelsDir: `${__dirname}/../../saved_models/rf-waf-v1`,
      adapters: container.resolve(TOKENS.AdapterRegistry),
      extractors: container.resolve(TOKENS.ExtractorRegistry),
      logger: silentLogger,
    });
    const app = createRequestListener({ model: () => model, logger: silentLogger });
    const nasty = ['\u0000', '\udcff', '😀', '%', '$#$', '"', '\\', '\n', '&', '=', '{', '}', "' or 1=1 --", '<script>', '../../'];
    const statuses = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const value = Array.from({ length: 1 + (i % 9) }, (_, k) => nasty[(i * 7 + k * 3) % nasty.length]).join('x'.repeat(i % 4));
      const body =
        i % 2 === 0
          ? Buffer.concat([Buffer.from(`method=POST&path=/p${value}&args={"ARGS:a${i}":"${value}"}&files={}&sizes={}&hour=07&day=29`), randomBytes(i % 5)])
          : randomBytes(1 + i * 3);
      const res = await request(app).post('/').send(body);
      statuses.add(res.status);
      expect([200, 400, 401]).toContain(res.status);
    }
    expect(statuses.has(200) || statuses.has(401)).toBe(true);
  });
});
