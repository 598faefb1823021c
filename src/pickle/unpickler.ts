import {
  PickleGlobalNotAllowedError,
  PickleGlobalNotCallableError,
  PickleMalformedError,
  PickleMemoLimitError,
  PickleOpcodeLimitError,
  PickleStackLimitError,
  PickleTruncatedError,
  PickleUnknownOpcodeError,
  PickleUnsupportedError,
  type PickleLocation,
  describeLocation,
} from './errors';
import type { PickleLimits } from './limits';
import { OPCODE_NAMES, HIGHEST_PROTOCOL } from './opcodes';
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
import {
  decodeLong,
  decodeRawUnicodeEscape,
  decodeStringLiteral,
  latin1,
  parseFloatLine,
  parseIntLine,
  utf8,
} from './decode';

type Handler = (u: Unpickler) => void | typeof STOP;
const STOP = Symbol('stop');

/**
 * The pickle machine: a dispatch table with one small handler per opcode, as CPython's
 * `Lib/pickle.py` `_Unpickler`. It knows nothing of numpy or sklearn: every global goes through the
 * `GlobalDoor` it is given, and objects with their own BUILD implement `PICKLE_BUILD`.
 *
 * Why not pickleparser's `Parser.read`: it calls REDUCE targets as JS functions, `Object.assign`s
 * BUILD state, builds DICT into plain-object keys even in Map mode, reads LONG1 unsigned, reports
 * no byte offsets, enforces no limits and cannot hand the stream to joblib after a BUILD. We build
 * on its `BufferReader` (see pickle-reader.ts) and keep the dispatch here.
 */
