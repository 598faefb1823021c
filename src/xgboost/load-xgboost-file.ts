import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { DEFAULT_PICKLE_LIMITS } from '../pickle/limits';
import { Booster } from './booster';
import { XGBoostModelError } from './errors';
import { XGBoostBoosterModel } from './xgb-estimators';

/** File extensions of XGBoost's own model files (`Booster.save_model`). */
export const XGBOOST_MODEL_EXTENSIONS: readonly string[] = ['.json', '.ubj'];

/** True for a `.json` or `.ubj` path: XGBoost's own model format rather than a pickle. */
export function isXGBoostModelFile(filePath: string): boolean {
  return XGBOOST_MODEL_EXTENSIONS.includes(extname(filePath).toLowerCase());
}

/**
 * Reads an XGBoost model file written by `Booster.save_model("model.json")` or `("model.ubj")`
 * (or `XGBClassifier.save_model`, the same format) as an estimator; see {@link XGBoostBoosterModel}.
 * The size is checked before the file is read (the pickle limit, `maxFileBytes`).
 *
 * @throws XGBoostModelError when the file cannot be read or is malformed; XGBoostUnsupportedError
 */
export function loadXGBoostModelFile(filePath: string, maxBytes = DEFAULT_PICKLE_LIMITS.maxFileBytes): XGBoostBoosterModel {
  let bytes: Uint8Array;
  try {
    const size = statSync(filePath).size;
    if (size > maxBytes) throw new XGBoostModelError(`${filePath} is ${size} bytes, over the ${maxBytes}-byte limit for model files.`);
    bytes = readFileSync(filePath);
  } catch (cause) {
    if (cause instanceof XGBoostModelError) throw cause;
    throw new XGBoostModelError(`cannot read the XGBoost model file ${filePath}; check the path (manifest "model").`, { cause });
  }
  if (bytes.length === 0) throw new XGBoostModelError(`${basename(filePath)} is empty; copy the model file again.`);
  return new XGBoostBoosterModel(Booster.fromBytes(bytes, basename(filePath)));
}
