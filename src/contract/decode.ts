import { isUtf8 } from 'node:buffer';

/**
 * Decodes UTF-8 the way Python's `bytes.decode('utf-8', 'surrogateescape')` does: well-formed
 * sequences become their characters, and each byte of an ill-formed one becomes the lone surrogate
 * U+DC80..U+DCFF. Nothing is lost: encoding the string back with surrogateescape gives the bytes.
 *
 * Linear in the input, with one UTF-16 buffer of at most 2 bytes per input byte: well-formed input
 * is decoded natively; otherwise one pass writes UTF-16 code units (a 16 MiB body of 0xFF bytes
 * takes tens of milliseconds, not the seconds a string built piece by piece took).
 */
export function decodeSurrogateEscape(bytes: Uint8Array): string {
  if (isUtf8(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const units = new Uint16Array(bytes.length); // every byte gives at most one unit; 4 bytes give 2
  const b = bytes;
  const end = b.length;
  let n = 0;
  let i = 0;
  while (i < end) {
    const c = b[i];
    if (c < 0x80) {
      units[n++] = c;
      i++;
      continue;
    }
    const length = validSequenceLength(b, i);
    if (length === 2) units[n++] = ((c & 0x1f) << 6) | (b[i + 1] & 0x3f);
    else if (length === 3) units[n++] = ((c & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f);
    else if (length === 4) {
      const code = (((c & 0x07) << 18) | ((b[i + 1] & 0x3f) << 12) | ((b[i + 2] & 0x3f) << 6) | (b[i + 3] & 0x3f)) - 0x10000;
      units[n++] = 0xd800 | (code >> 10);
      units[n++] = 0xdc00 | (code & 0x3ff);
    } else {
      units[n++] = 0xdc00 | c; // ill-formed: this byte alone, as surrogateescape does
      i++;
      continue;
    }
    i += length;
  }
  return Buffer.from(units.buffer, 0, n * 2).toString('utf16le');
}

/** Length of the well-formed UTF-8 sequence at `i` (RFC 3629, as Python checks it), or 0. */
function validSequenceLength(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c >= 0xc2 && c <= 0xdf) return cont(b, i + 1, 0x80, 0xbf) ? 2 : 0;
  if (c === 0xe0) return cont(b, i + 1, 0xa0, 0xbf) && cont(b, i + 2, 0x80, 0xbf) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(b, i + 1, 0x80, 0xbf) && cont(b, i + 2, 0x80, 0xbf) ? 3 : 0;
  if (c === 0xed) return cont(b, i + 1, 0x80, 0x9f) && cont(b, i + 2, 0x80, 0xbf) ? 3 : 0; // no UTF-8-encoded surrogates
  if (c === 0xf0) return cont(b, i + 1, 0x90, 0xbf) && cont(b, i + 2, 0x80, 0xbf) && cont(b, i + 3, 0x80, 0xbf) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(b, i + 1, 0x80, 0xbf) && cont(b, i + 2, 0x80, 0xbf) && cont(b, i + 3, 0x80, 0xbf) ? 4 : 0;
  if (c === 0xf4) return cont(b, i + 1, 0x80, 0x8f) && cont(b, i + 2, 0x80, 0xbf) && cont(b, i + 3, 0x80, 0xbf) ? 4 : 0;
  return 0;
}

function cont(b: Uint8Array, at: number, low: number, high: number): boolean {
  return at < b.length && b[at] >= low && b[at] <= high;
}

const HEX = new Int8Array(256).fill(-1);
for (let d = 0; d < 10; d++) HEX[0x30 + d] = d;
for (let d = 0; d < 6; d++) {
  HEX[0x41 + d] = 10 + d;
  HEX[0x61 + d] = 10 + d;
}

/**
 * Decodes one `application/x-www-form-urlencoded` value as the WHATWG URL standard does: `+` is a
 * space, `%XX` is the byte XX, a `%` not followed by two hex digits stays as it is. The bytes are
 * then read as UTF-8 with surrogateescape.
 */
export function decodeFormComponent(bytes: Uint8Array): string {
  return decodeSurrogateEscape(percentDecode(bytes));
}

/**
 * The bytes of a form-encoded value (`+` and `%XX` decoded), at most `maxBytes` of them. A value
 * with neither `+` nor `%` is returned as it is, found by two native scans.
 */
export function percentDecode(bytes: Uint8Array, maxBytes = Infinity): Uint8Array {
  if (bytes.indexOf(0x25) < 0 && bytes.indexOf(0x2b) < 0) return bytes.length <= maxBytes ? bytes : bytes.subarray(0, maxBytes);
  const out = new Uint8Array(Math.min(bytes.length, maxBytes));
  const size = out.length;
  let n = 0;
  for (let i = 0; i < bytes.length && n < size; i++) {
    const c = bytes[i];
    if (c === 0x2b) {
      out[n++] = 0x20;
    } else if (c === 0x25 && i + 2 < bytes.length && HEX[bytes[i + 1]] >= 0 && HEX[bytes[i + 2]] >= 0) {
      out[n++] = (HEX[bytes[i + 1]] << 4) | HEX[bytes[i + 2]];
      i += 2;
    } else {
      out[n++] = c;
    }
  }
  return out.subarray(0, n);
}
