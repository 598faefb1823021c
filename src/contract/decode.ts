import { isUtf8 } from 'node:buffer';

/**
 * Decodes UTF-8 the way Python's `bytes.decode('utf-8', 'surrogateescape')` does: well-formed
 * sequences become their characters, and each byte of an ill-formed one becomes the lone surrogate
 * U+DC80..U+DCFF. Nothing is lost, and `encodeSurrogateEscape` gives the original bytes back.
 */
export function decodeSurrogateEscape(bytes: Uint8Array): string {
  if (isUtf8(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i);
    if (length === 0) {
      out += String.fromCharCode(0xdc00 | bytes[i]);
      i += 1;
    } else {
      out += Buffer.from(bytes.buffer, bytes.byteOffset + i, length).toString('utf8');
      i += length;
    }
  }
  return out;
}

/** Length of the well-formed UTF-8 sequence at `i` (RFC 3629, as Python checks it), or 0. */
function validSequenceLength(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const cont = (k: number, low = 0x80, high = 0xbf) => i + k < b.length && b[i + k] >= low && b[i + k] <= high;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0; // no UTF-8-encoded surrogates
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
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
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
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
  return decodeSurrogateEscape(out.subarray(0, n));
}
