import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { isPromiseLike, judgeNowOf, type LoadedModel } from '../adapter/load-model';
import type { Decision } from '../adapter/model-adapter';
import type { MlRequest } from '../contract/ml-request';
import { describeError } from '../errors';
import type { Logger } from '../logger';
import type { ModelIdentity, ServerMetrics } from '../metrics/metrics';

/** How one reload ended: the model now serving, or why the old one still is. */
export type ReloadOutcome = { readonly ok: true; readonly summary: string } | { readonly ok: false; readonly reason: string };

export interface ModelHolderOptions {
  /** Loads and warms up a model from the models folder as it is now (the manifest is read anew). */
  readonly load: () => Promise<LoadedModel>;
  readonly modelsDir: string;
  readonly logger: Logger;
  readonly metrics?: ServerMetrics;
}

/** One loaded model and the requests it is still judging. */
interface Serving {
  readonly model: LoadedModel;
  view: LoadedModel;
  inFlight: number;
  retired: boolean;
}

/**
 * Holds the model being served and swaps it atomically on reload (KServe's lifecycle: load, warm
 * up, serve, dispose). A reload loads and warms the new model beside the old one; only a fully
 * loaded model is ever handed out, and the old one keeps serving if the new one fails. A request
 * keeps the model it started with; a retired model is disposed once its last request is answered.
 *
 * Reloads never overlap: a reload asked for while one runs waits for it, then loads again (the
 * files may have changed since the running one read them); further asks share that second load.
 */
export class ModelHolder {
  private serving: Serving | undefined;
  private running: Promise<ReloadOutcome> | undefined;
  private queued: Promise<ReloadOutcome> | undefined;

  constructor(private readonly options: ModelHolderOptions) {}

  /** The model to judge with now; undefined before the first load. Read once per request. */
  get current(): LoadedModel | undefined {
    return this.serving?.view;
  }

  /** Loads the first model; throws what the loader throws (startup stops on it). */
  async start(): Promise<LoadedModel> {
    const loading = this.loadServing();
    // A reload asked for while the first model loads (SIGHUP at startup) runs after it.
    this.running = loading.then(
      (serving): ReloadOutcome => ({ ok: true, summary: serving.model.summary }),
      (error: unknown): ReloadOutcome => ({ ok: false, reason: describeError(error) }),
    );
    void this.running.finally(() => (this.running = undefined));
    const serving = await loading;
    this.serving = serving;
    return serving.view;
  }

  /** Loads the models folder again and swaps; resolves (never rejects) with the outcome. */
  reload(): Promise<ReloadOutcome> {
    if (this.running === undefined) {
      this.running = this.swap().finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued ??= this.running.then(() => {
      this.queued = undefined;
      return this.reload();
    });
    return this.queued;
  }

  /** Stops serving: disposes the current model once its in-flight requests are answered. */
  async dispose(): Promise<void> {
    await this.running;
    const serving = this.serving;
    this.serving = undefined;
    if (serving !== undefined) await this.retire(serving);
  }

  private async swap(): Promise<ReloadOutcome> {
    const { logger, metrics } = this.options;
    let next: Serving;
    try {
      next = await this.loadServing();
    } catch (error) {
      metrics?.reloaded(false);
      const reason = describeError(error);
      logger.error(`reload failed, still serving ${this.serving?.model.summary ?? 'nothing'}: ${reason}`);
      return { ok: false, reason };
    }
    const previous = this.serving;
    this.serving = next;
    metrics?.reloaded(true);
    logger.info(`reloaded: now serving ${next.model.summary}`);
    if (previous !== undefined) void this.retire(previous);
    return { ok: true, summary: next.model.summary };
  }

  private async loadServing(): Promise<Serving> {
    const started = performance.now();
    const model = await this.options.load();
    const identity = await identify(model, this.options.modelsDir);
    this.options.metrics?.modelLoaded(identity, (performance.now() - started) / 1000);
    return serving(model, this.options.metrics);
  }

  private async retire(old: Serving): Promise<void> {
    old.retired = true;
    if (old.inFlight === 0) await disposeQuietly(old, this.options.logger);
  }
}

/** A view of `model` whose `judge` and `judgeNow` count in-flight requests and record metrics. */
function serving(model: LoadedModel, metrics: ServerMetrics | undefined): Serving {
  const entry: Serving = { model, inFlight: 0, retired: false, view: model };
  /** The request is answered (or failed): the model may be disposed if it was retired meanwhile. */
  const done = (): void => {
    if (--entry.inFlight === 0 && entry.retired) void disposeQuietly(entry, undefined);
  };
  const scored = (decision: Decision, started: number): Decision => {
    try {
      metrics?.scored(decision, (performance.now() - started) / 1000);
    } finally {
      done();
    }
    return decision;
  };
  const failed = (error: unknown): never => {
    done();
    throw error;
  };
  // Synchronous when the model answers synchronously: no promise, no microtask (the hot path).
  const judgeNow = (request: MlRequest): Decision | PromiseLike<Decision> => {
    entry.inFlight++;
    const started = performance.now();
    let outcome: Decision | PromiseLike<Decision>;
    try {
      outcome = judgeNowOf(model, request);
    } catch (error) {
      return failed(error);
    }
    return isPromiseLike(outcome) ? Promise.resolve(outcome).then((decision) => scored(decision, started), failed) : scored(outcome, started);
  };
  entry.view = { ...model, judge: async (request) => judgeNow(request), judgeNow };
  return entry;
}

async function disposeQuietly(entry: Serving, logger: Logger | undefined): Promise<void> {
  try {
    await entry.model.dispose();
  } catch (error) {
    logger?.warn(`disposing the previous model failed: ${describeError(error)}`);
  }
}

/** Name, adapter and the sha256 of the model file, for the `crs_ml_model_info` gauge. */
async function identify(model: LoadedModel, modelsDir: string): Promise<ModelIdentity> {
  const { manifest } = model;
  const name = manifest.name ?? path.basename(modelsDir);
  if (manifest.model === undefined) return { name, adapter: manifest.adapter, sha256: 'none' };
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path.resolve(modelsDir, manifest.model))) hash.update(chunk as Buffer);
  return { name, adapter: manifest.adapter, sha256: hash.digest('hex') };
}
