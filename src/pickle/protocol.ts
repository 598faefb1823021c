import type { PyGlobal, PyValue } from './python-value';
import type { PickleLimits } from './limits';
import type { PickleLocation } from './errors';
import type { PickleReader } from './pickle-reader';

/**
 * The small contract between the pickle machine (unpickler.ts) and the builders listed in the
 * allowlist (globals.ts): what a builder may ask of the machine, and what the machine asks of the
 * objects builders return. Builders never see the stack or the memo.
 */

/** Counters shared by a load and every nested pickle in it (joblib object arrays). */
export interface LoadBudget {
  opcodes: number;
  arrayElements: number;
  arrayBytes: number;
}

/** What a builder may use while the machine runs. */
export interface UnpickleContext {
  readonly limits: Readonly<PickleLimits>;
  readonly budget: LoadBudget;
  /** The stream; joblib reads array bytes that follow a BUILD inline. */
  readonly reader: PickleReader;
  /** Where the current opcode is, for messages. */
  at(): PickleLocation;
  /** `cls.__new__(cls, *args)` through the allowlist entry of `cls` (copyreg helpers need it). */
  newObject(cls: PyValue, args: readonly PyValue[]): PyValue;
  /** Runs a complete nested pickle from the reader's current position (joblib object arrays). */
  loadNested(): PyValue;
}

/** One allowlist entry: why it is safe, and how the name behaves when the pickle uses it. */
export interface GlobalEntry {
  /** One line: why admitting this name cannot run code, touch files or reach the network. */
  readonly why: string;
  /** REDUCE (`name(*args)`). Absent: the name may only be used as a value. */
  call?(args: readonly PyValue[], ctx: UnpickleContext, self: PyGlobal): PyValue;
  /** NEWOBJ / NEWOBJ_EX / copyreg (`name.__new__(name, *args)`). */
  newObject?(args: readonly PyValue[], ctx: UnpickleContext, self: PyGlobal): PyValue;
}

/** Resolves `module`, `name` to an entry, or undefined when the name is refused. */
export interface GlobalDoor {
  /** `at` says where the stream names it (for doors that record, such as `inspect`'s). */
  resolve(module: string, name: string, at?: PickleLocation): GlobalEntry | undefined;
}

/** Objects with their own BUILD (ndarray, dtype, joblib wrapper) implement this. */
export const PICKLE_BUILD: unique symbol = Symbol('pickle.build');
/** Objects holding values the graph measure cannot see otherwise (object ndarrays) implement this. */
export const PICKLE_CHILDREN: unique symbol = Symbol('pickle.children');

export interface Buildable {
  /** Applies the BUILD state; returns what replaces the object on the stack (usually itself). */
  [PICKLE_BUILD](state: PyValue, ctx: UnpickleContext): PyValue;
}

export interface HasChildren {
  [PICKLE_CHILDREN](): Iterable<PyValue>;
}

export function isBuildable(value: unknown): value is Buildable {
  return typeof value === 'object' && value !== null && PICKLE_BUILD in value;
}

export function hasChildren(value: unknown): value is HasChildren {
  return typeof value === 'object' && value !== null && PICKLE_CHILDREN in value;
}
