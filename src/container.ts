import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { OipAdapter } from '../adapters/oip/oip-adapter';
import { OnnxAdapter } from '../adapters/onnx/onnx-adapter';
import { RandomAdapter } from '../adapters/random/random-adapter';
import { SklearnAdapter } from '../adapters/sklearn/sklearn-adapter';
import { XGBoostAdapter } from '../adapters/xgboost/xgboost-adapter';
import { CrsStackAdapter } from '../adapters/crs-stack/crs-stack-adapter';
import { AdapterRegistry } from './adapter/adapter-registry';
import type { ModelAdapterClass } from './adapter/model-adapter';
import { ExtractorRegistry } from './features/extractor-registry';
import type { FeatureExtractor } from './features/feature-extractor';
import { builtInExtractors } from './features';
import { createLogger, type Logger, type LogFormat, type LogLevel } from './logger';

/** Injection tokens: interfaces are bound to symbols, never to strings. */
export const TOKENS = {
  Logger: Symbol('Logger'),
  AdapterRegistry: Symbol('AdapterRegistry'),
  ExtractorRegistry: Symbol('ExtractorRegistry'),
} as const;

/** Adapters that ship with the server (top-level `adapters/`). */
export const BUILT_IN_ADAPTERS: readonly ModelAdapterClass[] = [RandomAdapter, OnnxAdapter, SklearnAdapter, XGBoostAdapter, OipAdapter, CrsStackAdapter];

/** Feature extractors that ship with the server (`src/features/`). */
export const BUILT_IN_EXTRACTORS: readonly FeatureExtractor[] = [...builtInExtractors];

export interface ContainerOptions {
  readonly logLevel?: LogLevel;
  readonly logFormat?: LogFormat;
  readonly logger?: Logger;
}

/**
 * A child container holding fresh registries filled with the built-ins. Nothing is registered in
 * the global container, so tests and embedders can build as many as they like and swap pieces.
 */
export function createContainer(options: ContainerOptions = {}): DependencyContainer {
  const child = rootContainer.createChildContainer();
  const adapters = new AdapterRegistry();
  for (const adapterClass of BUILT_IN_ADAPTERS) adapters.add(adapterClass);
  const extractors = new ExtractorRegistry();
  for (const extractor of BUILT_IN_EXTRACTORS) extractors.add(extractor);
  child.registerInstance(TOKENS.Logger, options.logger ?? createLogger(options.logLevel ?? 'info', { format: options.logFormat }));
  child.registerInstance(TOKENS.AdapterRegistry, adapters);
  child.registerInstance(TOKENS.ExtractorRegistry, extractors);
  return child;
}
