import { PickleLengthLimitError, PickleUnsupportedError } from './errors';
import { describeValue } from './describe-value';
import {
  decodeLong,
  decodeRawUnicodeEscape,
  decodeStringLiteral,
  latin1,
  parseFloatLine,
  parseIntLine,
  utf8,
} from './decode';
import { HIGHEST_PROTOCOL } from './opcodes';
import type { PyValue } from './python-value';
import type { PickleLimits } from './limits';
import type { PickleReader } from './pickle-reader';
import type { PyGlobal } from './python-value';

/**
 * One small handler per opcode, protocols 0-5, as CPython's `Lib/pickle.py` `_Unpickler.dispatch`
 * (https://github.com/python/cpython/blob/v3.11.0/Lib/pickle.py). Handlers use only the
 * machine's stack/memo helpers (`PickleMachine`); every global goes through `u.resolveGlobal` (the door).
 */

/** Returned by the STOP handler. */
export const STOP = Symbol('stop');

/** What the handlers may use of the machine (unpickler.ts implements it): the stream, the stack, the memo and the door. */
export interface PickleMachine {
  readonly reader: PickleReader;
  readonly limits: Readonly<PickleLimits>;
  protocol: number;
  where(): string;
  malformed(problem: string): Error;
  push(value: PyValue): void;
  pop(): PyValue;
  top(): PyValue;
  mark(): void;
  popMark(): PyValue[];
  memoPut(index: number): void;
  memoGet(index: number): void;
  memoSize(): number;
  resolveGlobal(module: string, name: string): PyGlobal;
  newObject(cls: PyValue, args: readonly PyValue[]): PyValue;
  reduce(callable: PyValue, args: PyValue): void;
  build(state: PyValue): void;
}

export type Handler = (u: PickleMachine) => void | typeof STOP;

const tuple = (items: PyValue[]): readonly PyValue[] => Object.freeze(items);

function setItems(u: PickleMachine, target: PyValue, items: PyValue[]): void {
  if (!(target instanceof Map)) {
    throw u.malformed(`SETITEM(S) on ${describeValue(target)}; only dict, OrderedDict, defaultdict and sklearn's Bunch take dict items`);
  }
  if (items.length % 2 !== 0) throw u.malformed('SETITEMS with an odd number of items');
  for (let i = 0; i < items.length; i += 2) target.set(items[i], items[i + 1]);
}

function appendItems(u: PickleMachine, target: PyValue, items: PyValue[]): void {
  if (!Array.isArray(target) || Object.isFrozen(target)) throw u.malformed(`APPEND(S) on ${describeValue(target)}`);
  for (const item of items) (target as PyValue[]).push(item);
}

/** A protocol-0 text argument (one line, latin-1). */
function readLine(u: PickleMachine, what: string): string {
  return latin1(u.reader.line(what));
}

/** Refuses ints larger than maxIntBytes: BigInt decoding is quadratic in their size. */
function intBytes(u: PickleMachine, count: number): number {
  if (count > u.limits.maxIntBytes) {
    throw new PickleLengthLimitError('maxIntBytes', u.limits.maxIntBytes, `an integer of ${count} bytes at ${u.where()}`);
  }
  return count;
}

function intLine(u: PickleMachine, what: string): string {
  const line = readLine(u, what);
  intBytes(u, Math.ceil(line.length / 2));
  return line;
}

function memoIndex(u: PickleMachine, what: string): number {
  const parsed = parseIntLine(readLine(u, what), false);
  if (typeof parsed !== 'number' || parsed < 0) throw u.malformed(`bad ${what} index`);
  return parsed;
}

function stackGlobalName(u: PickleMachine, value: PyValue): string {
  if (typeof value !== 'string') throw u.malformed(`STACK_GLOBAL needs strings, got ${describeValue(value)}`);
  return value;
}

/** A pickled str's UTF-8 (surrogatepass) bytes as text; ill-formed bytes are malformed, as in Python. */
function text(u: PickleMachine, bytes: Uint8Array): string {
  const value = utf8(bytes);
  if (value === undefined) throw u.malformed('a unicode string is not UTF-8 (Python would raise UnicodeDecodeError)');
  return value;
}

function unsupported(u: PickleMachine, what: string): never {
  throw new PickleUnsupportedError(`${what} is not supported (${u.where()}); model files never need it. The file was not written by pickle.dump/joblib.dump of a model.`);
}

const H: ReadonlyArray<readonly [number, Handler]> = [
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
    const value = parseIntLine(intLine(u, 'INT'), true);
    if (value === undefined) throw u.malformed('INT is not a number');
    u.push(value);
  }],
  [0x4c, (u) => {
    const value = parseIntLine(intLine(u, 'LONG'), false);
    if (value === undefined) throw u.malformed('LONG is not a number');
    u.push(value);
  }],
  [0x4a, (u) => u.push(u.reader.int32())],
  [0x4b, (u) => u.push(u.reader.byte())],
  [0x4d, (u) => u.push(u.reader.uint16())],
  [0x8a, (u) => u.push(decodeLong(u.reader.read(u.reader.checkLength(u.reader.byte(), 'LONG1'), 'LONG1')))],
  [0x8b, (u) => u.push(decodeLong(u.reader.read(intBytes(u, u.reader.checkLength(u.reader.int32(), 'LONG4')), 'LONG4')))],
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
  [0x58, (u) => u.push(text(u, u.reader.read(u.reader.checkLength(u.reader.uint32(), 'BINUNICODE'))))],
  [0x8c, (u) => u.push(text(u, u.reader.read(u.reader.byte())))],
  [0x8d, (u) => u.push(text(u, u.reader.read(u.reader.checkLength(u.reader.uint64(), 'BINUNICODE8'))))],
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
export const CAN_START: ReadonlySet<number> = new Set(Buffer.from('\x80(NIJKLMFGSTUVXBC])}cP', 'latin1'));

/** Handler per opcode byte; undefined for bytes that are not opcodes. */
export const HANDLERS: Array<Handler | undefined> = new Array(256).fill(undefined);
for (const [code, handler] of H) HANDLERS[code] = handler;
