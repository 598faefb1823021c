import path from 'node:path';
import type { Express } from 'express';
import type { AdapterRegistry } from '../../src/adapter/adapter-registry';
import { loadModel, type LoadedModel } from '../../src/adapter/load-model';
import { loadUserAdapters } from '../../src/adapter/load-user-adapters';
import { readManifest } from '../../src/adapter/manifest';
import { createContainer, TOKENS } from '../../src/container';
import type { ExtractorRegistry } from '../../src/features/extractor-registry';
import { silentLogger } from '../../src/logger';
import { createApp } from '../../src/server/create-app';

export const EXAMPLES = path.resolve(__dirname, '../../examples');

/** What the container knows, to decide whether an example can run yet. */
export function builtIns(): { adapters: AdapterRegistry; extractors: ExtractorRegistry } {
  const container = createContainer({ logger: silentLogger });
  return {
    adapters: container.resolve<AdapterRegistry>(TOKENS.AdapterRegistry),
    extractors: container.resolve<ExtractorRegistry>(TOKENS.ExtractorRegistry),
  };
}

/** Loads an example's `saved_models` the way `crs-ml-server serve --models DIR` does, in-process. */
export async function serveExample(example: string): Promise<{ app: Express; model: LoadedModel }> {
  const modelsDir = path.join(EXAMPLES, example, 'saved_models');
  const { adapters, extractors } = builtIns();
  const manifest = readManifest(modelsDir);
  if (manifest.adapters !== undefined) loadUserAdapters(path.resolve(modelsDir, manifest.adapters), adapters, silentLogger);
  const model = await loadModel({ modelsDir, adapters, extractors, logger: silentLogger });
  return { app: createApp({ model: () => model, logger: silentLogger }), model };
}

/** A url-encoded body as the Lua client sends it. */
export function formBody(args: Record<string, string>, requestPath = '/index.php', method = 'GET'): string {
  const fields: Array<[string, string]> = [
    ['method', method],
    ['path', requestPath],
    ['args', JSON.stringify(Object.fromEntries(Object.entries(args).map(([k, v]) => [`ARGS:${k}`, v])))],
    ['files', '{}'],
    ['sizes', '{}'],
    ['hour', '10'],
    ['day', '3'],
  ];
  return fields.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
}