export class Unpickler implements UnpickleContext {
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
    return new Unpickler(this.reader, this.door, this.limits, this.budget).load();
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
    } else if (target instanceof Map && (state === null || (state instanceof Map && state.size === 0))) {
      // dict subclasses (OrderedDict) with an empty instance __dict__: nothing to do.
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

/** Short description of a value for messages (never its content). */
export function describeValue(value: PyValue | undefined): string {
  if (value === null) return 'None';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return Object.isFrozen(value) ? `a tuple of ${value.length}` : `a list of ${value.length}`;
  if (value instanceof Map) return 'a dict';
  if (value instanceof Set) return 'a set';
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (value instanceof PyGlobal) return `global ${value.path}`;
  if (value instanceof PyObject) return `a ${value.className} object`;
  if (typeof value === 'object') return `a ${value.constructor.name}`;
  return `a ${typeof value}`;
}

const tuple = (items: PyValue[]): readonly PyValue[] => Object.freeze(items);

function text(u: Unpickler, what: string): string {
  return latin1(u.reader.line(what));
}

function setItems(u: Unpickler, target: PyValue, items: PyValue[]): void {
  if (!(target instanceof Map)) throw u.malformed(`SETITEM(S) on ${describeValue(target)}`);
  if (items.length % 2 !== 0) throw u.malformed('SETITEMS with an odd number of items');
  for (let i = 0; i < items.length; i += 2) target.set(items[i], items[i + 1]);
}

function appendItems(u: Unpickler, target: PyValue, items: PyValue[]): void {
  if (!Array.isArray(target) || Object.isFrozen(target)) throw u.malformed(`APPEND(S) on ${describeValue(target)}`);
  for (const item of items) (target as PyValue[]).push(item);
}

function readLine(u: Unpickler, what: string): string {
  return text(u, what);
}

function memoIndex(u: Unpickler, what: string): number {
  const parsed = parseIntLine(readLine(u, what), false);
  if (typeof parsed !== 'number' || parsed < 0) throw u.malformed(`bad ${what} index`);
  return parsed;
}

function stackGlobalName(u: Unpickler, value: PyValue): string {
  if (typeof value !== 'string') throw u.malformed(`STACK_GLOBAL needs strings, got ${describeValue(value)}`);
  return value;
}

function unsupported(u: Unpickler, what: string): never {
  throw new PickleUnsupportedError(`${what} is not supported (${u.where()}); model files never need it. The file was not written by pickle.dump/joblib.dump of a model.`);
}

const H: Array<[number, Handler]> = [
  // framing and control
  [0x80, (u) => {
    const version = u.reader.byte();
    if (version > HIGHEST_PROTOCOL) unsupported(u, `pickle protocol ${version}`);
    u.protocol = version;
  }],
  [0x95, (u) => void u.reader.uint64()], // FRAME: a hint for buffering; the contents follow inline
  [0x2e, () => STOP],
  [0x28, (u) => u.mark()],
  [0x30, (u) => void u.pop()],
  [0x31, (u) => void u.popMark()],
  [0x32, (u) => u.push(u.top())],
  // memo
  [0x70, (u) => u.memoPut(memoIndex(u, 'PUT'))],
  [0x71, (u) => u.memoPut(u.reader.byte())],
  [0x72, (u) => u.memoPut(u.reader.uint32())],
  [0x94, (u) => u.memoPut(u.memoSize())],
  [0x67, (u) => u.memoGet(memoIndex(u, 'GET'))],
  [0x68, (u) => u.memoGet(u.reader.byte())],
  [0x6a, (u) => u.memoGet(u.reader.uint32())],
  // constants and numbers
  [0x4e, (u) => u.push(null)],
  [0x88, (u) => u.push(true)],
  [0x89, (u) => u.push(false)],
  [0x49, (u) => {
    const value = parseIntLine(readLine(u, 'INT'), true);
    if (value === undefined) throw u.malformed('INT is not a number');
    u.push(value);
  }],
  [0x4c, (u) => {
    const value = parseIntLine(readLine(u, 'LONG'), false);
    if (value === undefined) throw u.malformed('LONG is not a number');
    u.push(value);
  }],
  [0x4a, (u) => u.push(u.reader.int32())],
  [0x4b, (u) => u.push(u.reader.byte())],
  [0x4d, (u) => u.push(u.reader.uint16())],
  [0x8a, (u) => u.push(decodeLong(u.reader.read(u.reader.checkLength(u.reader.byte(), 'LONG1'), 'LONG1')))],
  [0x8b, (u) => u.push(decodeLong(u.reader.read(u.reader.checkLength(u.reader.int32(), 'LONG4'), 'LONG4')))],
  [0x46, (u) => {
    const value = parseFloatLine(readLine(u, 'FLOAT'));
    if (value === undefined) throw u.malformed('FLOAT is not a number');
    u.push(value);
  }],
  [0x47, (u) => u.push(u.reader.float64())],
  // strings and bytes
  [0x53, (u) => {
    const value = decodeStringLiteral(u.reader.line('STRING'));
    if (value === undefined) throw u.malformed('STRING is not a quoted literal');
    u.push(value);
  }],
  [0x54, (u) => u.push(latin1(u.reader.read(u.reader.checkLength(u.reader.int32(), 'BINSTRING'))))],
  [0x55, (u) => u.push(latin1(u.reader.read(u.reader.byte())))],
  [0x56, (u) => {
    const value = decodeRawUnicodeEscape(u.reader.line('UNICODE'));
    if (value === undefined) throw u.malformed('UNICODE has a bad escape');
    u.push(value);
  }],
  [0x58, (u) => u.push(utf8(u.reader.read(u.reader.checkLength(u.reader.uint32(), 'BINUNICODE'))))],
  [0x8c, (u) => u.push(utf8(u.reader.read(u.reader.byte())))],
  [0x8d, (u) => u.push(utf8(u.reader.read(u.reader.checkLength(u.reader.uint64(), 'BINUNICODE8'))))],
  [0x42, (u) => u.push(u.reader.read(u.reader.checkLength(u.reader.int32(), 'BINBYTES')).slice())],
  [0x43, (u) => u.push(u.reader.read(u.reader.byte()).slice())],
  [0x8e, (u) => u.push(u.reader.read(u.reader.checkLength(u.reader.uint64(), 'BINBYTES8')).slice())],
  [0x96, (u) => u.push(u.reader.read(u.reader.checkLength(u.reader.uint64(), 'BYTEARRAY8')).slice())],
  [0x97, (u) => unsupported(u, 'an out-of-band buffer (NEXT_BUFFER)')],
  [0x98, () => undefined], // READONLY_BUFFER: we never share buffers with the caller
  // containers
  [0x29, (u) => u.push(tuple([]))],
  [0x74, (u) => u.push(tuple(u.popMark()))],
  [0x85, (u) => u.push(tuple([u.pop()]))],
  [0x86, (u) => {
    const b = u.pop();
    u.push(tuple([u.pop(), b]));
  }],
  [0x87, (u) => {
    const c = u.pop();
    const b = u.pop();
    u.push(tuple([u.pop(), b, c]));
  }],
  [0x5d, (u) => u.push([])],
  [0x6c, (u) => u.push(u.popMark())],
  [0x61, (u) => {
    const item = u.pop();
    appendItems(u, u.top(), [item]);
  }],
  [0x65, (u) => {
    const items = u.popMark();
    appendItems(u, u.top(), items);
  }],
  [0x7d, (u) => u.push(new Map())],
  [0x64, (u) => {
    const map = new Map<PyValue, PyValue>();
    setItems(u, map, u.popMark());
    u.push(map);
  }],
  [0x73, (u) => {
    const value = u.pop();
    const key = u.pop();
    setItems(u, u.top(), [key, value]);
  }],
  [0x75, (u) => {
    const items = u.popMark();
    setItems(u, u.top(), items);
  }],
  [0x8f, (u) => u.push(new Set())],
  [0x90, (u) => {
    const items = u.popMark();
    const target = u.top();
    if (!(target instanceof Set)) throw u.malformed(`ADDITEMS on ${describeValue(target)}`);
    for (const item of items) target.add(item);
  }],
  [0x91, (u) => u.push(new Set(u.popMark()))],
  // globals and objects: every name passes resolveGlobal
  [0x63, (u) => {
    const module = readLine(u, 'GLOBAL module');
    const name = readLine(u, 'GLOBAL name');
    u.push(u.resolveGlobal(module, name));
  }],
  [0x93, (u) => {
    const name = stackGlobalName(u, u.pop());
    const module = stackGlobalName(u, u.pop());
    u.push(u.resolveGlobal(module, name));
  }],
  [0x52, (u) => {
    const args = u.pop();
    u.reduce(u.pop(), args);
  }],
  [0x81, (u) => {
    const args = u.pop();
    const cls = u.pop();
    if (!Array.isArray(args)) throw u.malformed(`NEWOBJ arguments must be a tuple, got ${describeValue(args)}`);
    u.push(u.newObject(cls, args));
  }],
  [0x92, (u) => {
    const kwargs = u.pop();
    const args = u.pop();
    const cls = u.pop();
    if (!Array.isArray(args)) throw u.malformed(`NEWOBJ_EX arguments must be a tuple, got ${describeValue(args)}`);
    if (!(kwargs instanceof Map) || kwargs.size > 0) unsupported(u, 'NEWOBJ_EX with keyword arguments');
    u.push(u.newObject(cls, args));
  }],
  [0x69, (u) => {
    const module = readLine(u, 'INST module');
    const name = readLine(u, 'INST name');
    const cls = u.resolveGlobal(module, name);
    u.push(u.newObject(cls, u.popMark()));
  }],
  [0x6f, (u) => {
    const items = u.popMark();
    const cls = items.shift();
    u.push(u.newObject(cls ?? null, items));
  }],
  [0x62, (u) => u.build(u.pop())],
  // refused on purpose: they resolve objects outside the stream
  [0x50, (u) => unsupported(u, 'a persistent id (PERSID)')],
  [0x51, (u) => unsupported(u, 'a persistent id (BINPERSID)')],
  [0x82, (u) => unsupported(u, 'an extension code (EXT1)')],
  [0x83, (u) => unsupported(u, 'an extension code (EXT2)')],
  [0x84, (u) => unsupported(u, 'an extension code (EXT4)')],
];

/** Opcodes a stream can begin with: PROTO, or (protocols 0-1) one that pushes without popping. */
const CAN_START: ReadonlySet<number> = new Set(Buffer.from('\x80(NIJKLMFGSTUVXBC])}cP', 'latin1'));

const HANDLERS: Array<Handler | undefined> = new Array(256).fill(undefined);
for (const [code, handler] of H) HANDLERS[code] = handler;
