import { decodeSurrogateEscape } from './decode';

/**
 * One reused buffer that form values are percent-decoded into, so the url-encoded parser's common
 * case allocates nothing but the strings it returns (every string read from it is a copy). Parsing
 * is synchronous, so one buffer per thread is enough; it grows to the largest value decoded (callers
 * keep that within 3 × the text budget, docs/contract.md).
 */
let buffer = Buffer.allocUnsafe(4096);
/** OR of the bytes the last {@link percentDecodeInto} wrote: below 0x80 means ASCII. */
let high = 0;
/** OR of (byte - 0x20) over the bytes the last {@link percentDecodeInto} wrote: negative when one is a control character. */
let low = 0;

/** The scratch buffer; valid until the next {@link percentDecodeInto}. */
export function scratch(): Buffer {
  return buffer;
}

/** Node's native latin1 slice (on every Buffer, though undocumented); `toString('latin1', ...)` where absent. */
interface Latin1Sliceable {
  latin1Slice(start: number, end: number): string;
}
const HAS_LATIN1_SLICE = typeof (Buffer.prototype as unknown as Partial<Latin1Sliceable>).latin1Slice === 'function';

/** Bytes [start, end) of the scratch as latin1 (ASCII here), without `toString`'s encoding dispatch. */
export function latin1(start: number, end: number): string {
  return HAS_LATIN1_SLICE ? (buffer as unknown as Latin1Sliceable).latin1Slice(start, end) : buffer.toString('latin1', start, end);
}

const HEX = new Int8Array(256).fill(-1);
for (let d = 0; d < 10; d++) HEX[0x30 + d] = d;
for (let d = 0; d < 6; d++) {
  HEX[0x41 + d] = 10 + d;
  HEX[0x61 + d] = 10 + d;
}

/**
 * `percentDecode` (decode.ts) of bytes [start, end) of `bytes` into the scratch buffer, from its
 * start: `+` is a space, `%XX` the byte XX, any other `%` stays. Returns the decoded length.
 */
export function percentDecodeInto(bytes: Uint8Array, start: number, end: number): number {
  if (buffer.length < end - start) buffer = Buffer.allocUnsafe(Math.max(end - start, 2 * buffer.length));
  const out = buffer;
  const lastEscape = end - 2; // a '%' from here on has no two characters after it
  let bits = 0;
  let controls = 0;
  let n = 0;
  let i = start;
  while (i < end) {
    let c = bytes[i];
    if (c === 0x25 && i < lastEscape) {
      const hi = HEX[bytes[i + 1]];
      const lo = HEX[bytes[i + 2]];
      if ((hi | lo) >= 0) {
        c = (hi << 4) | lo;
        i += 3;
      } else i++;
    } else {
      if (c === 0x2b) c = 0x20;
      i++;
    }
    out[n++] = c;
    bits |= c;
    controls |= c - 0x20;
  }
  high = bits;
  low = controls;
  return n;
}

/** Whether the bytes the last {@link percentDecodeInto} wrote are all printable ASCII (0x20-0x7f). */
export function decodedIsPrintableAscii(): boolean {
  return high < 0x80 && low >= 0;
}

/** The first `length` decoded bytes as text, as `decodeSurrogateEscape` reads them (UTF-8, surrogateescape). */
export function decodedText(length: number): string {
  if (high >= 0x80) return decodeSurrogateEscape(buffer.subarray(0, length));
  return length <= 4 ? shortAscii(length) : latin1(0, length);
}

/** The first `length` (at most 4) ASCII bytes as text without a call into native code: v, hour, day, method. */
function shortAscii(length: number): string {
  const b = buffer;
  switch (length) {
    case 0:
      return '';
    case 1:
      return String.fromCharCode(b[0]);
    case 2:
      return String.fromCharCode(b[0], b[1]);
    case 3:
      return String.fromCharCode(b[0], b[1], b[2]);
    default:
      return String.fromCharCode(b[0], b[1], b[2], b[3]);
  }
}
