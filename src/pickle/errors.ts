import { CrsMlError } from '../errors';

/**
 * Errors of the pickle bridge (src/pickle, src/numpy). Each code is listed in docs/errors.md.
 * Messages name what failed, where (opcode and byte offset of the stream), and what to do next.
 */

/** Where in a stream something happened: `"STACK_GLOBAL at byte 34 of model.pkl"`. */
export interface PickleLocation {
  readonly opcode?: string;
  readonly offset?: number;
  readonly source: string;
}

/** Formats a location for messages. */
export function describeLocation(at: PickleLocation): string {
  const where = at.offset === undefined ? at.source : `byte ${at.offset} of ${at.source}`;
  return at.opcode === undefined ? where : `${at.opcode} at ${where}`;
}

/** The file (or byte array) is empty: it cannot be a pickle. */
export class PickleEmptyError extends CrsMlError {
  readonly code = 'PICKLE_EMPTY';
}

/** The stream ends before its STOP opcode, or a read runs past the end. */
export class PickleTruncatedError extends CrsMlError {
  readonly code = 'PICKLE_TRUNCATED';
}

/** A byte that is not a pickle opcode: the file is not a pickle (or is corrupt). */
export class PickleUnknownOpcodeError extends CrsMlError {
  readonly code = 'PICKLE_UNKNOWN_OPCODE';
}

/** The opcodes are valid but do not form a sensible program (stack underflow, missing MARK, wrong types). */
export class PickleMalformedError extends CrsMlError {
  readonly code = 'PICKLE_MALFORMED';
}

/** A feature of the pickle format we refuse on purpose: persistent ids, extension codes, out-of-band buffers. */
export class PickleUnsupportedError extends CrsMlError {
  readonly code = 'PICKLE_UNSUPPORTED';
}

/** The pickle names a Python global that is not in the allowlist (src/pickle/globals.ts). */
export class PickleGlobalNotAllowedError extends CrsMlError {
  readonly code = 'PICKLE_GLOBAL_NOT_ALLOWED';
  constructor(
    /** `module.qualname` as written in the pickle. */
    readonly globalName: string,
    readonly at: PickleLocation,
  ) {
    super(
      globalName.startsWith('__main__.')
        ? mainClassMessage(globalName, at)
        : `Pickle global "${globalName}" is not allowed (${describeLocation(at)}). ` +
            'Nothing was executed. If it is a genuine scikit-learn/numpy class, add it to src/pickle/globals.ts with a reason; ' +
            'otherwise do not load this file.',
    );
  }
}

/**
 * A class from the author's own script (`__main__`): its code is not in the file, so no allowlist entry
 * could ever evaluate it. The way out is on the author's side: re-save without it.
 */
function mainClassMessage(globalName: string, at: PickleLocation): string {
  const name = globalName.slice('__main__.'.length);
  return (
    `Pickle global "${globalName}" is not allowed (${describeLocation(at)}): ${name} is a class defined in the script that saved ` +
    `the model (__main__), not scikit-learn code, and its code is not in the file. Nothing was executed. Re-save the model ` +
    `without it: do ${name}'s work on the rows before they reach the model and save only the scikit-learn part ` +
    `(e.g. joblib.dump(pipeline[1:], "model.joblib") when ${name} is the pipeline's first step), or replace ${name} with ` +
    'scikit-learn transformers (ColumnTransformer, OneHotEncoder, SimpleImputer, ...).'
  );
}

/** An allowed global is used in a way its entry does not support (e.g. a type used only as a value is called). */
export class PickleGlobalNotCallableError extends CrsMlError {
  readonly code = 'PICKLE_GLOBAL_NOT_CALLABLE';
}

/** Decompression of a joblib container (zlib, gzip, bz2, xz, lzma) failed. */
export class PickleCompressionError extends CrsMlError {
  readonly code = 'PICKLE_COMPRESSION';
}

/** The model file cannot be read from disk. */
export class PickleFileError extends CrsMlError {
  readonly code = 'PICKLE_FILE_UNREADABLE';
}

/**
 * A resource limit of `PickleLimits` was exceeded. Subclasses carry one code per kind of limit so a
 * memo bomb and a 10^12-element array header are told apart. Limits can be raised per load with
 * `loadModelFile(path, { limits: { ... } })` when a genuine model needs it.
 */
export abstract class PickleLimitExceededError extends CrsMlError {
  constructor(
    /** The name of the limit in `PickleLimits`. */
    readonly limit: string,
    /** The configured maximum. */
    readonly max: number,
    message: string,
  ) {
    super(`${message} (limit ${limit} = ${max}). If the file is trusted and genuinely this large, raise ${limit}.`);
  }
}

/** The file or its decompressed stream is larger than maxFileBytes / maxDecompressedBytes. */
export class PickleSizeLimitError extends PickleLimitExceededError {
  readonly code = 'PICKLE_SIZE_LIMIT';
}

/** A length field (string, bytes, big int) claims more bytes than any allowed file can hold. */
export class PickleLengthLimitError extends PickleLimitExceededError {
  readonly code = 'PICKLE_LENGTH_LIMIT';
}

/** More opcodes than maxOpcodes. */
export class PickleOpcodeLimitError extends PickleLimitExceededError {
  readonly code = 'PICKLE_OPCODE_LIMIT';
}

/** More memo entries than maxMemoEntries (a memo bomb). */
export class PickleMemoLimitError extends PickleLimitExceededError {
  readonly code = 'PICKLE_MEMO_LIMIT';
}

/** The value stack or MARK nesting grew beyond maxStackDepth / maxMarkDepth (a DUP bomb). */
export class PickleStackLimitError extends PickleLimitExceededError {
  readonly code = 'PICKLE_STACK_LIMIT';
}

/** Shared references expand to more than maxExpandedItems, or containers nest deeper than maxNestingDepth. */
export class PickleExpansionLimitError extends PickleLimitExceededError {
  readonly code = 'PICKLE_EXPANSION_LIMIT';
}

/** An array header claims more elements or bytes than maxArrayElements / maxArrayBytes. */
export class PickleArrayLimitError extends PickleLimitExceededError {
  readonly code = 'PICKLE_ARRAY_LIMIT';
}
