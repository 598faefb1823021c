import path from 'node:path';
import { requestText, type MlRequest } from '../contract/ml-request';
import { AdapterError, CrsMlError, ModelLoadError, ScoringError, describeError } from '../errors';
import type { ExtractorRegistry } from '../features/extractor-registry';
import type { FeatureExtractor } from '../features/feature-extractor';
import type { Logger } from '../logger';
import type { AdapterRegistry } from './adapter-registry';
import { decisionRuleOf, describeDecisionRule } from './decision-rule';
import { readManifest, type ModelManifest } from './manifest';
import type { AdapterContext, Decision, InputKind, ModelAdapter } from './model-adapter';

/** A loaded, warmed-up model ready to judge requests. */
export interface LoadedModel {
  /** The manifest's `name`, or the models directory's name: what logs and the OIP front door call it. */
  readonly name: string;
  readonly manifest: ModelManifest;
  readonly adapter: ModelAdapter;
  /** What the adapter reads, as it described itself after loading. */
  readonly inputKind: InputKind;
  /** Column names of a `features` adapter's rows (the manifest's extractor); undefined for other kinds. */
  readonly featureNames: readonly string[] | undefined;
  /** Human summary for the startup line: name, adapter, file, threshold. */
  readonly summary: string;
  /** Scores one request and decides pass or anomaly. */
  judge(request: MlRequest): Promise<Decision>;
  /**
   * `judge` without the promise when the adapter scores synchronously: the decision itself, or a
   * promise of it when the adapter answers with one. Errors are thrown (or the promise rejects)
   * as `judge` rejects. The server's hot path calls it to spare each request a few microtask hops;
   * models built by hand may leave it out (callers then use `judge`).
   */
  judgeNow?(request: MlRequest): Decision | PromiseLike<Decision>;
  /** Scores many requests in one adapter call (batch CLI commands, calibration). */
  judgeBatch(requests: readonly MlRequest[]): Promise<Decision[]>;
  /**
   * Scores inputs that are already in the adapter's own form (feature rows for `features`
   * adapters), skipping `toInput`: how the OIP front door serves FP32/FP64 tensors.
   */
  judgeInputs(inputs: readonly unknown[]): Promise<Decision[]>;
  dispose(): Promise<void>;
}

export interface LoadModelOptions {
  readonly modelsDir: string;
  readonly adapters: AdapterRegistry;
  readonly extractors: ExtractorRegistry;
  readonly logger: Logger;
  /** Overrides the manifest's `name` (KServe passes the InferenceService's name). */
  readonly name?: string;
}

/**
 * Reads `<modelsDir>/manifest.json`, instantiates the adapter it names, loads and warms it up.
 * Throws {@link CrsMlError}s whose messages name the file and what to fix.
 */
