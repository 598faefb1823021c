import { XGBoostModelError } from './errors';

/**
 * A decoded JSON/UBJSON value. Objects have a null prototype (a key named `__proto__` is an
 * ordinary own key); typed UBJSON arrays of numbers (`[$d#...`) stay typed arrays, as XGBoost
 * writes its tree arrays that way.
 */
export type ModelValue =
  | null
  | boolean
  | number
  | string
  | ModelValue[]
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint8Array
  | { [key: string]: ModelValue };

/** Nesting deeper than this is refused: XGBoost's documents are about 8 levels deep. */
const MAX_DEPTH = 64;

/**
 * Decodes Universal Binary JSON (https://ubjson.org, draft 12), the format XGBoost writes for
 * `.ubj` files and, since 1.6, inside pickled Boosters. Big-endian numbers; object keys are a
 * length then UTF-8 bytes; optimized containers (`$` type, `#` count) are supported for every type.
 * Every count is checked against the bytes left before anything is allocated, so a hostile length
 * cannot exhaust memory.
 *
 * Follows XGBoost 1.7 `src/common/json.cc` `UBJReader` (its writer uses `L` lengths and typed
 * `d`/`l`/`L`/`U` arrays), but reads any conforming document.
 *
 * @throws XGBoostModelError naming the byte offset for truncated or malformed input
 */
export function decodeUbjson(bytes: Uint8Array, source: string): ModelValue {
  const reader = new UbjReader(bytes, source);
  const value = reader.value(reader.marker(), 0);
  reader.skipNoops();
  if (reader.offset !== bytes.length) throw reader.error(`${bytes.length - reader.offset} bytes after the end of the document`);
  return value;
}

const TYPED = new Map<number, { size: number; make: (n: number) => Float32Array | Float64Array | Int32Array | Uint8Array }>([
  [0x64 /* d */, { size: 4, make: (n) => new Float32Array(n) }],
  [0x44 /* D */, { size: 8, make: (n) => new Float64Array(n) }],
  [0x6c /* l */, { size: 4, make: (n) => new Int32Array(n) }],
  [0x55 /* U */, { size: 1, make: (n) => new Uint8Array(n) }],
  [0x4c /* L */, { size: 8, make: (n) => new Float64Array(n) }],
  [0x69 /* i */, { size: 1, make: (n) => new Int32Array(n) }],
  [0x49 /* I */, { size: 2, make: (n) => new Int32Array(n) }],
]);

class UbjReader {
  offset = 0;
  private readonly view: DataView;
  private readonly text = new TextDecoder('utf-8', { fatal: true });

  constructor(
    private readonly bytes: Uint8Array,
    private readonly source: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  error(problem: string): XGBoostModelError {
    return new XGBoostModelError(`${this.source}: malformed UBJSON at byte ${this.offset}: ${problem}. Re-save the model with Booster.save_model("model.ubj") or as .json.`);
  }

  private need(n: number): void {
    if (n > this.bytes.length - this.offset) throw this.error(`needs ${n} more bytes, the document ends first`);
  }

  skipNoops(): void {
    while (this.offset < this.bytes.length && this.bytes[this.offset] === 0x4e /* N */) this.offset++;
  }

  marker(): number {
    this.skipNoops();
    this.need(1);
    return this.bytes[this.offset++];
  }

  private number(type: number): number {
    const v = this.view;
    const at = this.offset;
    switch (type) {
      case 0x69: this.need(1); this.offset += 1; return v.getInt8(at);
      case 0x55: this.need(1); this.offset += 1; return v.getUint8(at);
      case 0x49: this.need(2); this.offset += 2; return v.getInt16(at);
      case 0x6c: this.need(4); this.offset += 4; return v.getInt32(at);
      case 0x64: this.need(4); this.offset += 4; return v.getFloat32(at);
      case 0x44: this.need(8); this.offset += 8; return v.getFloat64(at);
      case 0x4c: {
        this.need(8);
        this.offset += 8;
        const big = v.getBigInt64(at);
        if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
          this.offset = at;
          throw this.error(`int64 ${big} is beyond 2^53`);
        }
        return Number(big);
      }
      default:
        this.offset = at - 1;
        throw this.error(`expected a number type, got ${describeMarker(type)}`);
    }
  }

