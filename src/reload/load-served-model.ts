import path from 'node:path';
import type { AdapterRegistry } from '../adapter/adapter-registry';
import { loadModel, type LoadedModel } from '../adapter/load-model';
import { loadUserAdapters } from '../adapter/load-user-adapters';
import { readManifest } from '../adapter/manifest';
import { createContainer, TOKENS } from '../container';
import type { ExtractorRegistry } from '../features/extractor-registry';
import type { Logger } from '../logger';

export interface ServedModelSource {
  /** Folder holding manifest.json (read anew on every load). */
  readonly modelsDir: string;
  /** `--adapters`: folder or file of user adapters. */
  readonly adapters?: string;
  /** Overrides the manifest's `name` (`--model-name`). */
  readonly name?: string;
  readonly logger: Logger;
}

/**
 * Loads what `serve` serves: user adapters (`--adapters` and the manifest's `adapters`) and the
 * manifest's model, warmed up. Each load gets fresh registries from a new container, so a reload
 * can register the same user adapter names again and a failed load leaves nothing behind.
 */
export async function loadServedModel(source: ServedModelSource): Promise<LoadedModel> {
  const { logger } = source;
  const container = createContainer({ logger });
  const adapters = container.resolve<AdapterRegistry>(TOKENS.AdapterRegistry);
  const extractors = container.resolve<ExtractorRegistry>(TOKENS.ExtractorRegistry);
  const modelsDir = path.resolve(source.modelsDir);
  const manifest = readManifest(modelsDir);
  if (source.adapters !== undefined) loadUserAdapters(source.adapters, adapters, logger, extractors);
  if (manifest.adapters !== undefined) loadUserAdapters(path.resolve(modelsDir, manifest.adapters), adapters, logger, extractors);
  return loadModel({ modelsDir, adapters, extractors, logger, name: source.name });
}
