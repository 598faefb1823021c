import type { Estimator } from '../../src/sklearn/base';
import { availableMethods, classesOf } from '../../src/sklearn/build-estimator';
import { EstimatorMethodError } from '../../src/sklearn/errors';
import { SklearnOutputError } from './errors';

/** Which estimator method gives the score, and which column of a 2-D result. */
export interface SklearnOutput {
  readonly method: 'decision_function' | 'score_samples' | 'predict' | 'predict_proba';
  /** Column index for 2-D outputs; undefined for 1-D ones. */
  readonly column?: number;
  /** Normalised text for logs: `predict_proba[:,1]`, `predict_proba[:,'attack']`. */
  readonly text: string;
}

const METHODS = new Set(['decision_function', 'score_samples', 'predict', 'predict_proba']);
/** Tried in this order when the manifest names no output. */
const DEFAULTS = ['decision_function', 'score_samples', 'predict_proba', 'predict'] as const;

/**
 * Parses and checks a manifest `output` against the loaded estimator:
 * - `decision_function`, `score_samples`, `predict` (numeric labels only), `predict_proba[:,1]`;
 * - `method[:,N]`: column N (numpy indexing, like placeholder.py would write it);
 * - `method[:,'label']` (or `"label"`): the column of that class in `classes_`.
 * Without an output: the first of decision_function, score_samples, predict_proba[:,1], predict the
 * estimator has.
 *
 * @throws SklearnOutputError for malformed text or a column that does not exist
 * @throws EstimatorMethodError when the estimator lacks the method
 */
export function resolveSklearnOutput(text: string | undefined, estimator: Estimator): SklearnOutput {
  const methods = availableMethods(estimator);
  if (text === undefined) {
    const method = DEFAULTS.find((m) => methods.includes(m));
    if (method === undefined) throw new EstimatorMethodError(`${estimator.pythonClass} has no method that gives a score (it has: ${methods.join(', ') || 'none'}).`);
    text = method === 'predict_proba' ? 'predict_proba[:,1]' : method;
  }
  const match = /^\s*([a-z_]+)\s*(?:\[\s*:\s*,\s*(?:(-?\d+)|'([^']*)'|"([^"]*)"|([^\]'"]+?))\s*\])?\s*$/.exec(text);
  if (match === null || !METHODS.has(match[1])) {
    throw new SklearnOutputError(
      `output "${text}" is not one of decision_function, score_samples, predict, predict_proba[:,1] or ` +
        `predict_proba[:,'<class label>'] (see docs/sklearn.md).`,
    );
  }
  const method = match[1] as SklearnOutput['method'];
  if (!methods.includes(method)) {
    throw new EstimatorMethodError(`output "${text}": ${estimator.pythonClass} has no ${method}; it has: ${methods.join(', ') || 'none'}.`);
  }
  const classes = classesOf(estimator);
  if (match[2] !== undefined) {
    const column = Number(match[2]);
    if (column < 0 || (classes !== undefined && method !== 'predict' && column >= Math.max(classes.length, 2))) {
      throw new SklearnOutputError(`output "${text}": column ${column} does not exist (the estimator has ${classes?.length} classes).`);
    }
    return { method, column, text: `${method}[:,${column}]` };
  }
  const label = match[3] ?? match[4] ?? match[5];
  if (label !== undefined) {
    if (classes === undefined) throw new SklearnOutputError(`output "${text}": ${estimator.pythonClass} has no classes_ to look "${label}" up in.`);
    const column = classes.findIndex((c) => String(c) === label);
    if (column < 0) {
      throw new SklearnOutputError(`output "${text}": no class "${label}" in classes_ (${classes.map((c) => JSON.stringify(c)).join(', ')}).`);
    }
    return { method, column, text: `${method}[:,${JSON.stringify(label).replace(/"/g, "'")}]` };
  }
  if (method === 'predict_proba') throw new SklearnOutputError(`output "${text}": predict_proba is 2-D; pick a column, e.g. "predict_proba[:,1]".`);
  if (method === 'predict' && classes !== undefined && classes.some((c) => typeof c !== 'number' && typeof c !== 'boolean')) {
    throw new SklearnOutputError(
      `output "predict": the classes are labels (${classes.map((c) => JSON.stringify(c)).join(', ')}), not scores; ` +
        `use "predict_proba[:,'${String(classes[classes.length - 1])}']" and a threshold on that probability.`,
    );
  }
  return { method, text: method };
}
