import type { MlRequest } from '../contract/ml-request';
import type { FeatureExtractor } from '../features/feature-extractor';
import type { Logger } from '../logger';
import type { ModelManifest } from './manifest';

/** What an adapter feeds its model: a feature row, a piece of text, or the whole request. */
export type InputKind = 'features' | 'text' | 'request';

/** How an adapter introduces itself in logs, `GET /info` and `--help`. */
export interface AdapterDescription {
  /** The adapter's registry name, as written in a manifest's `adapter` field. */
  readonly name: string;
  readonly inputKind: InputKind;
  /** What the score means, e.g. "IsolationForest.decision_function: lower is more anomalous". */
  readonly output: string;
  /**
   * For adapters with their own `decide`: the rule in words, for `GET /info` and the startup line
   * (e.g. "anomaly when the predicted label is 'attack'"). Ignored without `decide`.
   */
  readonly decision?: string;
}

/** Everything an adapter may use while loading; built once at startup. */
export interface AdapterContext {
  /** The validated manifest that named this adapter. */
  readonly manifest: ModelManifest;
  /** Absolute path of the manifest's `model` file, or undefined when the manifest names none. */
  readonly modelPath: string | undefined;
  /** Absolute path of the models directory holding the manifest. */
  readonly modelsDir: string;
  /** The extractor named by the manifest (`extractor`), for adapters whose input is features. */
  readonly extractor: FeatureExtractor;
  readonly logger: Logger;
}

/** The verdict for one request: pass (HTTP 200) or anomaly (HTTP 401), with the score behind it. */
export interface Decision {
  readonly score: number;
  readonly anomaly: boolean;
}

/**
 * A model behind the server. Lifecycle: `load` -> `warmUp` (optional) -> `score` (many times,
 * concurrently) -> `dispose` (optional).
 *
 * @typeParam Input what one row of `score`'s batch is; `toInput` builds it from a request.
 */
export interface ModelAdapter<Input = unknown> {
  describe(): AdapterDescription;

  /** Reads the model file and options; throw (ideally a {@link ModelLoadError}) to stop startup. */
  load(context: AdapterContext): Promise<void> | void;

  /** Runs a throw-away prediction so the first real request is not slow. */
  warmUp?(): Promise<void> | void;

  /**
   * Turns a parsed request into one model input. Optional: the server's default calls the
   * manifest's feature extractor for `features` adapters, passes `request.args` values joined by
   * newlines for `text` adapters, and the request itself for `request` adapters.
   */
  toInput?(request: MlRequest): Input;

  /** Scores a batch; returns one number per input, in order. */
  score(batch: readonly Input[]): Promise<ArrayLike<number>> | ArrayLike<number>;

  /**
   * Turns a score into a decision. Optional: the default compares with the manifest's `threshold`
   * on the side given by `anomalyWhen`.
   */
  decide?(score: number): Decision;

  /** Releases native resources (sessions, worker threads). */
  dispose?(): Promise<void> | void;
}

/** A class the registry can instantiate: built-ins and user adapters alike. */
export interface ModelAdapterClass {
  new (): ModelAdapter;
  /** The name manifests use to pick this adapter. */
  readonly adapterName: string;
}
