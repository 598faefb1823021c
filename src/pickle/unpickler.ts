import {
  PickleGlobalNotAllowedError,
  PickleGlobalNotCallableError,
  PickleMalformedError,
  PickleMemoLimitError,
  PickleOpcodeLimitError,
  PickleStackLimitError,
  PickleTruncatedError,
  PickleUnknownOpcodeError,
  type PickleLocation,
  describeLocation,
} from './errors';
import type { PickleLimits } from './limits';
import { OPCODE_NAMES } from './opcodes';
import type { PickleReader } from './pickle-reader';
import { PyGlobal, PyObject, type PyValue } from './python-value';
import {
  type GlobalDoor,
  type GlobalEntry,
  type LoadBudget,
  type UnpickleContext,
  PICKLE_BUILD,
  isBuildable,
} from './protocol';
import { describeValue } from './describe-value';
import { CAN_START, HANDLERS, STOP, type PickleMachine } from './opcode-handlers';

/**
 * The pickle machine: runs the handlers of opcode-handlers.ts over a stream, as CPython's
 * `Lib/pickle.py` `_Unpickler`, with the stack, the memo, limits and byte offsets. It knows
 * nothing of numpy or sklearn: every global goes through the `GlobalDoor` it is given, and
 * objects with their own BUILD implement `PICKLE_BUILD`.
 *
 * Why not pickleparser's `Parser.read`: it calls REDUCE targets as JS functions, `Object.assign`s
 * BUILD state, builds DICT into plain-object keys even in Map mode, reads LONG1 unsigned, reports
 * no byte offsets, enforces no limits and cannot hand the stream to joblib after a BUILD. We build
 * on its `BufferReader` (see pickle-reader.ts) and keep the dispatch here.
 */
export class Unpickler implements UnpickleContext, PickleMachine {
  private stack: PyValue[] = [];
  private readonly metastack: PyValue[][] = [];
  /** Dense array for the usual 0,1,2... indices (fast at millions of entries); holes are `undefined`. */
  private readonly memo: (PyValue | undefined)[] = [];
  private memoCount = 0;
  private readonly entries = new WeakMap<PyGlobal, GlobalEntry>();
  private opcodeOffset = 0;
  private opcode = 0;
  /** The PROTO number, 0 or 1 when absent (protocols 0 and 1 have no PROTO opcode). */
  protocol = 0;

  constructor(
    readonly reader: PickleReader,
    private readonly door: GlobalDoor,
    readonly limits: Readonly<PickleLimits>,
    readonly budget: LoadBudget = { opcodes: 0, arrayElements: 0, arrayBytes: 0 },
    /** True for the nested pickle of a joblib object array, which joblib reads with plain pickle. */
    private readonly nested = false,
  ) {}

  /** Runs from the reader's position to STOP and returns the top of the stack. */
  load(): PyValue {
    const { reader, limits, budget } = this;
    while (reader.hasNext()) {
      this.opcodeOffset = reader.position;
      this.opcode = reader.byte();
      if (++budget.opcodes > limits.maxOpcodes) {
        throw new PickleOpcodeLimitError('maxOpcodes', limits.maxOpcodes, `too many opcodes at ${this.where()}`);
      }
      const handler = HANDLERS[this.opcode];
      if (handler === undefined || (budget.opcodes === 1 && !CAN_START.has(this.opcode))) {
        throw new PickleUnknownOpcodeError(
          `byte 0x${this.opcode.toString(16).padStart(2, '0')} at offset ${this.opcodeOffset} of ${reader.source} ${handler === undefined ? 'is not a pickle opcode' : 'cannot start a pickle'}. ` +
            'The file is not a pickle/joblib file, or it is corrupt.',
        );
      }
      if (handler(this) === STOP) {
        if (this.stack.length === 0) throw this.malformed('STOP with an empty stack');
        return this.stack[this.stack.length - 1];
      }
      if (this.stack.length > limits.maxStackDepth) {
        throw new PickleStackLimitError('maxStackDepth', limits.maxStackDepth, `the stack holds ${this.stack.length} values at ${this.where()}`);
      }
    }
    throw new PickleTruncatedError(
      `${reader.source} ends at byte ${reader.position} without a STOP opcode. The file is truncated or corrupt; copy it again from its source.`,
    );
  }

  // --- UnpickleContext -------------------------------------------------------------------------

  at(): PickleLocation {
    return { opcode: OPCODE_NAMES.get(this.opcode) ?? 'opcode', offset: this.opcodeOffset, source: this.reader.source };
  }

  newObject(cls: PyValue, args: readonly PyValue[]): PyValue {
    const entry = this.entryOf(cls);
    const make = entry.newObject ?? entry.call;
    if (make === undefined) throw this.notCallable(cls as PyGlobal, 'instantiated');
    return make.call(entry, args, this, cls as PyGlobal);
  }

  loadNested(): PyValue {
    // joblib reads it with plain pickle.load, so it cannot nest again; refusing keeps recursion at one level.
    if (this.nested) throw this.malformed('a joblib array wrapper inside the nested pickle of an object array');
    return new Unpickler(this.reader, this.door, this.limits, this.budget, true).load();
  }

