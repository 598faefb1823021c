import fixture from '../../fixtures/random/python-randint.json';
import { loadModel } from '../../../src/adapter/load-model';
import { createContainer, TOKENS } from '../../../src/container';
import type { MlRequest } from '../../../src/contract/ml-request';
import { PythonRandom } from '../../../adapters/random/python-random';
import { silentLogger } from '../../../src/logger';
import { modelsDir } from '../../helpers/models-dir';

const request: MlRequest = { method: 'GET', path: '/', args: [], files: [], sizes: [], hour: 1, day: 2 };

function load(options: Record<string, unknown>, threshold = -0.313) {
  const container = createContainer({ logger: silentLogger });
  return loadModel({
    modelsDir: modelsDir({ adapter: 'random', threshold, options }),
    adapters: container.resolve(TOKENS.AdapterRegistry),
    extractors: container.resolve(TOKENS.ExtractorRegistry),
    logger: silentLogger,
  });
}

describe('PythonRandom', () => {
  it.each(fixture.cases.map((c) => [c.seed, c.low, c.high, c.values] as const))(
    'seed %d gives the same randint(%d, %d) sequence as CPython',
    (seed, low, high, values) => {
      const random = new PythonRandom(seed);
      expect(values.map(() => random.randint(low, high))).toEqual(values);
    },
  );
});

describe('random adapter (placeholder.py stub)', () => {
  it('scores in [-5, 5] and labels with 1 - 2 * (score < -0.313), reproducibly under a seed', async () => {
    const model = await load({ seed: 42 });
    const decisions = await model.judgeBatch(Array(200).fill(request));
    const expected = fixture.cases.find((c) => c.seed === 42)!.values;
    expect(decisions.map((d) => d.score)).toEqual(expected);
    for (const d of decisions) expect(d.anomaly).toBe(d.score < -0.313);
  });

  it('draws every integer of [-5, 5] about equally often', async () => {
    const model = await load({ seed: 7 });
    const decisions = await model.judgeBatch(Array(11_000).fill(request));
    const counts = new Map<number, number>();
    for (const { score } of decisions) counts.set(score, (counts.get(score) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5]);
    // 1000 expected per value; 5 standard deviations (~150) of a binomial(11000, 1/11).
    for (const count of counts.values()) expect(Math.abs(count - 1000)).toBeLessThan(150);
    const anomalies = decisions.filter((d) => d.anomaly).length;
    expect(anomalies / decisions.length).toBeCloseTo(5 / 11, 1);
  });

  it('can be pinned to one score for deterministic tests (low = high)', async () => {
    const model = await load({ low: -2, high: -2 });
    expect(await model.judge(request)).toEqual({ score: -2, anomaly: true });
  });

  it('refuses bad options with the option name', async () => {
    await expect(load({ seed: -1 })).rejects.toThrow(/options\.seed/);
    await expect(load({ colour: 'red' })).rejects.toThrow(/options\.colour/);
    await expect(load({ low: 3, high: 1 })).rejects.toMatchObject({ code: 'MANIFEST_INVALID' });
  });
});
