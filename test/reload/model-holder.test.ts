import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LoadedModel } from '../../src/adapter/load-model';
import type { MlRequest } from '../../src/contract/ml-request';
import { ManifestError } from '../../src/errors';
import { silentLogger, type Logger } from '../../src/logger';
import { ServerMetrics } from '../../src/metrics/metrics';
import { ModelHolder } from '../../src/reload/model-holder';

const REQUEST = { method: 'GET', path: '/', args: {}, files: {}, sizes: {}, hour: 1, day: 1 } as unknown as MlRequest;

/** A model scoring `score`, whose judge waits for `gate` when given one, and that records disposal. */
function fakeModel(name: string, score: number, gate?: Promise<void>): LoadedModel & { disposed: boolean } {
  const model = {
    disposed: false,
    summary: `model "${name}"`,
    manifest: { name, adapter: 'fake', model: 'model.bin', threshold: 0, anomalyWhen: 'below' } as unknown as LoadedModel['manifest'],
    adapter: {} as LoadedModel['adapter'],
    judge: async () => {
      await gate;
      return { score, anomaly: score < 0 };
    },
    judgeBatch: async () => [],
    judgeInputs: async () => [],
    name: 'held',
    inputKind: 'request' as const,
    featureNames: undefined,
    dispose: async () => void (model.disposed = true),
  };
  return model;
}

function modelsDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'crs-ml-holder-'));
  writeFileSync(path.join(dir, 'model.bin'), 'abc');
  return dir;
}

describe('ModelHolder', () => {
  it('swaps to the new model only once it is loaded, and disposes the old one after its last request', async () => {
    const loads = [fakeModel('a', 1), fakeModel('b', -1)];
    let release!: () => void;
    const slow = fakeModel('a-slow', 1, new Promise((r) => (release = r)));
    loads[0] = slow;
    const metrics = new ServerMetrics({ defaultMetrics: false });
    const holder = new ModelHolder({ load: async () => loads.shift()!, modelsDir: modelsDir(), logger: silentLogger, metrics });
    await holder.start();
    const inFlight = holder.current!.judge(REQUEST);
    expect(await holder.reload()).toEqual({ ok: true, summary: 'model "b"' });
    expect((await holder.current!.judge(REQUEST)).score).toBe(-1);
    expect(slow.disposed).toBe(false); // still judging
    release();
    expect((await inFlight).score).toBe(1);
    expect(slow.disposed).toBe(true);
    const text = (await metrics.expose()).text;
    // sha256("abc")
    expect(text).toContain('crs_ml_model_info{name="b",adapter="fake",sha256="ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"} 1');
    expect(text).toMatch(/^crs_ml_reloads_total\{result="ok"\} 1$/m);
    expect(text).toMatch(/^crs_ml_requests_total\{verdict="anomaly",status="401"\} 1$/m);
  });

  it('keeps the old model when the new one fails, and logs why', async () => {
    const errors: string[] = [];
    const logger: Logger = { ...silentLogger, error: (m: string) => void errors.push(m) };
    const first = fakeModel('a', 1);
    let fail = false;
    const holder = new ModelHolder({
      load: async () => {
        if (fail) throw new ManifestError('manifest.json is not JSON');
        return first;
      },
      modelsDir: modelsDir(),
      logger,
    });
    await holder.start();
    fail = true;
    expect(await holder.reload()).toEqual({ ok: false, reason: 'manifest.json is not JSON' });
    expect(holder.current!.summary).toBe('model "a"');
    expect(first.disposed).toBe(false);
    expect(errors).toEqual(['reload failed, still serving model "a": manifest.json is not JSON']);
  });

  it('never overlaps reloads: asks during a reload share one follow-up load', async () => {
    let loads = 0;
    let active = 0;
    let maxActive = 0;
    const holder = new ModelHolder({
      load: async () => {
        loads++;
        maxActive = Math.max(maxActive, ++active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        return fakeModel(`m${loads}`, 1);
      },
      modelsDir: modelsDir(),
      logger: silentLogger,
    });
    await holder.start();
    const outcomes = await Promise.all([holder.reload(), holder.reload(), holder.reload(), holder.reload()]);
    expect(maxActive).toBe(1);
    expect(loads).toBe(3); // start, the running reload, one shared follow-up
    expect(outcomes.map((o) => (o as { summary: string }).summary)).toEqual(['model "m2"', 'model "m3"', 'model "m3"', 'model "m3"']);
  });
});
