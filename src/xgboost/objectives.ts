const f32 = Math.fround;

/** Output kind of an objective: what `predict` of the scikit-learn wrapper means for it. */
export type ObjectiveKind = 'binary' | 'multiclass' | 'regression';

/**
 * How one objective turns `base_score` into the base margin and a margin into XGBoost's
 * `Booster.predict` output, in float32 as XGBoost computes them.
 */
export interface Objective {
  readonly name: string;
  readonly kind: ObjectiveKind;
  /** `ObjFunction::ProbToMargin`: the stored `base_score` -> the margin every row starts from. */
  probToMargin(baseScore: number): number;
  /**
   * `ObjFunction::PredTransform` over one row's margins (`groups` values at `offset`), written
   * to `out` at `outOffset` (1 value for softmax's class index, `groups` otherwise).
   */
  transform(margin: Float32Array, offset: number, groups: number, out: Float32Array, outOffset: number): void;
  /** Values per row of the transformed output. */
  outputsPerRow(groups: number): number;
}

/**
 * `common::Sigmoid` (XGBoost 2.0+ `src/common/math.h`): `1 / (1 + exp(min(-x, 88.7)) + 1e-16)` in
 * float32. 1.7 has no clamp; the two differ only for margins below -88.7 (by under 1e-38).
 */
export function sigmoid32(x: number): number {
  const e = f32(Math.exp(Math.min(f32(-x), f32(88.7))));
  return f32(1 / f32(f32(e + 1) + f32(1e-16)));
}

/** `-log(1/p - 1)` in float32: `RegLossObj`'s ProbToMargin for the logistic objectives. */
function logit32(p: number): number {
  return f32(-f32(Math.log(f32(f32(1 / p) - 1))));
}

const identity = (margin: Float32Array, offset: number, groups: number, out: Float32Array, outOffset: number): void => {
  for (let g = 0; g < groups; g++) out[outOffset + g] = margin[offset + g];
};

const logistic = (name: string, kind: ObjectiveKind): Objective => ({
  name,
  kind,
  probToMargin: logit32,
  transform(margin, offset, groups, out, outOffset) {
    for (let g = 0; g < groups; g++) out[outOffset + g] = sigmoid32(margin[offset + g]);
  },
  outputsPerRow: (groups) => groups,
});

/**
 * `common::Softmax` (`src/common/math.h`): exp(x - max) in float32, summed in double, divided in
 * float32.
 */
export function softmax32(margin: ArrayLike<number>, offset: number, groups: number, out: Float32Array, outOffset: number): void {
  let max = margin[offset];
  for (let g = 1; g < groups; g++) max = Math.max(max, margin[offset + g]);
  let sum = 0;
  for (let g = 0; g < groups; g++) {
    const e = f32(Math.exp(f32(margin[offset + g] - max)));
    out[outOffset + g] = e;
    sum += e;
  }
  const divisor = f32(sum);
  for (let g = 0; g < groups; g++) out[outOffset + g] = f32(out[outOffset + g] / divisor);
}

/**
 * The objectives we evaluate, by XGBoost's name (`learner.objective.name`). Others are refused by
 * name. Sources: XGBoost 1.7.4 / 3.x `src/objective/regression_loss.h`, `multiclass_obj.cu`.
 */
export const OBJECTIVES: ReadonlyMap<string, Objective> = new Map<string, Objective>([
  ['binary:logistic', logistic('binary:logistic', 'binary')],
  ['reg:logistic', logistic('reg:logistic', 'regression')],
  // the margin itself; base_score is used as a margin as it is (LogisticRaw::ProbToMargin is the identity)
  ['binary:logitraw', { name: 'binary:logitraw', kind: 'binary', probToMargin: f32, transform: identity, outputsPerRow: (groups) => groups }],
  ['reg:squarederror', { name: 'reg:squarederror', kind: 'regression', probToMargin: f32, transform: identity, outputsPerRow: (groups) => groups }],
  ['reg:linear', { name: 'reg:linear', kind: 'regression', probToMargin: f32, transform: identity, outputsPerRow: (groups) => groups }],
  // identity links: base_score is the starting value itself
  ...['reg:absoluteerror', 'reg:pseudohubererror', 'reg:squaredlogerror'].map(
    (name): [string, Objective] => [name, { name, kind: 'regression', probToMargin: f32, transform: identity, outputsPerRow: (groups) => groups }],
  ),
  // log links (PoissonRegression, GammaRegression, TweedieRegression): margin = log(base_score), output = exp(margin)
  ...['count:poisson', 'reg:gamma', 'reg:tweedie'].map(
    (name): [string, Objective] => [name, {
      name,
      kind: 'regression',
      probToMargin: (b: number) => f32(Math.log(b)),
      transform(margin: Float32Array, offset: number, groups: number, out: Float32Array, outOffset: number) {
        for (let g = 0; g < groups; g++) out[outOffset + g] = f32(Math.exp(margin[offset + g]));
      },
      outputsPerRow: (groups: number) => groups,
    }],
  ),
  // HingeObj: the class itself, 1 when the margin is positive
  ['binary:hinge', {
    name: 'binary:hinge',
    kind: 'binary',
    probToMargin: f32,
    transform(margin, offset, groups, out, outOffset) {
      for (let g = 0; g < groups; g++) out[outOffset + g] = margin[offset + g] > 0 ? 1 : 0;
    },
    outputsPerRow: (groups) => groups,
  }],
  ['multi:softprob', { name: 'multi:softprob', kind: 'multiclass', probToMargin: f32, transform: softmax32, outputsPerRow: (groups) => groups }],
  ['multi:softmax', {
    name: 'multi:softmax',
    kind: 'multiclass',
    probToMargin: f32,
    // the index of the largest margin, the first one on ties (SoftmaxMultiClassObj::Transform)
    transform(margin, offset, groups, out, outOffset) {
      let best = 0;
      for (let g = 1; g < groups; g++) if (margin[offset + g] > margin[offset + best]) best = g;
      out[outOffset] = best;
    },
    outputsPerRow: () => 1,
  }],
]);

/**
 * `scipy.special.softmax` on a float32 row, as the scikit-learn wrapper's `predict_proba` applies
 * it for `multi:softmax`: exp(x - max), summed and divided in float32.
 */
export function scipySoftmax32(margin: ArrayLike<number>, offset: number, groups: number, out: Float32Array, outOffset: number): void {
  let max = margin[offset];
  for (let g = 1; g < groups; g++) max = Math.max(max, margin[offset + g]);
  let sum = 0;
  for (let g = 0; g < groups; g++) {
    const e = f32(Math.exp(f32(margin[offset + g] - max)));
    out[outOffset + g] = e;
    sum = f32(sum + e);
  }
  for (let g = 0; g < groups; g++) out[outOffset + g] = f32(out[outOffset + g] / sum);
}
