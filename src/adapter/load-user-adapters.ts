import { readdirSync, readFileSync, statSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { AdapterError, ModelLoadError, describeError } from '../errors';
import type { ExtractorRegistry } from '../features/extractor-registry';
import type { FeatureExtractor } from '../features/feature-extractor';
import type { Logger } from '../logger';
import type { AdapterRegistry } from './adapter-registry';
import type { AdapterContext, ModelAdapter, ModelAdapterClass } from './model-adapter';

/** `.js`/`.cjs` run as CommonJS; `.ts`/`.cts` are transpiled first. Declaration files are skipped. */
const ADAPTER_FILE = /^(?!.*\.d\.c?ts$).*\.(c?js|c?ts)$/;
const TYPESCRIPT_FILE = /\.c?ts$/;
const REQUIRED_METHODS = ['describe', 'load', 'score'] as const;

/** The package name user adapters import the SDK by; they get this running server's copy. */
export const SDK_MODULE = 'crs-ml-server';

/**
 * Loads user adapters and registers every adapter class they export (any exported class with a
 * static `adapterName`) through the same registry as the built-ins.
 *
 * `target` is a folder (every `.js`, `.cjs`, `.ts`, `.cts` file in it, sorted; not recursive, so
 * helpers can live in a subfolder) or a single file. TypeScript files are transpiled in memory
 * with the `typescript` package found from the file's folder (or this package's); no type-checking
 * happens at load time. `require('crs-ml-server')` inside an adapter file returns this server's own
 * SDK, so `instanceof` and error classes match even when the package is not installed next to it.
 *
 * A class's `load` is wrapped so that a failure names the file it came from. Exported feature
 * extractors (objects with `name`, `featureNames` and `extract`) are registered into `extractors`
 * the same way, so a custom extractor ships beside the adapter that reads it.
 *
 * @returns the registered adapter and extractor names
 * @throws AdapterError naming the file and the cause: unreadable path, syntax error, a file that
 * exports no adapter class, a class missing `describe`/`load`/`score`, a duplicate name
 */
export function loadUserAdapters(target: string, registry: AdapterRegistry, logger: Logger, extractors?: ExtractorRegistry): string[] {
  const registered: string[] = [];
  for (const file of adapterFiles(path.resolve(target))) {
    const exported = loadModuleFile(file);
    const candidates = typeof exported === 'function' ? [exported] : Object.values(exported as Record<string, unknown>);
    const classes = [...new Set(candidates.filter(isAdapterClass))];
    const featureExtractors = extractors === undefined ? [] : [...new Set(candidates.filter(isFeatureExtractor))];
    for (const extractor of featureExtractors) {
      try {
        extractors!.add(extractor);
      } catch (cause) {
        throw new AdapterError(`user adapter ${file}: ${describeError(cause)}`, { cause });
      }
      registered.push(extractor.name);
      logger.info(`registered user feature extractor "${extractor.name}" from ${file}`);
    }
    if (classes.length === 0 && featureExtractors.length === 0) {
      throw new AdapterError(
        `user adapter ${file} exports no adapter class (a class with a static "adapterName") nor feature extractor. ` +
          'Export one, e.g. `module.exports = { MyAdapter }` or `export class MyAdapter`; keep helper modules in a subfolder.',
      );
    }
    for (const adapterClass of classes) {
      const missing = REQUIRED_METHODS.filter((method) => typeof adapterClass.prototype?.[method] !== 'function');
      if (missing.length > 0) {
        throw new AdapterError(
          `user adapter ${file}: class ${adapterClass.name || adapterClass.adapterName} lacks ${missing.map((m) => `${m}()`).join(', ')}; ` +
            'an adapter needs describe(), load(context) and score(batch) (see docs/sdk.md).',
        );
      }
      try {
        registry.add(withSourceFile(adapterClass, file));
      } catch (cause) {
        throw new AdapterError(`user adapter ${file}: ${describeError(cause)}`, { cause });
      }
      registered.push(adapterClass.adapterName);
      logger.info(`registered user adapter "${adapterClass.adapterName}" from ${file}`);
    }
  }
  return registered;
}

function adapterFiles(target: string): string[] {
  try {
    if (statSync(target).isFile()) return [target];
    return readdirSync(target, { withFileTypes: true })
      .filter((entry) => entry.isFile() && ADAPTER_FILE.test(entry.name))
      .map((entry) => path.join(target, entry.name))
      .sort();
  } catch (cause) {
    throw new AdapterError(`cannot read the user adapters at ${target}: ${describeError(cause)}`, { cause });
  }
}

/** Compiles one file as a CommonJS module of its own, with `crs-ml-server` mapped to this SDK. */
function loadModuleFile(file: string): unknown {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new AdapterError(`cannot read user adapter ${file}: ${describeError(cause)}`, { cause });
  }
  const code = TYPESCRIPT_FILE.test(file) ? transpile(source, file) : source;
  const internals = Module as unknown as { _nodeModulePaths(dir: string): string[] };
  const userModule = new Module(file, module) as Module & { _compile(code: string, file: string): void };
  userModule.filename = file;
  userModule.paths = internals._nodeModulePaths(path.dirname(file));
  const plainRequire = userModule.require.bind(userModule);
  userModule.require = Object.assign(
    (id: string) => (id === SDK_MODULE ? require('../index') : plainRequire(id)),
    plainRequire,
  ) as NodeJS.Require;
  try {
    userModule._compile(code, file);
  } catch (cause) {
    throw new AdapterError(`user adapter ${file} could not be loaded: ${where(cause, file)}${explain(cause)}`, { cause });
  }
  userModule.loaded = true;
  return userModule.exports;
}

