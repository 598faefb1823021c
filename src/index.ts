/**
 * The crs-ml-server SDK: everything needed to serve a model behind the OWASP CRS
 * machine-learning-integration plugin from your own code.
 *
 * - Write an adapter: implement {@link ModelAdapter} (or use {@link defineAdapter}), give the class a
 *   static `adapterName`, and name it in `saved_models/manifest.json`. Lifecycle:
 *   `load` -> `warmUp` -> `score(batch)` (many times) -> `dispose`; hooks `toInput` (request to model
 *   input) and `decide` (score to pass/anomaly).
 * - Test it: {@link describeAdapterConformance} inside a jest file.
 * - Embed the server: {@link createContainer} + {@link loadModel} + {@link createApp}.
 *
 * See docs/sdk.md.
 * @packageDocumentation
 */
import 'reflect-metadata';

// The adapter contract and its lifecycle.
export type {
  AdapterContext,
  AdapterDescription,
  Decision,
  InputKind,
  ModelAdapter,
  ModelAdapterClass,
} from './adapter/model-adapter';
export { ModelManifest, MANIFEST_FILE, readManifest, validateManifest } from './adapter/manifest';
export { loadModel, thresholdDecision, type LoadedModel, type LoadModelOptions } from './adapter/load-model';
export { AdapterRegistry } from './adapter/adapter-registry';
export { loadUserAdapters, SDK_MODULE } from './adapter/load-user-adapters';
export { defineAdapter, type AdapterDefinition, type DefinedAdapter } from './sdk/define-adapter';
export { describeAdapterConformance, type ConformanceOptions } from './sdk/conformance';

// Built-in adapters, to extend (e.g. an OnnxAdapter subclass with its own toInput).
export { OnnxAdapter, type OnnxInput } from '../adapters/onnx/onnx-adapter';
export { RandomAdapter } from '../adapters/random/random-adapter';
export { SklearnAdapter, type SklearnInput } from '../adapters/sklearn/sklearn-adapter';
export { XGBoostAdapter } from '../adapters/xgboost/xgboost-adapter';

// Requests and features.
export type { FieldPairs, MlRequest } from './contract/ml-request';
export { requestToJson } from './contract/ml-request';
export { parseRequestBody } from './contract/parse-request';
export type { FeatureExtractor } from './features/feature-extractor';
export { ExtractorRegistry } from './features/extractor-registry';
export { builtInExtractors, extractWafV1, parseRequestLine, WAF_V1_FEATURE_NAMES, wafV1 } from './features';
export { calibrateScores, scoreRequests, type Calibration } from './calibrate/calibrate';

// Pickle/joblib model files, read safely (docs/pickle.md).
export {
  loadPickle, loadModelBytes, loadModelFile, DEFAULT_PICKLE_LIMITS, createGlobalDoor, PyObject, PyGlobal, NdArray, DType,
  type PickleLimits, type PyValue, type LoadOptions, type GlobalEntry,
} from './pickle';
export { inspectModelFile, type InspectReport } from './pickle/inspect-model';

// scikit-learn estimators evaluated in TypeScript (docs/sklearn.md).
export { buildEstimator, loadEstimator, runMethod, availableMethods, type BuildEstimatorOptions, type MethodOutput } from './sklearn/build-estimator';
export type { Estimator, Label, SklearnMethod } from './sklearn/base';
export { fromRows, type DenseMatrix, type SparseMatrix, type EstimatorInput } from './sklearn/matrix';

// XGBoost models evaluated in TypeScript (docs/xgboost.md).
export { Booster, loadXGBoostModelFile, isXGBoostModelFile, XGBoostModelError, XGBoostUnsupportedError, type BoosterSummary } from './xgboost';

// The server and its wiring.
export { createApp, DEFAULT_MAX_BODY_BYTES, type AppOptions } from './server/create-app';
export { createContainer, BUILT_IN_ADAPTERS, BUILT_IN_EXTRACTORS, TOKENS, type ContainerOptions } from './container';
export { NamedRegistry } from './registry';
export { createLogger, silentLogger, LOG_LEVELS, type Logger, type LogLevel } from './logger';

// Errors: every class has a stable `code` (docs/errors.md).
export * from './errors';
export * from '../adapters/onnx/errors';
export * from './pickle/errors';
export * from './numpy/errors';
