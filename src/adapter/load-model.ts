import path from 'node:path';
import { requestText, type MlRequest } from '../contract/ml-request';
import { AdapterError, CrsMlError, ModelLoadError, ScoringError, describeError } from '../errors';
import type { ExtractorRegistry } from '../features/extractor-registry';
import type { FeatureExtractor } from '../features/feature-extractor';
import type { Logger } from '../logger';
import type { AdapterRegistry } from './adapter-registry';
import { decisionRuleOf, describeDecisionRule } from './decision-rule';
import { readManifest, type ModelManifest } from './manifest';
import type { AdapterContext, Decision, ModelAdapter } from './model-adapter';

/** A loaded, warmed-up model ready to judge requests. */
export interface LoadedModel {
  readonly manifest: ModelManifest;
  readonly adapter: ModelAdapter;
  /** Human summary for the startup line: name, adapter, file, threshold. */
  readonly summary: string;
  /** Scores one request and decides pass or anomaly. */
  judge(request: MlRequest): Promise<Decision>;
  /** Scores many requests in one adapter call (batch CLI commands, calibration). */
  judgeBatch(requests: readonly MlRequest[]): Promise<Decision[]>;
  dispose(): Promise<void>;
}

export interface LoadModelOptions {
  readonly modelsDir: string;
  readonly adapters: AdapterRegistry;
  readonly extractors: ExtractorRegistry;
  readonly logger: Logger;
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
  const scoreBatch = async (requests: readonly MlRequest[]): Promise<Decision[]> => {
    let scores: ArrayLike<number>;
    try {
      scores = await adapter.score(requests.map(toInput));
    } catch (cause) {
      if (cause instanceof CrsMlError) throw cause;
      throw new ScoringError(`adapter "${manifest.adapter}" failed to score: ${describeError(cause)}`, { cause });
    }
    if (scores.length !== requests.length) {
      throw new ScoringError(`adapter "${manifest.adapter}" returned ${scores.length} scores for ${requests.length} inputs.`);
    }
    return Array.from(scores, (score) => decide(score));
  };

  const name = manifest.name ?? path.basename(modelsDir);
  const file = context.modelPath ? path.relative(process.cwd(), context.modelPath) || context.modelPath : 'no model file';
  return {
    manifest,
    adapter,
    summary:
      `model "${name}" (adapter ${description.name}, ${file}, output ${manifest.output ?? description.output}, ` +
      `${describeDecisionRule(decisionRuleOf(adapter, manifest))})`,
    judge: async (request) => (await scoreBatch([request]))[0],
    judgeBatch: scoreBatch,
    dispose: async () => {
      await adapter.dispose?.();
    },
  };
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
