import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { decompress, detectCompression, type Compression } from './compression';
import { PickleEmptyError, PickleFileError, PickleSizeLimitError } from './errors';
import { DEFAULT_GLOBAL_DOOR } from './globals';
import { checkGraphLimits } from './graph-limits';
import { resolveLimits, type PickleLimits } from './limits';
import { PickleReader } from './pickle-reader';
import type { GlobalDoor } from './protocol';
import type { PyValue } from './python-value';
import { Unpickler } from './unpickler';

/** Options of every load function. */
export interface LoadOptions {
  /** Name used in messages (a file name); default "pickle". */
  source?: string;
  /** Tighter (or, for trusted big files, looser) limits than DEFAULT_PICKLE_LIMITS. */
  limits?: Partial<PickleLimits>;
  /** A different allowlist door (tests); default DEFAULT_GLOBAL_DOOR. */
  door?: GlobalDoor;
}

/** What a load found, besides the value: for `inspect` and logs. */
export interface LoadReport {
  value: PyValue;
  compression: Compression;
  /** PROTO of the (outer) stream; 0 or 1 when it has none. */
  protocol: number;
  /** Bytes of the pickle stream after decompression. */
  streamBytes: number;
  opcodes: number;
}

/**
 * Unpickles a plain (uncompressed) pickle stream: `pickle.dump` output, or an uncompressed
 * `joblib.dump` file (its inline array bytes are read too). No Python code runs: every global
 * goes through the allowlist in globals.ts.
 *
 * @throws PickleEmptyError, PickleTruncatedError, PickleUnknownOpcodeError, PickleMalformedError,
 *   PickleGlobalNotAllowedError, PickleUnsupportedError, a PickleLimitExceededError subclass, or a
 *   numpy error — each with a stable `code`.
 */
export function loadPickle(bytes: Uint8Array, options: LoadOptions = {}): PyValue {
  return unpickleStream(bytes, options, 'none').value;
}

/** Like loadPickle, but first detects and undoes joblib compression (zlib, gzip, bz2, xz, lzma). */
export function loadModelBytes(bytes: Uint8Array, options: LoadOptions = {}): PyValue {
  return loadModelBytesWithReport(bytes, options).value;
}

/** loadModelBytes, returning what was found along the way. */
export function loadModelBytesWithReport(bytes: Uint8Array, options: LoadOptions = {}): LoadReport {
  const limits = resolveLimits(options.limits);
  const source = options.source ?? 'pickle';
  if (bytes.length === 0) throw emptyError(source);
  if (bytes.length > limits.maxFileBytes) {
    throw new PickleSizeLimitError('maxFileBytes', limits.maxFileBytes, `${source} is ${bytes.length} bytes`);
  }
  const compression = detectCompression(bytes);
  const stream = decompress(bytes, compression, limits, source);
  return unpickleStream(stream, { ...options, source: compression === 'none' ? source : `${source} (${compression}-decompressed)` }, compression);
}

/**
 * Reads a model file written by `pickle.dump` or `joblib.dump` (any compression) and unpickles it.
 * The size is checked before the file is read.
 *
 * @throws PickleFileError when the file cannot be read, plus everything loadModelBytes throws.
 */
export function loadModelFile(filePath: string, options: LoadOptions = {}): PyValue {
  return loadModelFileWithReport(filePath, options).value;
}

/** loadModelFile, returning what was found along the way. */
export function loadModelFileWithReport(filePath: string, options: LoadOptions = {}): LoadReport {
  const limits = resolveLimits(options.limits);
  const source = options.source ?? basename(filePath);
  let bytes: Uint8Array;
  try {
    const size = statSync(filePath).size;
    if (size > limits.maxFileBytes) {
      throw new PickleSizeLimitError('maxFileBytes', limits.maxFileBytes, `${filePath} is ${size} bytes`);
    }
    bytes = readFileSync(filePath);
  } catch (error) {
    if (error instanceof PickleSizeLimitError) throw error;
    throw new PickleFileError(`cannot read model file ${filePath}: ${(error as Error).message}. Check the path and its permissions.`, { cause: error });
  }
  return loadModelBytesWithReport(bytes, { ...options, source, limits });
}

function emptyError(source: string): PickleEmptyError {
  return new PickleEmptyError(`${source} is empty (0 bytes); a pickle has at least a STOP opcode. Copy the model file again.`);
}

function unpickleStream(bytes: Uint8Array, options: LoadOptions, compression: Compression): LoadReport {
  const limits = resolveLimits(options.limits);
  const source = options.source ?? 'pickle';
  if (bytes.length === 0) throw emptyError(source);
  if (bytes.length > limits.maxDecompressedBytes) {
    throw new PickleSizeLimitError('maxDecompressedBytes', limits.maxDecompressedBytes, `${source} is ${bytes.length} bytes`);
  }
  const reader = new PickleReader(bytes, source, limits.maxDecompressedBytes);
  const unpickler = new Unpickler(reader, options.door ?? DEFAULT_GLOBAL_DOOR, limits);
  const value = unpickler.load();
  checkGraphLimits(value, limits, source);
  return { value, compression, protocol: unpickler.protocol, streamBytes: bytes.length, opcodes: unpickler.budget.opcodes };
}
