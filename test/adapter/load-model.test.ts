import { loadModel, thresholdDecision } from '../../src/adapter/load-model';
import type { AdapterContext, ModelAdapter } from '../../src/adapter/model-adapter';
import { createContainer, TOKENS } from '../../src/container';
import type { MlRequest } from '../../src/contract/ml-request';
import type { AdapterRegistry } from '../../src/adapter/adapter-registry';
import { silentLogger } from '../../src/logger';
import { modelsDir } from '../helpers/models-dir';

const request: MlRequest = { method: 'GET', path: '/', args: [['ARGS:a', 'x']], files: [], sizes: [], hour: 1, day: 2 };

function setup(adapterClass?: { new (): ModelAdapter; adapterName: string }) {
  const container = createContainer({ logger: silentLogger });
  const adapters = container.resolve<AdapterRegistry>(TOKENS.AdapterRegistry);
  if (adapterClass) adapters.add(adapterClass);
  return { adapters, extractors: container.resolve(TOKENS.ExtractorRegistry) as never, logger: silentLogger };
}

describe('thresholdDecision', () => {
  it('follows placeholder.py: anomaly when score < threshold', () => {
    const decide = thresholdDecision({ threshold: -0.313, anomalyWhen: 'below' });
    expect(decide(-0.314).anomaly).toBe(true);
    expect(decide(-0.313).anomaly).toBe(false);
    expect(decide(NaN).anomaly).toBe(true);
  });

  it('supports scores where higher is worse (probabilities)', () => {
    const decide = thresholdDecision({ threshold: 0.5, anomalyWhen: 'above' });
    expect(decide(0.51).anomaly).toBe(true);
    expect(decide(0.5).anomaly).toBe(false);
    expect(decide(NaN).anomaly).toBe(true);
  });
});

describe('loadModel', () => {
  it('names unknown adapters and lists the known ones', async () => {
    await expect(loadModel({ modelsDir: modelsDir({ adapter: 'nope', threshold: 0 }), ...setup() })).rejects.toThrow(
      /unknown adapter "nope". Known: .*random/,
    );
  });

  it('wraps a failing load with the adapter name and file', async () => {
    class Broken implements ModelAdapter {
      static adapterName = 'broken';
      describe() {
        return { name: 'broken', inputKind: 'request' as const, output: 'x' };
      }
      load(): void {
        throw new Error('disk on fire');
      }
      score(): number[] {
        return [];
      }
    }
    const dir = modelsDir({ adapter: 'broken', model: 'm.bin', threshold: 0 });
    await expect(loadModel({ modelsDir: dir, ...setup(Broken) })).rejects.toMatchObject({
      code: 'MODEL_LOAD_FAILED',
      message: expect.stringMatching(/adapter "broken" failed to load .*m\.bin: disk on fire/),
    });
  });

  it('uses the adapter hooks and checks the number of scores', async () => {
    const seen: unknown[] = [];
    class Echo implements ModelAdapter<string> {
      static adapterName = 'echo';
      context!: AdapterContext;
      describe() {
        return { name: 'echo', inputKind: 'text' as const, output: 'length' };
      }
      load(context: AdapterContext) {
        this.context = context;
      }
      score(batch: readonly string[]) {
        seen.push(...batch);
        return batch.length === 2 ? [1] : batch.map((s) => s.length);
      }
    }
    const model = await loadModel({ modelsDir: modelsDir({ adapter: 'echo', threshold: 3, anomalyWhen: 'above' }), ...setup(Echo) });
    expect(await model.judge({ ...request, args: [['ARGS:a', 'abcd'], ['ARGS:b', 'e']] })).toEqual({ score: 6, anomaly: true });
    expect(seen).toEqual(['abcd\ne']);
    await expect(model.judgeBatch([request, request])).rejects.toMatchObject({ code: 'SCORING_FAILED' });
  });
});
