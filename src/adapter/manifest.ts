import { readFileSync } from 'node:fs';
import path from 'node:path';
import { plainToInstance } from 'class-transformer';
import {
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  ValidationError,
  validateSync,
} from 'class-validator';
import { ManifestError } from '../errors';

/** The file a models directory must hold. */
export const MANIFEST_FILE = 'manifest.json';

/**
 * `saved_models/manifest.json`: the directives of the original `placeholder.py`, as data.
 *
 * | placeholder.py                          | manifest field |
 * |-----------------------------------------|----------------|
 * | `pkl_filename = 'saved_models/x.pkl'`   | `model`        |
 * | `ml_model.decision_function(features)`  | `output`       |
 * | `threshold = -0.313`                    | `threshold`    |
 * | `score < threshold` means attack        | `anomalyWhen`  |
 * | `get_features(...)`                     | `extractor`    |
 */
export class ModelManifest {
  /** Shown in logs; defaults to the directory name. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  name?: string;

  /** Registry name of the adapter: `random`, `sklearn`, `onnx`, or a user adapter's name. */
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'adapter must be a name like "sklearn" or "my-adapter"' })
  adapter!: string;

  /** Model file, relative to the manifest's directory. Omit for adapters that need none. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  model?: string;

  /** Which model output is the score: `decision_function`, `score_samples`, `predict`, `predict_proba[:,1]`... */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  output?: string;

  /** Scores on the anomalous side of this value are blocked (HTTP 401). */
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'threshold must be a finite number, e.g. -0.313' })
  threshold!: number;

  /** `below`: score < threshold is an anomaly (IsolationForest, the original); `above`: score > threshold is. */
  @IsIn(['below', 'above'])
  anomalyWhen: 'below' | 'above' = 'below';

  /** Registry name of the feature extractor (see docs/features.md). */
  @IsString()
  @IsNotEmpty()
  extractor: string = 'waf-v1';

  /** For model files holding a dict: which key holds the estimator. */
  @IsOptional()
  @IsString()
  key?: string;

  /** Folder of user adapters, relative to the manifest's directory. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  adapters?: string;

  /** Adapter-specific settings; each adapter validates its own. */
  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;
}

/** Validates an already-parsed manifest object; `source` names it in errors. */
export function validateManifest(raw: unknown, source: string): ModelManifest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ManifestError(`${source}: the manifest must be a JSON object.`);
  }
  const manifest = plainToInstance(ModelManifest, raw);
  const errors = validateSync(manifest, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ManifestError(`${source}: ${errors.map(formatValidationError).join('; ')}. See README.md "The manifest".`);
  }
  return manifest;
}

/** Reads and validates `<modelsDir>/manifest.json`. */
export function readManifest(modelsDir: string): ModelManifest {
  const file = path.join(modelsDir, MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ManifestError(`cannot read ${file}: a models directory must hold a ${MANIFEST_FILE}.`, { cause });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new ManifestError(`${file} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return validateManifest(raw, file);
}

function formatValidationError(error: ValidationError): string {
  const problems = Object.values(error.constraints ?? {});
  if (problems.length === 0) return `field "${error.property}" is invalid`;
  return `field "${error.property}": ${problems.join(', ')}`;
}
