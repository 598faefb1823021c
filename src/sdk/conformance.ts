import path from 'node:path';
import { readManifest, validateManifest, type ModelManifest } from '../adapter/manifest';
import type { AdapterContext, Decision, ModelAdapter, ModelAdapterClass } from '../adapter/model-adapter';
import { defaultToInput } from '../adapter/load-model';
import { AdapterRegistry } from '../adapter/adapter-registry';
import type { MlRequest } from '../contract/ml-request';
import { createContainer, TOKENS } from '../container';
import type { ExtractorRegistry } from '../features/extractor-registry';
import type { FeatureExtractor } from '../features/feature-extractor';
import { silentLogger, type Logger } from '../logger';

/** What {@link describeAdapterConformance} needs to exercise an adapter. */
export interface ConformanceOptions {
  /** The adapter class under test (a built-in, a user class, or a `defineAdapter` result). */
  readonly adapter: ModelAdapterClass;
  /** Folder the model file is relative to; holds `manifest.json` when `manifest` is omitted. Default: cwd. */
  readonly modelsDir?: string;
  /** The manifest to load with (validated like a file's); default `<modelsDir>/manifest.json`. */
  readonly manifest?: Record<string, unknown> | ModelManifest;
  /** Requests to score: at least one; a few varied ones (benign and attacks) test more. */
  readonly requests: readonly MlRequest[];
  /** Feature extractor for `features` adapters; default: the built-in the manifest names. */
  readonly extractor?: FeatureExtractor;
  /** Largest relative difference allowed between batch and one-by-one scores. Default 1e-9. */
  readonly tolerance?: number;
  readonly logger?: Logger;
  /** Added to the describe block's title, to tell several runs of one adapter apart. */
  readonly title?: string;
}

/**
 * The two test functions the suite uses: jest's globals when present (looked up when called, so the
 * SDK does not depend on jest), else Node's own `node:test` (so `node --test` runs it, no install).
 */
interface JestGlobals {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>): void;
}

/**
 * Declares a `describe` block with the standard adapter suite: call it at the top level of a test
 * file run by jest (or a jest-compatible runner) or by `node --test`. Each check uses fresh instances loaded from the same manifest:
 *
 * - the static `adapterName` is a registry name, `describe()` returns it, a known input kind and an output text;
 * - the class registers in an `AdapterRegistry` and `load` then `warmUp` resolve;
 * - `score` returns one finite number per request, in a single batch call;
 * - scoring the batch gives the scores of one-by-one calls (on a second, fresh instance);
 * - `decide`, when defined, returns `{ score, anomaly: boolean }`;
 * - `dispose`, when defined, resolves.
 *
 * @example
 * describeAdapterConformance({ adapter: MyAdapter, modelsDir: 'saved_models', requests: [benign, attack] });
 */
export function describeAdapterConformance(options: ConformanceOptions): void {
  const { describe, it } = testFunctions();
  const { adapter: AdapterClass, requests } = options;
  if (requests.length === 0) throw new Error('describeAdapterConformance needs at least one request.');
  const tolerance = options.tolerance ?? 1e-9;

  describe(`adapter "${AdapterClass.adapterName}" conformance${options.title === undefined ? '' : ` (${options.title})`}`, () => {
    it('names itself: static adapterName, describe().name, input kind and output', async () => {
      check(/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(AdapterClass.adapterName), `static adapterName "${AdapterClass.adapterName}" is not a registry name`);
      const { adapter } = await loaded(options);
      const description = adapter.describe();
      check(description.name === AdapterClass.adapterName, `describe().name is "${description.name}", adapterName is "${AdapterClass.adapterName}"`);
      check(['features', 'text', 'request'].includes(description.inputKind), `describe().inputKind "${description.inputKind}" is not features, text or request`);
      check(typeof description.output === 'string' && description.output.length > 0, 'describe().output is empty');
      await adapter.dispose?.();
    });

    it('registers in an AdapterRegistry, loads and warms up', async () => {
      const registry = new AdapterRegistry().add(AdapterClass);
      check(registry.get(AdapterClass.adapterName) === AdapterClass, 'the registry does not return the class');
      const { adapter } = await loaded(options);
      await adapter.dispose?.();
    });

    it('scores one finite number per request, in one batch call', async () => {
      const { adapter, inputs } = await loaded(options);
      const scores = Array.from(await adapter.score(inputs));
      check(scores.length === inputs.length, `score() returned ${scores.length} numbers for ${inputs.length} inputs`);
      scores.forEach((score, i) => check(typeof score === 'number' && Number.isFinite(score), `score ${i} is ${score}, not a finite number`));
      await adapter.dispose?.();
    });

    it('scores a batch the same as one request at a time', async () => {
      const batch = await loaded(options);
      const single = await loaded(options);
      const together = Array.from(await batch.adapter.score(batch.inputs));
      const alone: number[] = [];
      for (const input of single.inputs) alone.push(Array.from(await single.adapter.score([input]))[0]);
      together.forEach((score, i) => {
        const gap = Math.abs(score - alone[i]);
        check(gap <= tolerance * Math.max(1, Math.abs(alone[i])), `request ${i}: batch score ${score}, alone ${alone[i]}`);
      });
      await Promise.all([batch.adapter.dispose?.(), single.adapter.dispose?.()]);
    });

    it('decides with a boolean anomaly (when it defines decide)', async () => {
      const { adapter, inputs } = await loaded(options);
      if (adapter.decide !== undefined) {
        for (const score of Array.from(await adapter.score(inputs))) {
          const decision: Decision = adapter.decide(score);
          check(typeof decision.anomaly === 'boolean' && typeof decision.score === 'number', `decide(${score}) returned ${JSON.stringify(decision)}`);
        }
      }
      await adapter.dispose?.();
    });

    it('disposes', async () => {
      const { adapter } = await loaded(options);
      await adapter.dispose?.();
    });
  });
}

/** A fresh instance, loaded and warmed up, with the requests turned into its inputs. */
async function loaded(options: ConformanceOptions): Promise<{ adapter: ModelAdapter; inputs: unknown[] }> {
  const adapter = new options.adapter();
  const context = contextOf(options);
  await adapter.load(context);
  await adapter.warmUp?.();
  const kind = adapter.describe().inputKind;
  const toInput = adapter.toInput?.bind(adapter) ?? defaultToInput(kind, context);
  return { adapter, inputs: options.requests.map(toInput) };
}

function contextOf(options: ConformanceOptions): AdapterContext {
  const modelsDir = path.resolve(options.modelsDir ?? '.');
  const manifest =
    options.manifest === undefined ? readManifest(modelsDir) : validateManifest({ ...options.manifest }, `conformance manifest for ${options.adapter.adapterName}`);
  let extractor = options.extractor;
  return {
    manifest,
    modelsDir,
    modelPath: manifest.model === undefined ? undefined : path.resolve(modelsDir, manifest.model),
    logger: options.logger ?? silentLogger,
    get extractor(): FeatureExtractor {
      extractor ??= createContainer({ logger: silentLogger }).resolve<ExtractorRegistry>(TOKENS.ExtractorRegistry).get(manifest.extractor);
      return extractor;
    },
  };
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`adapter conformance: ${message}`);
}

function testFunctions(): JestGlobals {
  const globals = globalThis as unknown as Partial<JestGlobals>;
  if (typeof globals.describe === 'function' && typeof globals.it === 'function') return globals as JestGlobals;
  return require('node:test') as JestGlobals;
}