  // --- helpers for handlers --------------------------------------------------------------------

  where(): string {
    return describeLocation(this.at());
  }

  malformed(problem: string): PickleMalformedError {
    return new PickleMalformedError(`malformed pickle: ${problem} (${this.where()}). The file is corrupt or not produced by pickle.`);
  }

  private notCallable(cls: PyGlobal, how: string): PickleGlobalNotCallableError {
    return new PickleGlobalNotCallableError(
      `Pickle global "${cls.path}" is allowed only as a value and cannot be ${how} (${this.where()}). ` +
        'If a genuine model needs this, give its entry in src/pickle/globals.ts a builder.',
    );
  }

  push(value: PyValue): void {
    this.stack.push(value);
  }

  pop(): PyValue {
    if (this.stack.length === 0) throw this.malformed('stack underflow');
    return this.stack.pop() as PyValue;
  }

  top(): PyValue {
    if (this.stack.length === 0) throw this.malformed('stack underflow');
    return this.stack[this.stack.length - 1];
  }

  setTop(value: PyValue): void {
    this.stack[this.stack.length - 1] = value;
  }

  mark(): void {
    if (this.metastack.length >= this.limits.maxMarkDepth) {
      throw new PickleStackLimitError('maxMarkDepth', this.limits.maxMarkDepth, `MARKs nest deeper than allowed at ${this.where()}`);
    }
    this.metastack.push(this.stack);
    this.stack = [];
  }

  /** Pops everything above the last MARK (CPython `pop_mark`). */
  popMark(): PyValue[] {
    const items = this.stack;
    const previous = this.metastack.pop();
    if (previous === undefined) throw this.malformed('no MARK to pop to');
    this.stack = previous;
    return items;
  }

  memoPut(index: number): void {
    if (this.memo[index] === undefined) {
      if (this.memoCount >= this.limits.maxMemoEntries) {
        throw new PickleMemoLimitError('maxMemoEntries', this.limits.maxMemoEntries, `the memo is full at ${this.where()}`);
      }
      // An index far beyond the entries so far cannot come from pickle.dump; refuse rather than allocate.
      if (index > this.memoCount + this.limits.maxMemoEntries) throw this.malformed(`memo index ${index} is out of range`);
      this.memoCount++;
    }
    this.memo[index] = this.top();
  }

  memoSize(): number {
    return this.memoCount;
  }

  memoGet(index: number): void {
    const value = this.memo[index];
    if (value === undefined) throw this.malformed(`memo entry ${index} was never stored`);
    this.push(value);
  }

  /** GLOBAL, STACK_GLOBAL, INST: the single door. Refuses before anything is built. */
  resolveGlobal(module: string, name: string): PyGlobal {
    const entry = this.door.resolve(module, name, this.at());
    if (entry === undefined) {
      throw new PickleGlobalNotAllowedError(`${module}.${name}`, this.at());
    }
    const value = new PyGlobal(module, name);
    this.entries.set(value, entry);
    return value;
  }

  private entryOf(cls: PyValue): GlobalEntry {
    const entry = cls instanceof PyGlobal ? this.entries.get(cls) : undefined;
    if (entry === undefined) throw this.malformed(`expected a class, got ${describeValue(cls)}`);
    return entry;
  }

  reduce(callable: PyValue, args: PyValue): void {
    if (!Array.isArray(args)) throw this.malformed(`REDUCE arguments must be a tuple, got ${describeValue(args)}`);
    const entry = this.entryOf(callable);
    if (entry.call === undefined) throw this.notCallable(callable as PyGlobal, 'called');
    this.push(entry.call(args, this, callable as PyGlobal));
  }

  build(state: PyValue): void {
    const target = this.top();
    if (isBuildable(target)) {
      this.setTop(target[PICKLE_BUILD](state, this));
    } else if (target instanceof PyObject) {
      applyState(target, state);
    } else if (target instanceof Map && (state === null || state instanceof Map)) {
      // dict subclasses (OrderedDict, Bunch): their items came via SETITEMS; an instance __dict__
      // holds no model data (Bunch.__setstate__ ignores it too).
    } else {
      throw this.malformed(`BUILD on ${describeValue(target)}`);
    }
  }
}

/** Python's default `__setstate__`: a dict updates `__dict__`; `(dict, slots)` updates both. */
function applyState(target: PyObject, state: PyValue): void {
  if (Array.isArray(state) && state.length === 2 && (state[0] === null || state[0] instanceof Map) && (state[1] === null || state[1] instanceof Map)) {
    const merged = new Map<PyValue, PyValue>();
    for (const part of state as PyValue[]) if (part instanceof Map) for (const [k, v] of part) merged.set(k, v);
    state = merged;
  }
  if (target.state instanceof Map && state instanceof Map) {
    for (const [k, v] of state) target.state.set(k, v);
  } else {
    target.state = state;
  }
}
