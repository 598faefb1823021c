/**
 * The base of every error this package throws on purpose.
 *
 * Each subclass has a stable `code` (listed in docs/errors.md, checked by a test) so that callers,
 * logs and the HTTP edge can tell failures apart without parsing messages. Domain code knows nothing
 * of HTTP: `src/server/error-status.ts` maps codes to statuses in one table.
 *
 * Area-specific errors live beside their code (`src/pickle/errors.ts`, `src/sklearn/errors.ts`, ...)
 * and extend this class.
 */
export abstract class CrsMlError extends Error {
  /** Stable, SCREAMING_SNAKE identifier of what went wrong. */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The POST body cannot be understood as a request from the Lua client. */
export class RequestFormatError extends CrsMlError {
  readonly code = 'REQUEST_FORMAT';
}

/** The body parsed, but a field fails validation (wrong type, out of range, missing). */
export class RequestValidationError extends CrsMlError {
  readonly code = 'REQUEST_INVALID';
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`field "${field}": ${problem}`);
  }
}

/** The body is larger than the server's configured limit. */
export class RequestTooLargeError extends CrsMlError {
  readonly code = 'REQUEST_TOO_LARGE';
}

/** `--record`: the recording file cannot be opened for appending. */
export class RecordingError extends CrsMlError {
  readonly code = 'RECORDING_FAILED';
}

/** The body could not be read: bad compressed data, fewer bytes than Content-Length, an aborted upload. */
export class RequestBodyError extends CrsMlError {
  readonly code = 'REQUEST_BODY_UNREADABLE';
}

/** The body was not received within the server's body timeout (`--body-timeout-ms`). */
export class RequestTimeoutError extends CrsMlError {
  readonly code = 'REQUEST_TIMEOUT';
}

/** The body's Content-Encoding is not one the server decodes (identity, gzip, deflate, br). */
export class RequestEncodingError extends CrsMlError {
  readonly code = 'REQUEST_ENCODING_UNSUPPORTED';
}

/** The thread parsing a big body stopped while it held the body (src/server/parse-off-thread.ts). */
export class ParseThreadStoppedError extends CrsMlError {
  readonly code = 'PARSE_THREAD_STOPPED';
}

/** A manifest file is missing, is not JSON, or fails validation. */
export class ManifestError extends CrsMlError {
  readonly code = 'MANIFEST_INVALID';
}

/** An adapter name is unknown, registered twice, or a user adapter file is broken. */
export class AdapterError extends CrsMlError {
  readonly code = 'ADAPTER_INVALID';
}

/** A model file could not be loaded by its adapter. */
export class ModelLoadError extends CrsMlError {
  readonly code = 'MODEL_LOAD_FAILED';
}

/** The model failed while scoring (bad input shape, runtime failure). */
export class ScoringError extends CrsMlError {
  readonly code = 'SCORING_FAILED';
}

/** A feature extractor name is unknown or registered twice, or a request cannot be featurised. */
export class FeatureExtractorError extends CrsMlError {
  readonly code = 'FEATURE_EXTRACTOR_INVALID';
}

/** A command-line argument or input file is wrong. */
export class UsageError extends CrsMlError {
  readonly code = 'USAGE';
}

/**
 * Formats an error and its `cause` chain on one line, the way operators read logs:
 * `outer message. Reason: inner message. Reason: ...`.
 *
 * The wrapping rule: each cause is said once. Many wrappers write their cause into their own
 * message (`cannot read x: ENOENT ...`) *and* keep it as `cause` for code that inspects it; a cause
 * whose message the line already holds is therefore skipped, never printed twice. Errors from
 * another realm (a vm context, a user adapter compiled apart) count as errors by their `message`.
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    const message = (current as { message?: unknown }).message;
    if (typeof current === 'object' && typeof message === 'string') {
      if (parts.length === 0 || !parts.some((part) => part.includes(message))) parts.push(message);
      current = (current as { cause?: unknown }).cause;
    } else {
      const text = String(current);
      if (!parts.some((part) => part.includes(text))) parts.push(text);
      break;
    }
  }
  return parts.join('. Reason: ');
}