  /** A length or count: any integer type, never negative. */
  private count(): number {
    const n = this.number(this.marker());
    if (!Number.isInteger(n) || n < 0) throw this.error(`negative or fractional length ${n}`);
    return n;
  }

  private string(): string {
    const n = this.count();
    this.need(n);
    const start = this.offset;
    this.offset += n;
    try {
      return this.text.decode(this.bytes.subarray(start, start + n));
    } catch {
      this.offset = start;
      throw this.error('a string is not valid UTF-8');
    }
  }

  value(type: number, depth: number): ModelValue {
    switch (type) {
      case 0x5a /* Z */: return null;
      case 0x54 /* T */: return true;
      case 0x46 /* F */: return false;
      case 0x53 /* S */: return this.string();
      case 0x48 /* H */: {
        const text = this.string();
        const n = Number(text);
        if (text.trim() === '' || Number.isNaN(n)) throw this.error(`high-precision number "${text.slice(0, 40)}" is not a number`);
        return n;
      }
      case 0x43 /* C */: this.need(1); return String.fromCharCode(this.bytes[this.offset++]);
      case 0x5b /* [ */: return this.array(depth + 1);
      case 0x7b /* { */: return this.object(depth + 1);
      default: return this.number(type);
    }
  }

  /** After `[` or `{`: the optional `$type` and `#count`. */
  private header(): { type?: number; count?: number } {
    let type: number | undefined;
    if (this.bytes[this.offset] === 0x24 /* $ */) {
      this.offset++;
      this.need(1);
      type = this.bytes[this.offset++];
      if (this.bytes[this.offset] !== 0x23 /* # */) throw this.error('a typed container ($) without a count (#)');
    }
    if (this.bytes[this.offset] === 0x23 /* # */) {
      this.offset++;
      return { type, count: this.count() };
    }
    return { type };
  }

  private array(depth: number): ModelValue {
    if (depth > MAX_DEPTH) throw this.error(`nesting deeper than ${MAX_DEPTH}`);
    const { type, count } = this.header();
    if (count !== undefined && type !== undefined && TYPED.has(type)) {
      const spec = TYPED.get(type)!;
      this.need(count * spec.size);
      const out = spec.make(count);
      if (type === 0x64 /* d */ || type === 0x6c /* l */) {
        // the bulk of a model: read big-endian 32-bit values without a switch per element
        const view = this.view;
        const float = type === 0x64;
        let at = this.offset;
        for (let i = 0; i < count; i++, at += 4) out[i] = float ? view.getFloat32(at) : view.getInt32(at);
        this.offset = at;
      } else {
        for (let i = 0; i < count; i++) out[i] = this.number(type);
      }
      return out;
    }
    const items: ModelValue[] = [];
    if (count !== undefined) {
      // every item takes at least one byte unless its type is given once in the header (Z, T, F)
      if (type === undefined || !'ZTF'.includes(String.fromCharCode(type))) this.need(count);
      else if (count > 1_000_000) throw this.error(`${count} constant items`);
      for (let i = 0; i < count; i++) items.push(this.value(type ?? this.marker(), depth));
      return items;
    }
    for (;;) {
      const marker = this.marker();
      if (marker === 0x5d /* ] */) return items;
      items.push(this.value(marker, depth));
    }
  }

  private object(depth: number): ModelValue {
    if (depth > MAX_DEPTH) throw this.error(`nesting deeper than ${MAX_DEPTH}`);
    const { type, count } = this.header();
    const out = Object.create(null) as { [key: string]: ModelValue };
    if (count !== undefined) {
      this.need(count);
      for (let i = 0; i < count; i++) {
        const key = this.string();
        out[key] = this.value(type ?? this.marker(), depth);
      }
      return out;
    }
    for (;;) {
      this.skipNoops();
      this.need(1);
      if (this.bytes[this.offset] === 0x7d /* } */) {
        this.offset++;
        return out;
      }
      const key = this.string();
      out[key] = this.value(this.marker(), depth);
    }
  }
}

function describeMarker(type: number): string {
  return type >= 0x20 && type < 0x7f ? `"${String.fromCharCode(type)}"` : `byte 0x${type.toString(16).padStart(2, '0')}`;
}
