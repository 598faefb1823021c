import type { AdapterContext, AdapterDescription, Decision, InputKind, ModelAdapter, ModelAdapterClass } from '../adapter/model-adapter';
import type { MlRequest } from '../contract/ml-request';
import { AdapterError } from '../errors';

/** What `this` is inside a defined adapter's methods: the instance, its context, and your own fields. */
export type DefinedAdapter<Input, State extends object> = ModelAdapter<Input> & State & {
  /** Set before `load` runs. */
  context: AdapterContext;
};

/**
 * An adapter written as one object literal: its name, what it reads, what its score means, and the
 * lifecycle methods. Only `score` is required. Inside each method `this` is the adapter instance:
 * keep per-model state on it (`this.weights = ...` in `load`).
 *
 * @typeParam Input one row of `score`'s batch (`number[]` for `features`, `string` for `text`,
 * `MlRequest` for `request`, or your own type when you write `toInput`)
 * @typeParam State the fields you keep on `this`
 */
export interface AdapterDefinition<Input = unknown, State extends object = object> {
  /** Registry name, as a manifest's `adapter` field names it. */
  readonly name: string;
  /** What the server feeds `score` when you write no `toInput`. */
  readonly inputKind: InputKind;
  /** What the score means, for logs and `GET /info`: "rule points: higher is worse". */
  readonly output: string;
  /** With `decide`: the rule in words, shown by `GET /info` instead of the manifest's threshold. */
  readonly decision?: string;
  load?(this: DefinedAdapter<Input, State>, context: AdapterContext): Promise<void> | void;
  warmUp?(this: DefinedAdapter<Input, State>): Promise<void> | void;
  toInput?(this: DefinedAdapter<Input, State>, request: MlRequest): Input;
  score(this: DefinedAdapter<Input, State>, batch: readonly Input[]): Promise<ArrayLike<number>> | ArrayLike<number>;
  decide?(this: DefinedAdapter<Input, State>, score: number): Decision;
  dispose?(this: DefinedAdapter<Input, State>): Promise<void> | void;
}

const OPTIONAL_HOOKS = ['warmUp', 'toInput', 'decide', 'dispose'] as const;

/**
 * Turns an {@link AdapterDefinition} into an adapter class, the same kind of class the built-ins
 * are: register it with `AdapterRegistry.add`, export it from a user adapter file, or pass it to
 * `describeAdapterConformance`. Hooks you leave out stay absent, so the server's defaults apply.
 *
 * @throws AdapterError when the name is empty or `score` is missing
 */
export function defineAdapter<Input = unknown, State extends object = object>(definition: AdapterDefinition<Input, State>): ModelAdapterClass {
  const { name, inputKind, output, decision } = definition;
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new AdapterError(`defineAdapter: "name" must be a registry name like "my-adapter", got ${JSON.stringify(name)}.`);
  }
  if (typeof definition.score !== 'function') throw new AdapterError(`defineAdapter("${name}"): "score" must be a function.`);

  class Defined implements ModelAdapter<Input> {
    static readonly adapterName = name;
    context!: AdapterContext;

    describe(): AdapterDescription {
      return decision === undefined ? { name, inputKind, output } : { name, inputKind, output, decision };
    }

    async load(context: AdapterContext): Promise<void> {
      this.context = context;
      await definition.load?.call(this as unknown as DefinedAdapter<Input, State>, context);
    }

    score(batch: readonly Input[]): Promise<ArrayLike<number>> | ArrayLike<number> {
      return definition.score.call(this as unknown as DefinedAdapter<Input, State>, batch);
    }
  }
  const prototype = Defined.prototype as unknown as Record<string, unknown>;
  for (const hook of OPTIONAL_HOOKS) {
    const method = definition[hook] as ((...args: unknown[]) => unknown) | undefined;
    if (typeof method === 'function') {
      prototype[hook] = function (this: unknown, ...args: unknown[]) {
        return method.apply(this, args);
      };
    }
  }
  Object.defineProperty(Defined, 'name', { value: `${name.replace(/(^|[-._])(\w)/g, (_m, _s, c: string) => c.toUpperCase())}Adapter` });
  return Defined;
}
