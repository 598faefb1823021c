/**
 * The arithmetic of threshold calibration, on plain score arrays: detection and false-positive rates
 * at a threshold, the threshold for a target false-positive rate, the ROC curve and its AUC.
 *
 * The decision rule is the server's (`thresholdDecision` in src/adapter/load-model.ts): with
 * `anomalyWhen: below` a score is an anomaly when `!(score >= threshold)`, with `above` when
 * `!(score <= threshold)`. So a NaN score is always an anomaly, here as when serving.
 */
export type AnomalyWhen = 'below' | 'above';

/** Detection rate (attacks flagged) and false-positive rate (benign flagged) at one threshold. */
export interface Rates {
  readonly threshold: number;
  readonly detection: number;
  readonly falsePositive: number;
}

export interface RocPoint {
  readonly falsePositive: number;
  readonly detection: number;
}

export function isAnomaly(score: number, threshold: number, anomalyWhen: AnomalyWhen): boolean {
  return anomalyWhen === 'below' ? !(score >= threshold) : !(score <= threshold);
}

function flaggedFraction(scores: readonly number[], threshold: number, anomalyWhen: AnomalyWhen): number {
  if (scores.length === 0) return 0;
  let n = 0;
  for (const s of scores) if (isAnomaly(s, threshold, anomalyWhen)) n++;
  return n / scores.length;
}

export function ratesAt(
  benign: readonly number[],
  attack: readonly number[],
  threshold: number,
  anomalyWhen: AnomalyWhen,
): Rates {
  return {
    threshold,
    detection: flaggedFraction(attack, threshold, anomalyWhen),
    falsePositive: flaggedFraction(benign, threshold, anomalyWhen),
  };
}

/** Scores turned so that larger means more anomalous; NaN (always an anomaly) becomes +Infinity. */
function anomalyOrder(scores: readonly number[], anomalyWhen: AnomalyWhen): number[] {
  return scores.map((s) => (Number.isNaN(s) ? Infinity : anomalyWhen === 'below' ? -s : s));
}

/**
 * The threshold that flags as many requests as possible while flagging at most `targetFpr` of the
 * benign ones: one of the benign scores, so the rate is exact on this benign set. Non-finite benign
 * scores count as flagged.
 *
 * @param targetFpr in [0, 1]
 * @throws RangeError when there are no finite benign scores or the target is out of range
 */
export function thresholdForFpr(benign: readonly number[], targetFpr: number, anomalyWhen: AnomalyWhen): number {
  if (!(targetFpr >= 0 && targetFpr <= 1)) throw new RangeError(`target false-positive rate must be in [0, 1], got ${targetFpr}`);
  const finite = benign.filter(Number.isFinite);
  if (finite.length === 0) throw new RangeError('no finite benign scores to calibrate on');
  // Most normal first: ascending for "above" (anomalies are high), descending for "below".
  const sorted = [...finite].sort((a, b) => (anomalyWhen === 'above' ? a - b : b - a));
  const allowed = Math.floor(targetFpr * benign.length + 1e-9) - (benign.length - finite.length);
  if (allowed < 0) return sorted[sorted.length - 1];
  // Flagged = strictly beyond the threshold, so the cut sits on the (n - allowed)-th most normal score.
  const index = Math.max(0, sorted.length - 1 - allowed);
  return sorted[index];
}

/** ROC curve from (0,0) to (1,1), one point per distinct score, ties as one diagonal step. */
export function rocCurve(benign: readonly number[], attack: readonly number[], anomalyWhen: AnomalyWhen): RocPoint[] {
  const b = anomalyOrder(benign, anomalyWhen);
  const a = anomalyOrder(attack, anomalyWhen);
  const all = [...b.map((s) => ({ s, attack: false })), ...a.map((s) => ({ s, attack: true }))].sort((x, y) => y.s - x.s);
  const points: RocPoint[] = [{ falsePositive: 0, detection: 0 }];
  let fp = 0;
  let tp = 0;
  for (let i = 0; i < all.length; ) {
    const value = all[i].s;
    for (; i < all.length && all[i].s === value; i++) {
      if (all[i].attack) tp++;
      else fp++;
    }
    points.push({ falsePositive: b.length ? fp / b.length : 0, detection: a.length ? tp / a.length : 0 });
  }
  return points;
}

/** Area under the ROC curve (trapezoids): P(an attack looks more anomalous than a benign request), ties half. */
export function areaUnderCurve(points: readonly RocPoint[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    area += ((points[i].falsePositive - points[i - 1].falsePositive) * (points[i].detection + points[i - 1].detection)) / 2;
  }
  return area;
}

/** Score histogram over fixed bins; non-finite scores are counted apart. */
export interface Histogram {
  readonly edges: number[];
  readonly benign: number[];
  readonly attack: number[];
  readonly nonFinite: { benign: number; attack: number };
}

export function histogram(benign: readonly number[], attack: readonly number[], bins = 40): Histogram {
  const finite = [...benign, ...attack].filter(Number.isFinite);
  let low = finite.length ? finite[0] : 0;
  let high = low;
  for (const s of finite) {
    if (s < low) low = s;
    if (s > high) high = s;
  }
  if (high === low) {
    low -= 0.5;
    high += 0.5;
  }
  const width = (high - low) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? high : low + i * width));
  const count = (scores: readonly number[]) => {
    const counts = new Array<number>(bins).fill(0);
    for (const s of scores) if (Number.isFinite(s)) counts[Math.min(bins - 1, Math.floor((s - low) / width))]++;
    return counts;
  };
  return {
    edges,
    benign: count(benign),
    attack: count(attack),
    nonFinite: { benign: benign.filter((s) => !Number.isFinite(s)).length, attack: attack.filter((s) => !Number.isFinite(s)).length },
  };
}
