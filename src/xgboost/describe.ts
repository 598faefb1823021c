import type { ModelDescription } from '../pickle/inspect-model';
import { PyObject, type PyValue } from '../pickle/python-value';
import { NdArray } from '../numpy/ndarray';
import { describeError } from '../errors';
import { Booster, type BoosterSummary } from './booster';

const MAX_DEPTH = 8;

/**
 * For `crs-ml-server inspect`: finds every pickled `xgboost.core.Booster` in a loaded value (an
 * XGBClassifier, a Pipeline step, a dict entry) and summarises it: objective, trees, features,
 * classes, base_score, the XGBoost version recorded in its bytes. A booster whose bytes we cannot
 * read is reported with the reason instead. Nothing is evaluated.
 */
export function describeXGBoostBoosters(root: PyValue): ModelDescription[] {
  const found: ModelDescription[] = [];
  const seen = new Set<object>();
  const visit = (value: PyValue, where: string, depth: number): void => {
    if (depth > MAX_DEPTH || value === null || typeof value !== 'object' || value instanceof Uint8Array || value instanceof NdArray) return;
    if (seen.has(value)) return;
    seen.add(value);
    if (value instanceof PyObject) {
      const handle = value.dict().get('handle');
      if (value.className === 'xgboost.core.Booster' && handle instanceof Uint8Array) {
        found.push(describeBoosterBytes(handle, where || 'the file'));
        return;
      }
      for (const [key, inner] of value.dict()) visit(inner, `${where}${where ? '.' : ''}${String(key)}`, depth + 1);
      return;
    }
    if (value instanceof Map) for (const [key, inner] of value) visit(inner, `${where}[${JSON.stringify(typeof key === 'bigint' ? String(key) : key)}]`, depth + 1);
    else if (Array.isArray(value)) value.forEach((inner: PyValue, i: number) => visit(inner, `${where}[${i}]`, depth + 1));
  };
  visit(root, '', 0);
  return found;
}

/** The summary of XGBoost model bytes (a .json/.ubj file's content or a Booster's handle). */
export function describeBoosterBytes(bytes: Uint8Array, where: string): ModelDescription {
  const title = `xgboost booster (${where})`;
  try {
    return { title, fields: summaryFields(Booster.fromBytes(bytes, where).summary) };
  } catch (error) {
    return { title, fields: { error: describeError(error) } };
  }
}

function summaryFields(summary: BoosterSummary): Record<string, unknown> {
  return {
    objective: summary.objective,
    booster: summary.booster,
    trees: summary.trees,
    features: summary.features,
    classes: summary.classes,
    base_score: summary.baseScore.map(shortestFloat32).join(', '),
    base_margin: summary.baseMargin.map(shortestFloat32).join(', '),
    num_parallel_tree: summary.numParallelTree,
    best_iteration: summary.bestIteration ?? 'none',
    xgboost_version: summary.xgboostVersion ?? 'not recorded',
    ...(summary.featureNames.length > 0 ? { feature_names: summary.featureNames.join(', ') } : {}),
  };
}

/** The shortest decimal that reads back as the same float32 (0.31381601095199585 -> 0.313816). */
function shortestFloat32(value: number): string {
  for (let digits = 1; digits < 9; digits++) {
    const text = String(Number(value.toPrecision(digits)));
    if (Math.fround(Number(text)) === value) return text;
  }
  return String(value);
}
