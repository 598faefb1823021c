import path from 'node:path';
import { loadModel, type LoadedModel } from '../../src/adapter/load-model';
import { createContainer, TOKENS } from '../../src/container';
import { silentLogger } from '../../src/logger';

/** The repository's saved_models/ folder. */
export const SAVED_MODELS = path.resolve(__dirname, '..', '..', 'saved_models');

/** Loads a bundled model (`saved_models/<name>`) in-process, as `crs-ml-server --models` would. */
export function loadBundled(name: string): Promise<LoadedModel> {
  const container = createContainer({ logger: silentLogger });
  return loadModel({
    modelsDir: path.join(SAVED_MODELS, name),
    adapters: container.resolve(TOKENS.AdapterRegistry),
    extractors: container.resolve(TOKENS.ExtractorRegistry),
    logger: silentLogger,
  });
}
