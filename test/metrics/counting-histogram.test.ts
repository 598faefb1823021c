import { Histogram, Registry } from 'prom-client';
import { CountingHistogram } from '../../src/metrics/counting-histogram';
import { ServerMetrics } from '../../src/metrics/metrics';
import { prng } from '../helpers/prng';

const BOUNDS = [-5, -1, -0.3, 0, 0.1, 0.5, 1, 5];

/** The same observations through prom-client's Histogram and ours, each in its own registry. */
async function both(values: readonly number[], worker?: string): Promise<[string, string]> {
  const theirs = new Registry();
  const ours = new Registry();
  if (worker !== undefined) [theirs, ours].forEach((r) => r.setDefaultLabels({ worker }));
  const reference = new Histogram({ name: 'h', help: 'help text', buckets: BOUNDS, registers: [theirs] });
  const counting = new CountingHistogram('h', 'help text', BOUNDS, ours);
  for (const v of values) {
    reference.observe(v);
    counting.observe(v);
  }
  return [await theirs.metrics(), await ours.metrics()];
}

describe('CountingHistogram', () => {
  it("exposes the same text as prom-client's Histogram for the same observations", async () => {
    const random = prng(42);
    // Up to the top bound: above it, prom-client 15 also counts the value in le="-1" (see below).
    const values = Array.from({ length: 2000 }, () => (random() - 0.5) * 10);
    values.push(...BOUNDS, -7, 0.1 + 0.2, -0);
    for (const worker of [undefined, '3']) {
      const [theirs, ours] = await both(values, worker);
      expect(ours).toBe(theirs);
    }
    const [theirs, ours] = await both([]);
    expect(ours).toBe(theirs);
  });

  it('aggregates across workers as prom-client does (the JSON the cluster primary sums)', async () => {
    const theirs = new Registry();
    const ours = new Registry();
    new Histogram({ name: 'h', help: 'x', buckets: BOUNDS, registers: [theirs] }).observe(0.2);
    new CountingHistogram('h', 'x', BOUNDS, ours).observe(0.2);
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
  });

  it('counts a value above the top bound in +Inf only (prom-client 15 also counts it in le="-1" when -1 is a bound)', async () => {
    const [theirs, ours] = await both([7]);
    expect(ours).toMatch(/^h_bucket\{le="-1"\} 0$/m);
    expect(ours).toMatch(/^h_bucket\{le="5"\} 0$/m);
    expect(ours).toMatch(/^h_bucket\{le="\+Inf"\} 1$/m);
    expect(theirs).toMatch(/^h_bucket\{le="-1"\} 1$/m); // the bug this class does not copy
  });

  it('refuses bounds that do not ascend', () => {
    expect(() => new CountingHistogram('h', 'x', [1, 1], new Registry())).toThrow(RangeError);
  });
});

describe('ServerMetrics', () => {
  it('counts passes and anomalies as requests_total series once they happen, and keeps counting after a scrape', async () => {
    const metrics = new ServerMetrics({ defaultMetrics: false });
    expect((await metrics.expose()).text).not.toMatch(/crs_ml_requests_total\{/);
    metrics.scored({ score: 0.9, anomaly: true }, 0.0002);
    expect((await metrics.expose()).text).toMatch(/^crs_ml_requests_total\{verdict="anomaly",status="401"\} 1$/m);
    expect((await metrics.expose()).text).not.toMatch(/verdict="pass"/);
    for (let i = 0; i < 3; i++) metrics.scored({ score: -1, anomaly: false }, 0.00004);
    metrics.scored({ score: Number.NaN, anomaly: true }, 0.00004);
    const text = (await metrics.expose()).text;
    expect(text).toMatch(/^crs_ml_requests_total\{verdict="pass",status="200"\} 3$/m);
    expect(text).toMatch(/^crs_ml_requests_total\{verdict="anomaly",status="401"\} 2$/m);
    expect(text).toMatch(/^crs_ml_scoring_duration_seconds_count 5$/m);
    expect(text).toMatch(/^crs_ml_scoring_duration_seconds_bucket\{le="0.00005"\} 4$/m);
    expect(text).toMatch(/^crs_ml_score_count 4$/m); // the NaN score is left out
    expect(text).toMatch(/^crs_ml_score_bucket\{le="-1"\} 3$/m);
  });
});