/** Transpiles TypeScript to CommonJS with the installed `typescript`; syntax errors stop the load. */
function transpile(source: string, file: string): string {
  let ts: typeof import('typescript');
  try {
    ts = require(require.resolve('typescript', { paths: [path.dirname(file), __dirname] })) as typeof import('typescript');
  } catch (cause) {
    throw new AdapterError(
      `user adapter ${file} is TypeScript, but the "typescript" package cannot be found from ${path.dirname(file)}. ` +
        'Install it (`npm install --save-dev typescript`) or compile the adapter to .js.',
      { cause },
    );
  }
  const output = ts.transpileModule(source, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      inlineSourceMap: true,
    },
  });
  const errors = (output.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const first = errors[0];
    const at = first.file && first.start !== undefined ? first.file.getLineAndCharacterOfPosition(first.start) : undefined;
    const location = at ? `${file}:${at.line + 1}:${at.character + 1}` : file;
    throw new AdapterError(`user adapter ${location} has a syntax error: ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}`);
  }
  return output.outputText;
}

/** `file:line: ` from a SyntaxError's stack, whose first line V8 sets to the failing location. */
function where(error: unknown, file: string): string {
  const { name, stack } = (error ?? {}) as { name?: unknown; stack?: unknown };
  const first = name === 'SyntaxError' && typeof stack === 'string' ? stack.split('\n', 1)[0] : undefined;
  return first !== undefined && first.startsWith(`${file}:`) ? `${first}: ` : '';
}

/**
 * describeError, also for errors from another realm (jest runs tests in a vm context, and user
 * files compiled here belong to the main one), where `instanceof Error` is false.
 */
function explain(error: unknown): string {
  if (error instanceof Error || typeof (error as { message?: unknown } | null)?.message !== 'string') return describeError(error);
  const { message, cause } = error as { message: string; cause?: unknown };
  return cause === undefined ? message : `${message}. Reason: ${explain(cause)}`;
}

/** Same class and name, but a failing `load` names the file the adapter came from. */
function withSourceFile(adapterClass: ModelAdapterClass, file: string): ModelAdapterClass {
  const Base = adapterClass as new () => ModelAdapter;
  const traced = class extends Base {
    static readonly adapterName = adapterClass.adapterName;
    override async load(context: AdapterContext): Promise<void> {
      try {
        await super.load(context);
      } catch (cause) {
        throw new ModelLoadError(`user adapter "${adapterClass.adapterName}" (${file}) failed in load(): ${explain(cause)}`, { cause });
      }
    }
  };
  Object.defineProperty(traced, 'name', { value: adapterClass.name });
  return traced;
}

function isAdapterClass(value: unknown): value is ModelAdapterClass {
  return typeof value === 'function' && typeof (value as { adapterName?: unknown }).adapterName === 'string';
}

function isFeatureExtractor(value: unknown): value is FeatureExtractor {
  const candidate = value as Partial<FeatureExtractor> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    Array.isArray(candidate.featureNames) &&
    typeof candidate.extract === 'function'
  );
}
