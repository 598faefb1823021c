import { CrsMlError } from '../errors';

/** An inference request whose tensors do not fit the protocol or the model (HTTP 400). */
export class OipRequestError extends CrsMlError {
  readonly code = 'OIP_REQUEST_INVALID';
}

/** A model name or version this server does not serve (HTTP 404). */
export class OipModelNotFoundError extends CrsMlError {
  readonly code = 'OIP_MODEL_NOT_FOUND';
}

/**
 * The remote model server of an `oip` adapter did not answer usefully: down, timed out, or an
 * error status (HTTP 503 to our own client, whose fail policy then decides).
 */
export class RemoteModelError extends CrsMlError {
  readonly code = 'REMOTE_MODEL_UNAVAILABLE';
}

/** At startup, the remote model's metadata does not offer what the manifest asks for. */
export class RemoteModelMismatchError extends CrsMlError {
  readonly code = 'REMOTE_MODEL_MISMATCH';
}
