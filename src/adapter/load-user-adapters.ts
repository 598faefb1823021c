import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { AdapterError, describeError } from '../errors';
import type { Logger } from '../logger';
import type { AdapterRegistry } from './adapter-registry';
import type { ModelAdapterClass } from './model-adapter';

const ADAPTER_FILE = /\.(c?js)$/;

/**
 * Loads every `*.js` / `*.cjs` file of `dir` and registers the adapter classes it exports (any
 * exported class with a static `adapterName`), through the same registry as the built-ins.
 *
 * @throws AdapterError naming the file and the cause when a file cannot be loaded or exports none
 */
export function loadUserAdapters(dir: string, registry: AdapterRegistry, logger: Logger): string[] {
  const root = path.resolve(dir);
  let entries: string[];
  try {
    if (!statSync(root).isDirectory()) throw new Error('not a directory');
    entries = readdirSync(root).filter((name) => ADAPTER_FILE.test(name)).sort();
  } catch (cause) {
    throw new AdapterError(`cannot read the adapters directory ${root}: ${describeError(cause)}`, { cause });
  }
  const registered: string[] = [];
  for (const name of entries) {
    const file = path.join(root, name);
    let exported: Record<string, unknown>;
    try {
      exported = require(file) as Record<string, unknown>;
    } catch (cause) {
      throw new AdapterError(`user adapter ${file} could not be loaded: ${describeError(cause)}`, { cause });
    }
    const classes = Object.values(exported).filter(isAdapterClass);
    if (classes.length === 0) {
      throw new AdapterError(`user adapter ${file} exports no adapter class (a class with a static "adapterName").`);
    }
    for (const adapterClass of new Set(classes)) {
      try {
        registry.add(adapterClass);
      } catch (cause) {
        throw new AdapterError(`user adapter ${file}: ${describeError(cause)}`, { cause });
      }
      registered.push(adapterClass.adapterName);
      logger.info(`registered user adapter "${adapterClass.adapterName}" from ${file}`);
    }
  }
  return registered;
}

function isAdapterClass(value: unknown): value is ModelAdapterClass {
  return typeof value === 'function' && typeof (value as { adapterName?: unknown }).adapterName === 'string';
}
