import { decompress, detectCompression } from './compression';
import { latin1, utf8 } from './decode';
import { DEFAULT_PICKLE_LIMITS } from './limits';
import { OPCODE_NAMES } from './opcodes';
import type { GlobalDoor } from './protocol';

/** A global named by the stream, found without executing it. */
export interface ScannedGlobal {
  name: string;
  allowed: boolean;
  why?: string;
  at: { opcode: string; offset: number; source: string };
}

type Arg = 'none' | 'u1' | 'u2' | 'u4' | 'u8' | 'len1' | 'len4' | 'len8' | 'line' | 'line2';
const ARGS = new Map<number, Arg>();
const set = (ops: string, arg: Arg): void => {
  for (const code of Buffer.from(ops, 'latin1')) ARGS.set(code, arg);
};
set('K h q \x82 \x80', 'u1');
set('M \x83', 'u2');
set('J j r \x84', 'u4');
set('G \x95', 'u8');
set('U C \x8c \x8a', 'len1');
set('T B X \x8b', 'len4');
set('\x8d \x8e \x96', 'len8');
set('I L F S V p g P', 'line');
set('c i', 'line2');
ARGS.delete(0x20);

/**
 * Lists every GLOBAL / STACK_GLOBAL / INST name of a stream without building anything (like
 * `pickletools.genops`), for `inspect` to show what a refused file would have reached for. It
 * follows strings through the memo for STACK_GLOBAL. It stops quietly at anything it cannot
 * follow (joblib's inline array bytes, corruption): the list may then be partial.
 */
export function scanGlobals(file: Uint8Array, door: GlobalDoor, source: string): ScannedGlobal[] {
  let bytes: Uint8Array;
  try {
    bytes = decompress(file, detectCompression(file), DEFAULT_PICKLE_LIMITS, source);
  } catch {
    return [];
  }
  const found: ScannedGlobal[] = [];
  const memo = new Map<number, string | null>();
  const pushed: (string | null)[] = [];
  const push = (v: string | null): void => {
    pushed.push(v);
    if (pushed.length > 2) pushed.shift();
  };
  const record = (module: string, name: string, opcode: number, offset: number): void => {
    const entry = door.resolve(module, name);
    found.push({ name: `${module}.${name}`, allowed: entry !== undefined, why: entry?.why, at: { opcode: OPCODE_NAMES.get(opcode) ?? '?', offset, source } });
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  let memoNext = 0;
  while (pos < bytes.length) {
    const offset = pos;
    const op = bytes[pos++];
    if (!OPCODE_NAMES.has(op)) break;
    const arg = ARGS.get(op) ?? 'none';
    let data: Uint8Array | undefined;
    let number = 0;
    const take = (n: number): boolean => {
      if (pos + n > bytes.length) return false;
      data = bytes.subarray(pos, pos + n);
      pos += n;
      return true;
    };
    let lines: string[] = [];
    if (arg === 'u1' || arg === 'u2' || arg === 'u4' || arg === 'u8') {
      const size = { u1: 1, u2: 2, u4: 4, u8: 8 }[arg];
      if (pos + size > bytes.length) break;
      number = size === 1 ? bytes[pos] : size === 2 ? view.getUint16(pos, true) : size === 4 ? view.getUint32(pos, true) : 0;
      pos += size;
    } else if (arg === 'len1' || arg === 'len4' || arg === 'len8') {
      const size = { len1: 1, len4: 4, len8: 8 }[arg];
      if (pos + size > bytes.length) break;
      const length = size === 1 ? bytes[pos] : size === 4 ? view.getUint32(pos, true) : Number(view.getBigUint64(pos, true));
      pos += size;
      if (!take(length)) break;
    } else if (arg === 'line' || arg === 'line2') {
      for (let i = 0; i < (arg === 'line2' ? 2 : 1); i++) {
        const end = bytes.indexOf(0x0a, pos);
        if (end < 0) return found;
        lines.push(latin1(bytes.subarray(pos, end)));
        pos = end + 1;
      }
    }
    switch (op) {
      case 0x63: // GLOBAL
      case 0x69: // INST
        record(lines[0], lines[1], op, offset);
        push(null);
        break;
      case 0x93: { // STACK_GLOBAL
        const [module, name] = pushed;
        if (typeof module === 'string' && typeof name === 'string') record(module, name, op, offset);
        push(null);
        break;
      }
      case 0x8c: case 0x58: case 0x8d: // unicode strings
        push(utf8(data as Uint8Array) ?? null);
        break;
      case 0x56:
        push(lines[0]);
        break;
      case 0x71: case 0x72: memo.set(number, pushed[pushed.length - 1] ?? null); break;
      case 0x70: memo.set(Number(lines[0]), pushed[pushed.length - 1] ?? null); break;
      case 0x94: memo.set(memoNext++, pushed[pushed.length - 1] ?? null); break;
      case 0x68: case 0x6a: push(memo.get(number) ?? null); break;
      case 0x67: push(memo.get(Number(lines[0])) ?? null); break;
      case 0x2e: // STOP: joblib streams continue with array bytes we cannot follow
        return found;
      default:
        push(null);
    }
    lines = [];
  }
  return found;
}
