import { XGBoostModelError } from './errors';
import type { ModelValue } from './ubjson';

/** A JSON/UBJSON object of an XGBoost document. */
export type ModelObject = { readonly [key: string]: ModelValue };

/**
 * Typed access to one object of an XGBoost model document; every getter names the path
 * (`learner.learner_model_param.num_class`) and the file in its error. XGBoost writes most
 * parameters as strings ("5E-1", "3"): `numberParam` reads both forms.
 */
export class Fields {
  constructor(
    readonly object: ModelObject,
    /** Dotted path of this object, for messages. */
    readonly path: string,
    readonly source: string,
  ) {}

  static root(value: ModelValue, source: string): Fields {
    if (!isObject(value)) throw new XGBoostModelError(`${source}: the document is not a JSON object; is it an XGBoost model (Booster.save_model)?`);
    return new Fields(value, '', source);
  }

  has(name: string): boolean {
    return Object.hasOwn(this.object, name) && this.object[name] !== null;
  }

  raw(name: string): ModelValue {
    if (!Object.hasOwn(this.object, name)) throw this.error(name, 'is missing');
    return this.object[name];
  }

  child(name: string): Fields {
    const value = this.raw(name);
    if (!isObject(value)) throw this.error(name, `should be an object, got ${describe(value)}`);
    return new Fields(value, this.at(name), this.source);
  }

  string(name: string): string {
    const value = this.raw(name);
    if (typeof value !== 'string') throw this.error(name, `should be a string, got ${describe(value)}`);
    return value;
  }

  /** A number written as a number or as a string (`"5E-1"`, `"3"`). */
  numberParam(name: string): number {
    const value = this.raw(name);
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || Number.isNaN(n)) throw this.error(name, `should be a number, got ${describe(value)}`);
    return n;
  }

  /** A non-negative integer parameter. */
  count(name: string): number {
    const n = this.numberParam(name);
    if (!Number.isSafeInteger(n) || n < 0) throw this.error(name, `should be a non-negative integer, got ${n}`);
    return n;
  }

  /** An array of numbers (JSON list or typed UBJSON array; booleans read as 0/1, null as NaN). */
  numbers(name: string): ArrayLike<number> {
    const value = this.raw(name);
    if (ArrayBuffer.isView(value)) return value as ArrayLike<number>;
    if (Array.isArray(value)) {
      return value.map((item, i) => {
        if (typeof item === 'number') return item;
        if (typeof item === 'boolean') return item ? 1 : 0;
        if (item === null) return NaN; // XGBoost's JSON writes NaN (categorical nodes' split_conditions)
        throw this.error(name, `item ${i} is ${describe(item)}, not a number`);
      });
    }
    throw this.error(name, `should be an array of numbers, got ${describe(value)}`);
  }

  /** An array of objects. */
  objects(name: string): Fields[] {
    const value = this.raw(name);
    if (!Array.isArray(value)) throw this.error(name, `should be an array, got ${describe(value)}`);
    return value.map((item, i) => {
      if (!isObject(item)) throw this.error(`${name}[${i}]`, `should be an object, got ${describe(item)}`);
      return new Fields(item, this.at(`${name}[${i}]`), this.source);
    });
  }

  /** An array of strings (feature names); empty when absent. */
  strings(name: string): string[] {
    if (!this.has(name)) return [];
    const value = this.raw(name);
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw this.error(name, `should be an array of strings, got ${describe(value)}`);
    return value as string[];
  }

  at(name: string): string {
    return this.path === '' ? name : `${this.path}.${name}`;
  }

  error(name: string, problem: string): XGBoostModelError {
    return new XGBoostModelError(`${this.source}: ${this.at(name)} ${problem}. Re-save the model with Booster.save_model("model.json") from the XGBoost that trained it.`);
  }
}

export function isObject(value: ModelValue | undefined): value is ModelObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

function describe(value: ModelValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a typed array of ${(value as ArrayLike<number>).length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `"${value.length > 30 ? `${value.slice(0, 30)}...` : value}"`;
  return `${typeof value} ${String(value)}`;
}
