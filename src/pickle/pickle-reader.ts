import { BufferReader } from 'pickleparser';
import { PickleLengthLimitError, PickleTruncatedError } from './errors';

/**
 * Bounds-checked reads over one pickle stream, on top of pickleparser's `BufferReader` (which does
 * the little-endian decoding). Every read is checked *before* it happens so that a truncated file
 * fails with PICKLE_TRUNCATED at the right offset, and a length field larger than any allowed file
 * (2^62 bytes...) fails with PICKLE_LENGTH_LIMIT without allocating anything.
 */
export class PickleReader {
  private readonly inner: BufferReader;

  constructor(
    readonly bytes: Uint8Array,
    /** Name of the stream for messages (file name, "(decompressed) model.joblib"...). */
    readonly source: string,
    /** Largest length field accepted; anything above cannot be genuine (maxDecompressedBytes). */
    private readonly maxLength: number,
  ) {
    this.inner = new BufferReader(bytes);
  }

  get position(): number {
    return this.inner.position;
  }

  get remaining(): number {
    return this.bytes.length - this.inner.position;
  }

  hasNext(): boolean {
    return this.inner.hasNext();
  }

  private need(count: number, what: string): void {
    if (count > this.remaining) {
      throw new PickleTruncatedError(
        `${this.source} ends at byte ${this.bytes.length} while reading ${what} (${count} bytes needed at byte ${this.position}). ` +
          'The file is truncated or corrupt; copy it again from its source.',
      );
    }
  }

  /** Checks a length read from the stream before it is used, then that the bytes are there. */
  checkLength(length: number | bigint, what: string): number {
    if (typeof length === 'bigint' || length < 0 || length > this.maxLength) {
      throw new PickleLengthLimitError(
        'maxDecompressedBytes',
        this.maxLength,
        `${what} at byte ${this.position} of ${this.source} claims ${String(length)} bytes`,
      );
    }
    this.need(length, what);
    return length;
  }

  byte(): number {
    this.need(1, 'a byte');
    return this.inner.byte();
  }

  uint16(): number {
    this.need(2, 'a 2-byte integer');
    return this.inner.uint16();
  }

  int32(): number {
    this.need(4, 'a 4-byte integer');
    return this.inner.int32();
  }

  uint32(): number {
    this.need(4, 'a 4-byte integer');
    return this.inner.uint32();
  }

  /** An unsigned 64-bit length; values beyond 2^53 come back as bigint so checkLength refuses them. */
  uint64(): number | bigint {
    this.need(8, 'an 8-byte length');
    const raw = this.inner.bytes(8);
    const view = new DataView(raw.buffer, raw.byteOffset, 8);
    const value = view.getBigUint64(0, true);
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }

  /** Big-endian float64 (BINFLOAT). */
  float64(): number {
    this.need(8, 'a float');
    return this.inner.float64();
  }

  /** `count` raw bytes (a view, not a copy). */
  read(count: number, what = 'data'): Uint8Array {
    this.need(count, what);
    return this.inner.bytes(count) as Uint8Array;
  }

  /** Bytes up to (not including) the next newline, which is consumed; for text opcodes of protocol 0. */
  line(what: string): Uint8Array {
    const end = this.bytes.indexOf(0x0a, this.position);
    if (end < 0) {
      throw new PickleTruncatedError(
        `${this.source} ends before the newline of ${what} started at byte ${this.position}. The file is truncated or corrupt.`,
      );
    }
    const data = this.inner.bytes(end - this.position) as Uint8Array;
    this.inner.skip(1);
    return data;
  }
}
