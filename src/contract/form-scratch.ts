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
  let bits = 0;
  let n = 0;
  for (let i = start; i < end; i++) {
    let c = bytes[i];
    if (c === 0x25 && i + 2 < end && HEX[bytes[i + 1]] >= 0 && HEX[bytes[i + 2]] >= 0) {
      c = (HEX[bytes[i + 1]] << 4) | HEX[bytes[i + 2]];
      i += 2;
    } else if (c === 0x2b) c = 0x20;
    out[n++] = c;
    bits |= c;
  }
  high = bits;
  return n;
}

/** The first `length` decoded bytes as text, as `decodeSurrogateEscape` reads them (UTF-8, surrogateescape). */
export function decodedText(length: number): string {
  return high < 0x80 ? latin1(0, length) : decodeSurrogateEscape(buffer.subarray(0, length));
}
