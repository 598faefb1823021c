import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { Decision } from '../adapter/model-adapter';
import { CrsMlError } from '../errors';
import { statusOfError } from '../server/error-status';
import { CountingHistogram } from './counting-histogram';

/** Every metric name starts with this; docs/operations.md lists them for dashboards. */
export const METRIC_PREFIX = 'crs_ml_';

/**
 * Score buckets that suit both of the usual scales: IsolationForest decision functions and the
 * random stub (around -5..5) and probabilities (0..1).
 */
const SCORE_BUCKETS = [-5, -2, -1, -0.5, -0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 2, 5];

/** Seconds; the plugin's default timeout is 300 ms, so the interesting range is well under it. */
const LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** What a model looks like to the `crs_ml_model_info` gauge. */
export interface ModelIdentity {
  readonly name: string;
  readonly adapter: string;
  /** sha256 of the model file, hex; `none` for adapters without a file. */
  readonly sha256: string;
}

/**
 * The Prometheus metrics of one server process, in their own registry (never prom-client's global
 * one, so tests and embedders can build several). A scored request, the hot path, costs two plain
 * additions and two typed-array histogram counts (src/metrics/counting-histogram.ts); the pass and
 * anomaly counts reach prom-client's counter when it is collected (at scrape time).
 */
export class ServerMetrics {
  readonly registry = new Registry();
  /** Passes and anomalies counted since the last collection. */
  private passes = 0;
  private anomalies = 0;
  private readonly requests = new Counter({
    name: `${METRIC_PREFIX}requests_total`,
    help: 'POST / answers by verdict (pass, anomaly, refused, error) and HTTP status',
    labelNames: ['verdict', 'status'] as const,
    registers: [this.registry],
    collect: () => {
      // Only counts that happened: a series appears once it has one, as with prom-client's own inc().
      if (this.passes > 0) this.pass.inc(this.passes);
      if (this.anomalies > 0) this.anomaly.inc(this.anomalies);
      this.passes = 0;
      this.anomalies = 0;
    },
  });
  private readonly errors = new Counter({
    name: `${METRIC_PREFIX}errors_total`,
    help: 'Refused or failed POST / by error code (docs/errors.md)',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  private readonly scoringSeconds = new CountingHistogram(
    `${METRIC_PREFIX}scoring_duration_seconds`,
    'Time to score and decide one parsed request (adapter input, score, decision)',
    LATENCY_BUCKETS,
    this.registry,
  );
  private readonly scores = new CountingHistogram(
    `${METRIC_PREFIX}score`,
    'Scores the model gave (NaN and infinities are left out)',
    SCORE_BUCKETS,
    this.registry,
  );
  private readonly loadSeconds = new Gauge({
    name: `${METRIC_PREFIX}model_load_seconds`,
    help: 'Time the serving model took to load and warm up',
    aggregator: 'max',
    registers: [this.registry],
  });
  private readonly modelInfo = new Gauge({
    name: `${METRIC_PREFIX}model_info`,
    help: 'The serving model (1 per process serving it; summed across workers)',
    labelNames: ['name', 'adapter', 'sha256'] as const,
    registers: [this.registry],
  });
  private readonly reloads = new Counter({
    name: `${METRIC_PREFIX}reloads_total`,
    help: 'Model reloads by result (ok, failed)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly pass = this.requests.labels('pass', '200');
  private readonly anomaly = this.requests.labels('anomaly', '401');
  private readonly refusedByStatus = new Map<number, ReturnType<Counter<'verdict' | 'status'>['labels']>>();

  /**
   * `worker`: under `--workers`, every series carries a `worker` label (1..N), so the aggregated
   * `/metrics` keeps one series per worker (sum them in PromQL) and shows how load spreads.
   */
  constructor(options: { readonly defaultMetrics?: boolean; readonly worker?: string } = {}) {
    if (options.worker !== undefined) this.registry.setDefaultLabels({ worker: options.worker });
    // Node's own metrics, event-loop lag among them (nodejs_eventloop_lag_seconds and its percentiles).
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
    this.reloads.labels('ok').inc(0);
    this.reloads.labels('failed').inc(0);
  }

  /** One request scored: `seconds` from adapter input to decision. */
  scored(decision: Decision, seconds: number): void {
    if (decision.anomaly) this.anomalies++;
    else this.passes++;
    this.scoringSeconds.observe(seconds);
    if (Number.isFinite(decision.score)) this.scores.observe(decision.score);
  }

  /** One POST / refused (4xx) or failed (5xx), by its error. */
  refused(error: unknown): void {
    const status = statusOfError(error);
    let child = this.refusedByStatus.get(status);
    if (child === undefined) {
      child = this.requests.labels(status >= 500 ? 'error' : 'refused', String(status));
      this.refusedByStatus.set(status, child);
    }
    child.inc();
    this.errors.labels(error instanceof CrsMlError ? error.code : 'INTERNAL').inc();
  }

  /** A model started serving (at startup or by a reload). */
  modelLoaded(identity: ModelIdentity, seconds: number): void {
    this.modelInfo.reset();
    this.modelInfo.labels(identity.name, identity.adapter, identity.sha256).set(1);
    this.loadSeconds.set(seconds);
  }

  reloaded(ok: boolean): void {
    this.reloads.labels(ok ? 'ok' : 'failed').inc();
  }

  /** The exposition text and its content type. */
  async expose(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
