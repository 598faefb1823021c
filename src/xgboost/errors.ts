import { CrsMlError } from '../errors';

/**
 * An XGBoost model file (`.json`, `.ubj`, or the bytes a pickled `Booster` carries) that cannot be
 * read: broken JSON/UBJSON, a missing or mistyped field, trees whose arrays disagree. The message
 * names the file and the field.
 */
export class XGBoostModelError extends CrsMlError {
  readonly code = 'XGBOOST_MODEL_INVALID';
}

/**
 * A well-formed XGBoost model using something we do not evaluate (an objective other than the
 * supported ones, the `gblinear`/`dart` boosters, vector leaves, the pre-1.0 binary format).
 * We refuse rather than guess; the message names what and says what to do.
 */
export class XGBoostUnsupportedError extends CrsMlError {
  readonly code = 'XGBOOST_UNSUPPORTED';
}
