import { CrsMlError } from '../errors';

/** An ndarray, dtype or numpy scalar in the pickle has a state numpy itself would reject. */
export class NumpyFormatError extends CrsMlError {
  readonly code = 'NUMPY_FORMAT';
}

/** An array cannot be converted as asked (strings to float64, int64 beyond 2^53, a missing field). */
export class NumpyConversionError extends CrsMlError {
  readonly code = 'NUMPY_CONVERSION';
}