export async function loadModel(options: LoadModelOptions): Promise<LoadedModel> {
  const modelsDir = path.resolve(options.modelsDir);
  const manifest = readManifest(modelsDir);
  const AdapterClass = options.adapters.get(manifest.adapter);
  const adapter = new AdapterClass();
  const context = buildContext(manifest, modelsDir, options);

  try {
    await adapter.load(context);
    await adapter.warmUp?.();
  } catch (cause) {
    if (cause instanceof CrsMlError) throw cause;
    throw new ModelLoadError(
      `adapter "${manifest.adapter}" failed to load ${context.modelPath ?? 'its model'}: ${describeError(cause)}`,
      { cause },
    );
  }

  // Described after loading: an adapter may learn its input kind from the model file.
  const description = adapter.describe();
  const toInput = adapter.toInput?.bind(adapter) ?? defaultToInput(description.inputKind, context);
  const decide = adapter.decide?.bind(adapter) ?? thresholdDecision(manifest);
  const fail = (cause: unknown): never => {
    if (cause instanceof CrsMlError) throw cause;
    throw new ScoringError(`adapter "${manifest.adapter}" failed to score: ${describeError(cause)}`, { cause });
  };
  const checked = (scores: ArrayLike<number>, count: number): ArrayLike<number> => {
    if (scores.length !== count) throw new ScoringError(`adapter "${manifest.adapter}" returned ${scores.length} scores for ${count} inputs.`);
    return scores;
  };
  /** The adapter's scores for `count` inputs; a synchronous adapter is not made to wait a microtask per request. */
  const scoresOf = (count: number, inputs: () => readonly unknown[]): ArrayLike<number> | Promise<ArrayLike<number>> => {
    try {
      const scores = adapter.score(inputs());
      return isPromiseLike(scores) ? Promise.resolve(scores).then((s) => checked(s, count), fail) : checked(scores, count);
    } catch (cause) {
      return fail(cause);
    }
  };
  const scoreInputs = async (inputs: readonly unknown[]): Promise<Decision[]> => {
    const scores = scoresOf(inputs.length, () => inputs);
    return Array.from(isPromiseLike(scores) ? await scores : scores, (score) => decide(score));
  };
  const scoreBatch = async (requests: readonly MlRequest[]): Promise<Decision[]> => {
    const scores = scoresOf(requests.length, () => requests.map(toInput));
    return Array.from(isPromiseLike(scores) ? await scores : scores, (score) => decide(score));
  };
  // The hot path of POST /: one request, no promise unless the adapter makes one.
  const judgeNow = (request: MlRequest): Decision | PromiseLike<Decision> => {
    const scores = scoresOf(1, () => [toInput(request)]);
    return isPromiseLike(scores) ? scores.then((s) => decide(s[0])) : decide(scores[0]);
  };
  const judge = async (request: MlRequest): Promise<Decision> => judgeNow(request);

  const name = options.name ?? manifest.name ?? path.basename(modelsDir);
  const file = context.modelPath ? path.relative(process.cwd(), context.modelPath) || context.modelPath : 'no model file';
  return {
    name,
    manifest,
    adapter,
    inputKind: description.inputKind,
    featureNames: description.inputKind === 'features' ? context.extractor.featureNames : undefined,
    summary:
      `model "${name}" (adapter ${description.name}, ${file}, output ${manifest.output ?? description.output}, ` +
      `${describeDecisionRule(decisionRuleOf(adapter, manifest))})`,
    judge,
    judgeNow,
    judgeBatch: scoreBatch,
    judgeInputs: scoreInputs,
    dispose: async () => {
      await adapter.dispose?.();
    },
  };
}

/** `model.judgeNow(request)` where the model has it, else `model.judge(request)`. */
export function judgeNowOf(model: LoadedModel, request: MlRequest): Decision | PromiseLike<Decision> {
  return model.judgeNow !== undefined ? model.judgeNow(request) : model.judge(request);
}

/** Whether `value` is a promise (or any thenable) rather than the value itself. */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function buildContext(manifest: ModelManifest, modelsDir: string, options: LoadModelOptions): AdapterContext {
  let extractor: FeatureExtractor | undefined;
  return {
    manifest,
    modelsDir,
    modelPath: manifest.model === undefined ? undefined : path.resolve(modelsDir, manifest.model),
    logger: options.logger,
    // Resolved on first use: adapters that do not read features need no extractor.
    get extractor(): FeatureExtractor {
      extractor ??= options.extractors.get(manifest.extractor);
      return extractor;
    },
  };
}

/** The default decision rule of `placeholder.py`: `label = 1 - 2 * (score < threshold)`. */
export function thresholdDecision(manifest: Pick<ModelManifest, 'threshold' | 'anomalyWhen'>): (score: number) => Decision {
  const { threshold } = manifest;
  if (manifest.anomalyWhen === 'above') return (score) => ({ score, anomaly: !(score <= threshold) });
  // NaN is never "fine": `!(score >= threshold)` treats a NaN score as an anomaly.
  return (score) => ({ score, anomaly: !(score >= threshold) });
}

/** What each input kind feeds the model when the adapter has no `toInput` of its own. */
const DEFAULT_INPUTS = new Map<string, (context: AdapterContext) => (request: MlRequest) => unknown>([
  ['features', (context) => (request) => context.extractor.extract(request)],
  ['text', () => requestText],
  ['request', () => (request) => request],
]);

/** The input an adapter without its own `toInput` gets, by its declared input kind. */
export function defaultToInput(kind: string, context: AdapterContext): (request: MlRequest) => unknown {
  const build = DEFAULT_INPUTS.get(kind);
  if (build === undefined) {
    throw new AdapterError(`adapter "${context.manifest.adapter}" declares unknown input kind "${kind}"; use features, text or request.`);
  }
  return build(context);
}
