/**
 * Value decoders for opcodes whose payload is not a plain number: protocol-0 text lines
 * (INT, LONG, FLOAT, STRING, UNICODE) and the two's-complement bytes of LONG1/LONG4.
 * Each returns undefined when the payload is not valid, so the caller can report where.
 */

const LATIN1 = new TextDecoder('latin1');
const UTF8 = new TextDecoder('utf-8');

/** Python ints: a number in the safe range, a bigint beyond it (as in python-value.ts). */
export function pyInt(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** Bytes as latin-1 text: one char per byte, lossless (py2 `str`, `_codecs.encode(..., 'latin1')`). */
export function latin1(bytes: Uint8Array): string {
  return LATIN1.decode(bytes);
}

/**
 * A pickled `str` (BINUNICODE, SHORT_BINUNICODE, BINUNICODE8): UTF-8 written with Python's
 * `surrogatepass`, so a lone surrogate (U+D800..U+DFFF, e.g. '\udcff' from a surrogateescape-decoded
 * request) is the 3 bytes ED A0..BF 80..BF. Decoded as `str(data, 'utf-8', 'surrogatepass')` does
 * (CPython `Modules/_pickle.c` `load_binunicode`): such a sequence becomes that lone code unit, and any
 * other ill-formed byte makes the string invalid (undefined), where Python raises UnicodeDecodeError.
 *
 * Ordinary strings take the native decoder; only a result holding U+FFFD (a replaced sequence, or a
 * genuine U+FFFD) is decoded again, byte by byte. Known limit: a high and a low surrogate pickled
 * side by side are two code points in Python but one character in JavaScript.
 */
export function utf8(bytes: Uint8Array): string | undefined {
  const text = UTF8.decode(bytes);
  return text.includes('\ufffd') ? utf8SurrogatePass(bytes) : text;
}

function utf8SurrogatePass(b: Uint8Array): string | undefined {
  const units = new Uint16Array(b.length);
  let n = 0;
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    if (c < 0x80) {
      units[n++] = c;
      i += 1;
    } else if (c >= 0xc2 && c <= 0xdf && isCont(b, i + 1)) {
      units[n++] = ((c & 0x1f) << 6) | (b[i + 1] & 0x3f);
      i += 2;
    } else if (c >= 0xe0 && c <= 0xef && isCont(b, i + 1) && isCont(b, i + 2) && (c !== 0xe0 || b[i + 1] >= 0xa0)) {
      // 0xED A0..BF is a surrogate: refused by strict UTF-8, passed by surrogatepass.
      units[n++] = ((c & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f);
      i += 3;
    } else if (c >= 0xf0 && c <= 0xf4 && isCont(b, i + 1) && isCont(b, i + 2) && isCont(b, i + 3) && (c !== 0xf0 || b[i + 1] >= 0x90) && (c !== 0xf4 || b[i + 1] <= 0x8f)) {
      const code = (((c & 0x07) << 18) | ((b[i + 1] & 0x3f) << 12) | ((b[i + 2] & 0x3f) << 6) | (b[i + 3] & 0x3f)) - 0x10000;
      units[n++] = 0xd800 | (code >> 10);
      units[n++] = 0xdc00 | (code & 0x3ff);
      i += 4;
    } else return undefined;
  }
  let text = '';
  for (let at = 0; at < n; at += 8192) text += String.fromCharCode(...units.subarray(at, Math.min(n, at + 8192)));
  return text;
}

function isCont(b: Uint8Array, at: number): boolean {
  return at < b.length && (b[at] & 0xc0) === 0x80;
}

/** Latin-1 encoding of a string whose chars are all < 256; undefined otherwise. */
export function latin1Bytes(text: string): Uint8Array | undefined {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 255) return undefined;
    out[i] = c;
  }
  return out;
}

/** LONG1/LONG4 payload: little-endian two's complement (CPython `decode_long`). */
export function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  if (bytes.length <= 6) {
    let value = 0;
    for (let i = bytes.length - 1; i >= 0; i--) value = value * 256 + bytes[i];
    return bytes[bytes.length - 1] >= 0x80 ? value - 2 ** (8 * bytes.length) : value;
  }
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  if (bytes[bytes.length - 1] >= 0x80) value -= 1n << BigInt(8 * bytes.length);
  return pyInt(value);
}

/** INT / LONG text (`I42`, `I01` is True, `L42L`). */
export function parseIntLine(text: string, allowBool: boolean): number | bigint | boolean | undefined {
  if (allowBool && text === '01') return true;
  if (allowBool && text === '00') return false;
  const digits = text.endsWith('L') ? text.slice(0, -1) : text;
  if (!/^[+-]?\d+$/.test(digits)) return undefined;
  return pyInt(BigInt(digits));
}

/** FLOAT text: Python `repr(float)`, including nan and inf which `parseFloat` gets wrong. */
export function parseFloatLine(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'nan' || t === '-nan' || t === '+nan') return NaN;
  if (t === 'inf' || t === '+inf' || t === 'infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

/** UNICODE payload: Python's raw-unicode-escape (latin-1 bytes plus `\uXXXX` and `\UXXXXXXXX`). */
export function decodeRawUnicodeEscape(bytes: Uint8Array): string | undefined {
  const text = latin1(bytes);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && (text[i + 1] === 'u' || text[i + 1] === 'U')) {
      // An odd number of backslashes before u makes an escape; raw-unicode-escape writes `\` itself as \u005c.
      const width = text[i + 1] === 'u' ? 4 : 8;
      const hex = text.slice(i + 2, i + 2 + width);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) return undefined;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) return undefined;
      out += String.fromCodePoint(code);
      i += 1 + width;
    } else {
      out += ch;
    }
  }
  return out;
}

const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['\\', '\\'], ["'", "'"], ['"', '"'], ['a', '\x07'], ['b', '\b'], ['f', '\f'], ['n', '\n'],
  ['r', '\r'], ['t', '\t'], ['v', '\v'], ['\n', ''],
]);

/** STRING payload: a quoted Python 2 `repr` of a byte string; returns its bytes as latin-1 text. */
export function decodeStringLiteral(bytes: Uint8Array): string | undefined {
  const text = latin1(bytes);
  const quote = text[0];
  if (text.length < 2 || (quote !== "'" && quote !== '"') || text[text.length - 1] !== quote) return undefined;
  const body = text.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[++i];
    if (next === undefined) return undefined;
    const simple = SIMPLE_ESCAPES.get(next);
    if (simple !== undefined) {
      out += simple;
    } else if (next === 'x') {
      const hex = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 2;
    } else if (/[0-7]/.test(next)) {
      let oct = next;
      while (oct.length < 3 && /[0-7]/.test(body[i + 1] ?? '')) oct += body[++i];
      out += String.fromCharCode(parseInt(oct, 8) & 0xff);
    } else {
      out += '\\' + next;
    }
  }
  return out;
}
