import { UsageError } from '../errors';

/**
 * Resource limits of one load. Every limit fails fast with its own error code (src/pickle/errors.ts)
 * before the resource is spent: lengths and array headers are checked before allocating.
 */
export interface PickleLimits {
  /** Bytes of the file as stored (compressed or not). */
  readonly maxFileBytes: number;
  /** Bytes of the pickle stream after decompression (a zip bomb stops here). */
  readonly maxDecompressedBytes: number;
  /**
   * Decompressed bytes per compressed byte. Deflate cannot exceed ~1032:1, so genuine files stay
   * far below; a bz2/xz bomb (10^6:1) stops after a few MB instead of after maxDecompressedBytes.
   * Outputs under 1 MiB are always allowed.
   */
  readonly maxCompressionRatio: number;
  /** Bytes of one Python int (LONG4; text INT/LONG digits count 1 byte per 2 digits). Huge ints are slow to decode. */
  readonly maxIntBytes: number;
  /** Opcodes executed, nested joblib pickles included. */
  readonly maxOpcodes: number;
  /** Memo entries (PUT/MEMOIZE) of one stream. */
  readonly maxMemoEntries: number;
  /** Values on the unpickler stack at once (a DUP bomb). */
  readonly maxStackDepth: number;
  /** Nested MARKs at once. */
  readonly maxMarkDepth: number;
  /** Items the object graph would hold if every shared reference were copied (a memo expansion bomb). */
  readonly maxExpandedItems: number;
  /** Container nesting depth of the result (consumers walk it). */
  readonly maxNestingDepth: number;
  /** Elements of all ndarrays together. */
  readonly maxArrayElements: number;
  /** Data bytes of all ndarrays together. */
  readonly maxArrayBytes: number;
}

const MiB = 1024 * 1024;

/** The defaults: generous for real models (a 500-tree forest is a few MB), tiny next to a bomb. */
export const DEFAULT_PICKLE_LIMITS: Readonly<PickleLimits> = Object.freeze({
  maxFileBytes: 512 * MiB,
  maxDecompressedBytes: 1024 * MiB,
  maxCompressionRatio: 5_000,
  maxIntBytes: 4096,
  maxOpcodes: 10_000_000,
  maxMemoEntries: 1_000_000,
  maxStackDepth: 1_000_000,
  maxMarkDepth: 10_000,
  maxExpandedItems: 50_000_000,
  maxNestingDepth: 1_000,
  maxArrayElements: 256 * MiB,
  maxArrayBytes: 1024 * MiB,
});

/**
 * The defaults with `overrides` applied, frozen. Throws UsageError for an unknown limit name or a
 * value that is not a positive integer.
 */
export function resolveLimits(overrides?: Partial<PickleLimits>): Readonly<PickleLimits> {
  if (overrides === undefined) return DEFAULT_PICKLE_LIMITS;
  const merged = new Map<string, number>(Object.entries(DEFAULT_PICKLE_LIMITS));
  for (const [name, value] of Object.entries(overrides)) {
    if (!merged.has(name)) {
      throw new UsageError(`unknown pickle limit "${name}". Known: ${[...merged.keys()].join(', ')}.`);
    }
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw new UsageError(`pickle limit ${name} must be a positive integer, got ${String(value)}.`);
    }
    merged.set(name, value);
  }
  return Object.freeze(Object.fromEntries(merged) as unknown as PickleLimits);
}
