import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { AggregatorRegistry, Counter, Gauge, Registry } from 'prom-client';
import { UsageError } from '../errors';
import type { Logger } from '../logger';
import { EXIT_GRACE_EXCEEDED, isOurs, type PrimaryToWorker, type WorkerToPrimary } from './cluster-ipc';
import { METRIC_PREFIX } from '../metrics/metrics';
import type { ReloadOutcome } from '../reload/model-holder';

export interface PrimaryOptions {
  readonly workers: number;
  /** The worker's entry script and the environment that carries its options. */
  readonly exec: string;
  readonly env: Readonly<Record<string, string>>;
  readonly host: string;
  readonly shutdownGraceMs: number;
  readonly logger: Logger;
  readonly exit?: (code: number) => void;
}

/** `--workers auto` is one worker per core the process may use. */
export function parseWorkers(value: string): number {
  if (value === 'auto') return availableParallelism();
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || n > 1024) throw new UsageError(`--workers must be a number from 1 to 1024 or "auto", got "${value}"`);
  return n;
}

/**
 * The `--workers N` primary: forks N workers that each load the model and serve one shared port
 * (node:cluster hands connections out round-robin), and loads no model itself.
 *
 * - SIGHUP or a worker's `/admin/reload` reloads every worker; the answer lists each outcome.
 * - SIGTERM/SIGINT drains every worker; the primary exits with the worst worker code (2 when a
 *   grace period cut requests off).
 * - A worker that dies while serving is replaced and counted (`crs_ml_worker_restarts_total`);
 *   one that dies before it ever served (the model cannot load) stops the whole server.
 * - `/metrics` in any worker is every worker's metrics summed (prom-client's AggregatorRegistry)
 *   plus the primary's own.
 */
export function runPrimary(options: PrimaryOptions): Promise<void> {
  const { logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const aggregator = new AggregatorRegistry();
  const own = new Registry();
  const restarts = new Counter({ name: `${METRIC_PREFIX}worker_restarts_total`, help: 'Workers that died and were replaced', registers: [own] });
  const alive = new Gauge({ name: `${METRIC_PREFIX}workers`, help: 'Workers running', registers: [own] });
  restarts.inc(0);
  cluster.setupPrimary({ exec: options.exec, args: [], silent: false });

  const ready = new Set<number>();
  const everServed = new Set<number>();
  let stopping = false;
  let announced = false;
  let worstCode = 0;
  let nextReload = 0;
  const reloads = new Map<number, { outcomes: ReloadOutcome[]; waiting: number; done: (o: ReloadOutcome[]) => void }>();

  const fork = (): Worker => cluster.fork(options.env);
  const broadcast = (message: PrimaryToWorker) => {
    for (const worker of Object.values(cluster.workers ?? {})) if (worker?.isConnected()) worker.send(message);
  };
  const reloadAll = (): Promise<ReloadOutcome[]> =>
    new Promise((done) => {
      const id = nextReload++;
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && w.isConnected() && ready.has(w.id));
      if (workers.length === 0) return done([{ ok: false, reason: 'no worker is serving yet' }]);
      reloads.set(id, { outcomes: [], waiting: workers.length, done });
      for (const worker of workers) worker.send({ type: 'crs-ml:reload', id } satisfies PrimaryToWorker);
    });
  const metricsText = async () => `${await aggregator.clusterMetrics()}\n${await own.metrics()}`;

  return new Promise((resolve) => {
    cluster.on('message', (worker: Worker, message: unknown) => {
      if (!isOurs(message)) return;
      const m = message as WorkerToPrimary;
      if (m.type === 'crs-ml:ready') {
        ready.add(worker.id);
        everServed.add(worker.id);
        alive.set(ready.size);
        if (ready.size === options.workers && !stopping && !announced) {
          announced = true;
          logger.info(`serving ${m.summary} with ${options.workers} workers on http://${options.host}:${m.port}/`);
          resolve();
        }
      } else if (m.type === 'crs-ml:reloaded') {
        const pending = reloads.get(m.id);
        if (pending === undefined) return;
        pending.outcomes.push(m.outcome);
        if (--pending.waiting === 0) {
          reloads.delete(m.id);
          pending.done(pending.outcomes);
        }
      } else if (m.type === 'crs-ml:ask') {
        const answer = m.ask === 'reload' ? reloadAll() : metricsText();
        answer.then(
          (value) => worker.isConnected() && worker.send({ type: 'crs-ml:answer', id: m.id, value } satisfies PrimaryToWorker),
          (error: Error) => worker.isConnected() && worker.send({ type: 'crs-ml:answer', id: m.id, value: undefined, error: error.message } satisfies PrimaryToWorker),
        );
      }
    });

    cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
      ready.delete(worker.id);
      alive.set(ready.size);
      // A reload waiting on this worker would wait forever.
      for (const [id, pending] of reloads) {
        pending.outcomes.push({ ok: false, reason: `worker ${worker.process.pid} exited during the reload` });
        if (--pending.waiting === 0) (reloads.delete(id), pending.done(pending.outcomes));
      }
      if (stopping) {
        worstCode = Math.max(worstCode, code ?? 1);
        if (Object.keys(cluster.workers ?? {}).length === 0) exit(worstCode);
        return;
      }
      if (!everServed.has(worker.id)) {
        logger.error(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}) before serving; stopping (see its error above)`);
        stopping = true;
        worstCode = 1;
        broadcast({ type: 'crs-ml:shutdown', signal: 'a worker failed to start' });
        if (Object.keys(cluster.workers ?? {}).length === 0) exit(1);
        return;
      }
      restarts.inc();
      logger.warn(`worker ${worker.process.pid} died (${signal ?? `code ${code}`}); starting a replacement`);
      fork();
    });

    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      logger.info(`${signal}: draining ${Object.keys(cluster.workers ?? {}).length} workers`);
      broadcast({ type: 'crs-ml:shutdown', signal });
      // A worker that hangs is killed once its own grace period is long past.
      setTimeout(() => {
        worstCode = Math.max(worstCode, EXIT_GRACE_EXCEEDED);
        for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGKILL');
      }, options.shutdownGraceMs + 5_000).unref();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.on('SIGHUP', () => {
      logger.info('SIGHUP: reloading the model in every worker');
      void reloadAll().then((outcomes) => {
        const failed = outcomes.filter((o) => !o.ok).length;
        if (failed > 0) logger.error(`reload failed in ${failed} of ${outcomes.length} workers; they keep their previous model`);
      });
    });

    for (let i = 0; i < options.workers; i++) fork();
  });
}
