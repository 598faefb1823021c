/**
 * libsvm's probability estimates (sklearn/svm/src/libsvm/svm.cpp, 1.2.1): Platt's sigmoid per class
 * pair from the stored `_probA/_probB`, clipped to [1e-7, 1 - 1e-7], then coupled into class
 * probabilities by Wu, Lin & Weng's method 2 (`multiclass_probability`) — also for two classes.
 */
export function libsvmProbabilities(decisionValues: ArrayLike<number>, probA: Float64Array, probB: Float64Array, k: number): Float64Array {
  const minProb = 1e-7;
  const r: Float64Array[] = Array.from({ length: k }, () => new Float64Array(k));
  let p = 0;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      r[i][j] = Math.min(Math.max(sigmoidPredict(decisionValues[p], probA[p], probB[p]), minProb), 1 - minProb);
      r[j][i] = 1 - r[i][j];
      p++;
    }
  }
  return multiclassProbability(k, r);
}

function sigmoidPredict(decision: number, A: number, B: number): number {
  const fApB = decision * A + B;
  // 1-p is used later; this form avoids catastrophic cancellation (libsvm's comment)
  return fApB >= 0 ? Math.exp(-fApB) / (1.0 + Math.exp(-fApB)) : 1.0 / (1 + Math.exp(fApB));
}

function multiclassProbability(k: number, r: Float64Array[]): Float64Array {
  const maxIter = Math.max(100, k);
  const Q: Float64Array[] = Array.from({ length: k }, () => new Float64Array(k));
  const Qp = new Float64Array(k);
  const p = new Float64Array(k);
  const eps = 0.005 / k;
  for (let t = 0; t < k; t++) {
    p[t] = 1.0 / k;
    Q[t][t] = 0;
    for (let j = 0; j < t; j++) {
      Q[t][t] += r[j][t] * r[j][t];
      Q[t][j] = Q[j][t];
    }
    for (let j = t + 1; j < k; j++) {
      Q[t][t] += r[j][t] * r[j][t];
      Q[t][j] = -r[j][t] * r[t][j];
    }
  }
  for (let iter = 0; iter < maxIter; iter++) {
    let pQp = 0;
    for (let t = 0; t < k; t++) {
      Qp[t] = 0;
      for (let j = 0; j < k; j++) Qp[t] += Q[t][j] * p[j];
      pQp += p[t] * Qp[t];
    }
    let maxError = 0;
    for (let t = 0; t < k; t++) {
      const error = Math.abs(Qp[t] - pQp);
      if (error > maxError) maxError = error;
    }
    if (maxError < eps) break;
    for (let t = 0; t < k; t++) {
      const diff = (-Qp[t] + pQp) / Q[t][t];
      p[t] += diff;
      pQp = (pQp + diff * (diff * Q[t][t] + 2 * Qp[t])) / (1 + diff) / (1 + diff);
      for (let j = 0; j < k; j++) {
        Qp[j] = (Qp[j] + diff * Q[t][j]) / (1 + diff);
        p[j] /= 1 + diff;
      }
    }
  }
  return p;
}
