import { CrsMlError } from '../../src/errors';

/** The manifest's `output` does not name a usable score of the sklearn model. */
export class SklearnOutputError extends CrsMlError {
  readonly code = 'SKLEARN_OUTPUT_INVALID';
}
