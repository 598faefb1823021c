import { CrsMlError } from '../errors';

/** The one table from error codes to HTTP statuses; anything unlisted is a 500. */
const STATUS_BY_CODE = new Map<string, number>([
  ['REQUEST_FORMAT', 400],
  ['REQUEST_INVALID', 400],
  ['REQUEST_TOO_LARGE', 413],
  ['REQUEST_BODY_UNREADABLE', 400],
  ['REQUEST_TIMEOUT', 408],
  ['REQUEST_ENCODING_UNSUPPORTED', 415],
  // Not the client's doing, and a retry succeeds: the Lua client's fail policy decides this request.
  ['PARSE_THREAD_STOPPED', 503],
  ['FEATURE_EXTRACTOR_INVALID', 500],
  ['SCORING_FAILED', 500],
  ['OIP_REQUEST_INVALID', 400],
  ['OIP_MODEL_NOT_FOUND', 404],
  // The remote model of an `oip` adapter is down: a 503 sends the Lua client to its fail policy.
  ['REMOTE_MODEL_UNAVAILABLE', 503],
]);

export function statusOfError(error: unknown): number {
  return error instanceof CrsMlError ? (STATUS_BY_CODE.get(error.code) ?? 500) : 500;
}
