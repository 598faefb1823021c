import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Estimator } from '../../src/sklearn/base';
import { loadEstimator, runMethod, type MethodOutput } from '../../src/sklearn/build-estimator';
import { fromRows } from '../../src/sklearn/matrix';
import { loadXGBoostModelFile } from '../../src/xgboost';

/** The committed fixture folders, one per XGBoost version (generate_fixtures.py). */
export const XGBOOST_FIXTURES = path.join(__dirname, '..', 'fixtures', 'xgboost');
export const VERSIONS = ['1.7', '3.0', '3.x'] as const;

export interface ModelCase {
  class: string;
  objective: string;
  rows: Array<Array<number | null>>;
  predict: unknown[];
  predict_proba?: number[][];
  margin: number[] | number[][];
  booster_predict: number[] | number[][];
  booster_margin: number[] | number[][];
}

export interface VersionCases {
  xgboost: string;
  python: string;
  models: Record<string, ModelCase>;
  pipeline: { rows: ModelCase['rows']; predict: unknown[]; predict_proba: number[][] };
}

export function readCases(version: string): VersionCases {
  return JSON.parse(readFileSync(path.join(XGBOOST_FIXTURES, version, 'cases.json'), 'utf8')) as VersionCases;
}

/** Loads NAME.ext of a version folder: pickles through the sklearn registry, .json/.ubj natively. */
export function loadFixture(version: string, name: string, ext: 'pkl' | 'joblib' | 'json' | 'ubj'): Estimator {
  const file = path.join(XGBOOST_FIXTURES, version, `${name}.${ext}`);
  return ext === 'json' || ext === 'ubj' ? loadXGBoostModelFile(file) : loadEstimator(file);
}

/** Runs `method` on the case's rows; the output as plain nested arrays. */
export function run(estimator: Estimator, method: string, rows: ModelCase['rows']): unknown[] {
  const out: MethodOutput = runMethod(estimator, method, fromRows(rows));
  if (out instanceof Float64Array) return Array.from(out);
  if (Array.isArray(out)) return out;
  if (out.kind !== 'dense') throw new Error('sparse output');
  return Array.from({ length: out.rows }, (_, r) => Array.from(out.data.subarray(r * out.cols, (r + 1) * out.cols)));
}

/** Largest relative error (absolute below 1e-30) between two equally shaped nested arrays; Infinity on a shape mismatch. */
export function maxRelativeError(actual: unknown, expected: unknown): number {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return Infinity;
    return expected.reduce((worst: number, e, i) => Math.max(worst, maxRelativeError(actual[i], e)), 0);
  }
  if (typeof expected !== 'number' || typeof actual !== 'number') return actual === expected ? 0 : Infinity;
  const diff = Math.abs(actual - expected);
  return diff <= 1e-30 ? 0 : diff / Math.abs(expected);
}
