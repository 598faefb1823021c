import * as zlib from 'node:zlib';
import { PickleCompressionError, PickleSizeLimitError } from './errors';
import type { PickleLimits } from './limits';
import { xzChunkedSize } from './xz-size';

/**
 * joblib's compressed containers, detected from magic bytes (as joblib's own
 * `_detect_compressor`, `joblib/numpy_pickle_utils.py`), never from the file extension.
 * Every decompressor stops at `maxBytes` of output, so a zip bomb fails with PICKLE_SIZE_LIMIT
 * instead of filling memory: zlib and gzip stream inside node:zlib, which checks the running output
 * against `maxOutputLength` after every chunk (a gzip trailer's size is not trusted: a truncated
 * file's last bytes are not one, and it is only a size modulo 4 GiB); bz2 streams into an output that refuses to grow; xz is refused from the sizes
 * its LZMA2 chunks declare, before decoding; lzma-alone decodes with its header claiming the cap.
 * docs/pickle.md ("Zip bombs") has the numbers.
 */
export type Compression = 'none' | 'zlib' | 'gzip' | 'bz2' | 'xz' | 'lzma';

const startsWith = (bytes: Uint8Array, magic: readonly number[]): boolean => magic.every((b, i) => bytes[i] === b);

/** Which container the bytes are in; 'none' for a plain pickle (which starts with PROTO 0x80 or a protocol-0 opcode). */
export function detectCompression(bytes: Uint8Array): Compression {
  if (startsWith(bytes, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(bytes, [0x42, 0x5a, 0x68])) return 'bz2'; // "BZh"
  if (startsWith(bytes, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz';
  if (startsWith(bytes, [0x5d, 0x00, 0x00])) return 'lzma'; // lzma-alone: props 0x5d, dictionary size
  // zlib: CMF 0x78 and a header checksum that is a multiple of 31 (joblib checks only 0x78).
  if (bytes[0] === 0x78 && bytes.length > 1 && ((bytes[0] << 8) | bytes[1]) % 31 === 0) return 'zlib';
  return 'none';
}

const MIN_RATIO_FLOOR = 1024 * 1024;

/**
 * Decompresses `bytes` (of container `kind`) to at most maxDecompressedBytes, and at most
 * maxCompressionRatio times the input (but always up to 1 MiB).
 */
export function decompress(bytes: Uint8Array, kind: Compression, limits: Readonly<PickleLimits>, source: string): Uint8Array {
  const byRatio = Math.max(bytes.length * limits.maxCompressionRatio, MIN_RATIO_FLOOR);
  const ratioBound = byRatio < limits.maxDecompressedBytes;
  const maxBytes = Math.min(byRatio, limits.maxDecompressedBytes);
  const tooLarge = (): PickleSizeLimitError =>
    ratioBound
      ? new PickleSizeLimitError(
          'maxCompressionRatio',
          limits.maxCompressionRatio,
          `${source} (${kind}, ${bytes.length} bytes) decompresses to more than ${maxBytes} bytes, a zip bomb's ratio`,
        )
      : new PickleSizeLimitError('maxDecompressedBytes', limits.maxDecompressedBytes, `${source} (${kind}) decompresses to more than ${maxBytes} bytes`);
  try {
    switch (kind) {
      case 'none':
        return bytes;
      case 'zlib':
        return zlib.inflateSync(bytes, { maxOutputLength: maxBytes, chunkSize: chunkSizeFor(bytes) });
      case 'gzip':
        return zlib.gunzipSync(bytes, { maxOutputLength: maxBytes, chunkSize: chunkSizeFor(bytes) });
      case 'bz2':
        return bunzip(bytes, maxBytes, tooLarge);
      case 'xz':
        return unxz(bytes, maxBytes, tooLarge);
      case 'lzma':
        return unlzma(bytes, maxBytes, tooLarge);
    }
  } catch (error) {
    if (error instanceof PickleSizeLimitError) throw error;
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
    throw new PickleCompressionError(`${source} looks ${kind}-compressed but does not decompress: ${(error as Error).message}. The file is truncated or corrupt.`, {
      cause: error,
    });
  }
}

/** Larger output chunks than zlib's 16 KiB default halve inflate time for multi-MB models. */
function chunkSizeFor(bytes: Uint8Array): number {
  return Math.min(Math.max(bytes.length * 4, 64 * 1024), 8 * 1024 * 1024);
}

/** bz2 through seek-bzip, with an output stream that refuses to grow past the limit. */
function bunzip(bytes: Uint8Array, maxBytes: number, tooLarge: () => Error): Uint8Array {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Bunzip = require('seek-bzip') as { decode(input: Uint8Array, output: object, multistream: boolean): void };
  let buffer = new Uint8Array(Math.min(Math.max(bytes.length * 4, 1 << 16), maxBytes + 1));
  let length = 0;
  const output = {
    writeByte(byte: number): void {
      if (length >= buffer.length) {
        if (length >= maxBytes) throw tooLarge();
        const grown = new Uint8Array(Math.min(buffer.length * 2, maxBytes + 1));
        grown.set(buffer);
        buffer = grown;
      }
      buffer[length++] = byte;
    },
    write(data: Uint8Array, offset: number, count: number): number {
      for (let i = 0; i < count; i++) this.writeByte(data[offset + i]);
      return count;
    },
    flush(): void {},
  };
  Bunzip.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), output, true);
  if (length > maxBytes) throw tooLarge();
  return buffer.subarray(0, length);
}

/**
 * xz: refused before decoding when its index or its LZMA2 chunk headers (src/pickle/xz-size.ts)
 * state more than the cap. The index alone is not enough: the decoder checks it only after
 * decoding everything, so a file whose index lies would fill memory first; chunk headers cannot
 * lie, the decoder produces exactly what each one states.
 */
function unxz(bytes: Uint8Array, maxBytes: number, tooLarge: () => Error): Uint8Array {
  const declared = xzDeclaredSize(bytes);
  if (declared === undefined) throw new Error('the xz stream index is unreadable');
  const chunked = xzChunkedSize(bytes);
  if (chunked === undefined) throw new Error('the xz blocks are not LZMA2 chunks we can size (or are truncated)');
  if (Math.max(declared, chunked) > maxBytes) throw tooLarge();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { xz } = require('@napi-rs/lzma') as { xz: { decompressSync(input: Uint8Array): Uint8Array } };
  const out = xz.decompressSync(bytes);
  if (out.length > maxBytes) throw tooLarge();
  return out;
}

/**
 * lzma-alone (`.lzma`): 13-byte header with an 8-byte uncompressed size, or all ones for
 * "unknown" (what Python's lzma module writes). A known size is checked up front (lzma-rs then
 * enforces it). An unknown one is first decoded with the header claiming `maxBytes + 1`: lzma-rs
 * stops at (or just past) a declared size, so a bomb fails after ~maxBytes of output; a genuine
 * smaller stream ends early, lzma-rs reports its real size, and it is then decoded as is.
 */
function unlzma(bytes: Uint8Array, maxBytes: number, tooLarge: () => Error): Uint8Array {
  if (bytes.length < 13) throw new Error('the lzma header is incomplete');
  const size = new DataView(bytes.buffer, bytes.byteOffset + 5, 8).getBigUint64(0, true);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { lzma } = require('@napi-rs/lzma') as { lzma: { decompressSync(input: Uint8Array): Uint8Array } };
  if (size !== 0xffffffffffffffffn) {
    if (size > BigInt(maxBytes)) throw tooLarge();
    return lzma.decompressSync(bytes);
  }
  // Claim one byte more than allowed: reaching it (success or overshoot) proves the stream too large.
  const capped = Uint8Array.from(bytes);
  new DataView(capped.buffer).setBigUint64(5, BigInt(maxBytes + 1), true);
  try {
    lzma.decompressSync(capped);
    throw tooLarge();
  } catch (error) {
    if (error instanceof PickleSizeLimitError) throw error;
    const actual = /decompressed to (\d+)/.exec((error as Error).message);
    if (actual === null) throw error;
    if (Number(actual[1]) > maxBytes) throw tooLarge();
  }
  const out = lzma.decompressSync(bytes);
  if (out.length > maxBytes) throw tooLarge();
  return out;
}

/** Reads a multi-byte integer of the xz format (7 bits per byte, little-endian). */
function readVarint(bytes: Uint8Array, pos: { at: number }, end: number): number {
  let value = 0;
  for (let shift = 0; shift < 63; shift += 7) {
    if (pos.at >= end) throw new Error('xz index varint runs past its end');
    const byte = bytes[pos.at++];
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return value;
  }
  throw new Error('xz index varint is too long');
}

/** Sum of uncompressed sizes from the index of the last xz stream (streams may be concatenated). */
export function xzDeclaredSize(bytes: Uint8Array): number | undefined {
  let end = bytes.length;
  while (end >= 12 && bytes[end - 1] === 0 && bytes[end - 2] === 0 && bytes[end - 3] === 0 && bytes[end - 4] === 0) end -= 4; // stream padding
  let total = 0;
  let found = false;
  while (end >= 24) {
    const footer = end - 12;
    if (bytes[footer + 10] !== 0x59 || bytes[footer + 11] !== 0x5a) return found ? total : undefined; // "YZ"
    const backwardSize = (new DataView(bytes.buffer, bytes.byteOffset + footer + 4, 4).getUint32(0, true) + 1) * 4;
    const indexStart = footer - backwardSize;
    if (indexStart < 12 || bytes[indexStart] !== 0x00) return undefined;
    const pos = { at: indexStart + 1 };
    const records = readVarint(bytes, pos, footer);
    let unpaddedTotal = 0;
    for (let i = 0; i < records; i++) {
      unpaddedTotal += readVarint(bytes, pos, footer);
      total += readVarint(bytes, pos, footer);
    }
    found = true;
    const streamStart = indexStart - (Math.ceil(unpaddedTotal / 4) * 4) - 12;
    if (streamStart <= 0) return total;
    end = streamStart;
    while (end >= 12 && bytes[end - 1] === 0 && bytes[end - 2] === 0 && bytes[end - 3] === 0 && bytes[end - 4] === 0) end -= 4;
  }
  return total;
}
