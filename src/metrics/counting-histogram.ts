import type { Aggregator, Metric, Registry } from 'prom-client';

/** One exported series, as prom-client's own metrics hand them to a registry. */
interface SeriesValue {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName: string;
  /** Always null on buckets, as prom-client's histograms without exemplars give it. */
  readonly exemplar?: null;
}

/**
 * A Prometheus histogram without labels that counts into a typed array: `observe` is one bucket
 * search and three additions. prom-client's `Histogram.observe` builds label objects, hashes them
 * and allocates a closure per call, about a microsecond on every `POST /` (docs/performance.md).
 *
 * It exposes itself to a prom-client `Registry` the way prom-client's `Histogram` does (`get()`
 * returns the same buckets, `+Inf`, `_sum` and `_count` series in the same order, `aggregator`
 * `sum` for `--workers`), so `/metrics` reads the same; test/metrics/counting-histogram.test.ts
 * compares the two texts. One difference, deliberate: prom-client 15 counts a value above the top
 * bound in the `le="-1"` bucket as well when -1 is a bound (its "no bucket" marker is -1), which
 * put every score above 5 into `crs_ml_score_bucket{le="-1"}`; here such a value counts in `+Inf` only.
 */
export class CountingHistogram {
  readonly type = 'histogram';
  readonly aggregator: Aggregator = 'sum';
  /** Non-cumulative counts per bucket; the last one is `+Inf`. */
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  /**
   * @param bounds upper bounds, ascending (`le`)
   * @throws RangeError when the bounds are not ascending
   */
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    if (bounds.some((b, i) => i > 0 && !(b > bounds[i - 1]))) throw new RangeError(`histogram ${name}: bucket bounds must ascend, got ${bounds.join(', ')}`);
    this.counts = new Float64Array(bounds.length + 1);
    // The registry only reads name, help, type, aggregator and get(): the shape of prom-client's metrics.
    registry.registerMetric(this as unknown as Metric);
  }

  /** One observation; a value above every bound counts in `+Inf` only. Non-finite values are the caller's to leave out. */
  observe(value: number): void {
    const { bounds } = this;
    let i = 0;
    while (i < bounds.length && !(value <= bounds[i])) i++;
    this.counts[i]++;
    this.sum += value;
    this.count++;
  }

  /** The series, cumulative, as prom-client's `Histogram.get()` lists them. */
  get(): { name: string; help: string; type: 'histogram'; aggregator: Aggregator; values: SeriesValue[] } {
    const bucket = `${this.name}_bucket`;
    const values: SeriesValue[] = [];
    let cumulative = 0;
    this.bounds.forEach((le, i) => {
      cumulative += this.counts[i];
      values.push({ labels: { le }, value: cumulative, metricName: bucket, exemplar: null });
    });
    values.push(
      { labels: { le: '+Inf' }, value: this.count, metricName: bucket, exemplar: null },
      { labels: {}, value: this.sum, metricName: `${this.name}_sum` },
      { labels: {}, value: this.count, metricName: `${this.name}_count` },
    );
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}
