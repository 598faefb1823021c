/**
 * The exact decompressed size of an xz file, read from its LZMA2 chunk headers without decoding
 * anything (format: https://tukaani.org/xz/xz-file-format.txt sections 2-3, and the LZMA2 chunk
 * header as liblzma's `src/liblzma/lzma/lzma2_decoder.c` reads it).
 *
 * Every LZMA2 chunk states how many bytes it unpacks to (at most 2 MiB) and how many packed bytes
 * follow, and the decoder produces exactly that many, so the sum is the output size and cannot
 * lie, unlike the stream index (which liblzma only checks against the data once it has decoded it
 * all). Returns undefined when the structure is not the one we can walk (a filter chain not ending
 * in LZMA2, a bad control byte, a chunk running past the end): the caller refuses the file.
 */
export function xzChunkedSize(bytes: Uint8Array): number | undefined {
  let at = 0;
  let total = 0;
  while (at < bytes.length) {
    if (at > 0 && isPadding(bytes, at)) {
      at += 4; // stream padding between concatenated streams
      continue;
    }
    if (!isStreamHeader(bytes, at)) return undefined;
    const checkSize = CHECK_SIZES[bytes[at + 7] & 0x0f];
    at += 12;
    for (;;) {
      if (at >= bytes.length) return undefined;
      if (bytes[at] === 0x00) break; // the index starts: this stream's blocks are done
      const block = walkBlock(bytes, at, checkSize);
      if (block === undefined) return undefined;
      total += block.unpacked;
      at = block.end;
    }
    const index = skipIndexAndFooter(bytes, at);
    if (index === undefined) return undefined;
    at = index;
  }
  return total;
}

/** Check field bytes by the stream flags' check type (0 none, 1 CRC32, 4 CRC64, 10 SHA-256, the rest reserved sizes). */
const CHECK_SIZES = [0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64];
const MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const LZMA2_FILTER_ID = 0x21;

function isStreamHeader(bytes: Uint8Array, at: number): boolean {
  return at + 12 <= bytes.length && MAGIC.every((b, i) => bytes[at + i] === b);
}

function isPadding(bytes: Uint8Array, at: number): boolean {
  return at + 4 <= bytes.length && bytes[at] === 0 && bytes[at + 1] === 0 && bytes[at + 2] === 0 && bytes[at + 3] === 0;
}

/** One block: its header (the last filter must be LZMA2), its LZMA2 chunks, padding and check. */
function walkBlock(bytes: Uint8Array, start: number, checkSize: number): { unpacked: number; end: number } | undefined {
  const headerSize = (bytes[start] + 1) * 4;
  if (start + headerSize > bytes.length) return undefined;
  const flags = bytes[start + 1];
  const pos = { at: start + 2 };
  const end = start + headerSize - 4; // before the header's CRC32
  if ((flags & 0x40) !== 0) varint(bytes, pos, end); // compressed size
  if ((flags & 0x80) !== 0) varint(bytes, pos, end); // uncompressed size (checked by the decoder; we count chunks)
  let lastFilter = -1;
  for (let filters = (flags & 0x03) + 1; filters > 0; filters--) {
    lastFilter = varint(bytes, pos, end) ?? -1;
    const propsSize = varint(bytes, pos, end);
    if (lastFilter < 0 || propsSize === undefined) return undefined;
    pos.at += propsSize;
  }
  // Filters before LZMA2 (BCJ, delta) keep the size; anything else is not ours to walk.
  if (lastFilter !== LZMA2_FILTER_ID || pos.at > end) return undefined;

  let at = start + headerSize;
  let unpacked = 0;
  for (;;) {
    if (at >= bytes.length) return undefined;
    const control = bytes[at];
    if (control === 0x00) {
      at += 1;
      break;
    }
    if (control === 0x01 || control === 0x02) {
      if (at + 3 > bytes.length) return undefined;
      const size = ((bytes[at + 1] << 8) | bytes[at + 2]) + 1;
      unpacked += size;
      at += 3 + size;
    } else if (control >= 0x80) {
      if (at + 5 > bytes.length) return undefined;
      unpacked += (((control & 0x1f) << 16) | (bytes[at + 1] << 8) | bytes[at + 2]) + 1;
      const packed = ((bytes[at + 3] << 8) | bytes[at + 4]) + 1;
      at += 5 + (control >= 0xc0 ? 1 : 0) + packed; // states 2 and 3 carry a properties byte
    } else return undefined;
  }
  const padded = start + Math.ceil((at - start) / 4) * 4;
  return padded + checkSize <= bytes.length ? { unpacked, end: padded + checkSize } : undefined;
}

/** Past the index (its size from the footer's backward size) and the 12-byte footer. */
function skipIndexAndFooter(bytes: Uint8Array, at: number): number | undefined {
  const pos = { at: at + 1 };
  const records = varint(bytes, pos, bytes.length);
  if (records === undefined) return undefined;
  for (let i = 0; i < 2 * records; i++) if (varint(bytes, pos, bytes.length) === undefined) return undefined;
  const indexEnd = at + Math.ceil((pos.at - at) / 4) * 4 + 4; // padding, then CRC32
  const footerEnd = indexEnd + 12;
  if (footerEnd > bytes.length || bytes[footerEnd - 2] !== 0x59 || bytes[footerEnd - 1] !== 0x5a) return undefined; // "YZ"
  return footerEnd;
}

/** A multi-byte integer of the xz format (7 bits per byte, little-endian, at most 9 bytes). */
function varint(bytes: Uint8Array, pos: { at: number }, end: number): number | undefined {
  let value = 0;
  for (let shift = 0; shift < 63; shift += 7) {
    if (pos.at >= end) return undefined;
    const byte = bytes[pos.at++];
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return value;
  }
  return undefined;
}
