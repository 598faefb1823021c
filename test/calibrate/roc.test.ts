import { areaUnderCurve, histogram, isAnomaly, ratesAt, rocCurve, thresholdForFpr, type AnomalyWhen } from '../../src/calibrate/roc';

/** A seeded generator, so the synthetic score sets are the same on every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** AUC by definition: over all (attack, benign) pairs, attack more anomalous counts 1, a tie 1/2. */
function pairwiseAuc(benign: number[], attack: number[], anomalyWhen: AnomalyWhen): number {
  let sum = 0;
  for (const a of attack) {
    for (const b of benign) {
      const diff = anomalyWhen === 'above' ? a - b : b - a;
      sum += diff > 0 ? 1 : diff === 0 ? 0.5 : 0;
    }
  }
  return sum / (attack.length * benign.length);
}

const random = lcg(7);
const benignAbove = Array.from({ length: 500 }, () => Math.round(random() * 100) / 100); // ties on purpose
const attackAbove = Array.from({ length: 300 }, () => Math.round((random() * 0.8 + 0.4) * 100) / 100);

describe('decision rule', () => {
  it('matches the server: strictly beyond the threshold, NaN always an anomaly', () => {
    expect(isAnomaly(-1, 0, 'below')).toBe(true);
    expect(isAnomaly(0, 0, 'below')).toBe(false);
    expect(isAnomaly(1, 0, 'above')).toBe(true);
    expect(isAnomaly(0, 0, 'above')).toBe(false);
    expect(isAnomaly(NaN, 0, 'below')).toBe(true);
    expect(isAnomaly(NaN, 0, 'above')).toBe(true);
  });

  it('computes detection and false-positive rates', () => {
    expect(ratesAt([0.1, 0.2, 0.9, 0.95], [0.5, 0.99], 0.9, 'above')).toEqual({ threshold: 0.9, detection: 0.5, falsePositive: 0.25 });
    expect(ratesAt([0.1, 0.2, 0.9, 0.95], [0.5, 0.99], 0.15, 'below')).toEqual({ threshold: 0.15, detection: 0, falsePositive: 0.25 });
  });
});

describe('thresholdForFpr', () => {
  it.each(['above', 'below'] as const)('never exceeds the target and cannot be moved to catch more (%s)', (anomalyWhen) => {
    const benign = anomalyWhen === 'above' ? benignAbove : benignAbove.map((s) => -s);
    const attack = anomalyWhen === 'above' ? attackAbove : attackAbove.map((s) => -s);
    for (const target of [0, 0.001, 0.01, 0.05, 0.1, 0.5]) {
      const t = thresholdForFpr(benign, target, anomalyWhen);
      const rates = ratesAt(benign, attack, t, anomalyWhen);
      expect(rates.falsePositive).toBeLessThanOrEqual(target);
      // The next benign score on the anomalous side would break the target.
      const beyond = benign.filter((s) => (anomalyWhen === 'above' ? s < t : s > t));
      if (beyond.length > 0) {
        const next = anomalyWhen === 'above' ? Math.max(...beyond) : Math.min(...beyond);
        expect(ratesAt(benign, attack, next, anomalyWhen).falsePositive).toBeGreaterThan(target);
      }
    }
  });

  it('honours anomalyWhen: mirrored scores give the mirrored threshold', () => {
    const above = thresholdForFpr(benignAbove, 0.02, 'above');
    const below = thresholdForFpr(benignAbove.map((s) => -s), 0.02, 'below');
    expect(below).toBe(-above);
  });

  it('counts NaN benign scores as flagged', () => {
    const t = thresholdForFpr([NaN, 1, 2, 3, 4, 5, 6, 7, 8, 9], 0.2, 'above');
    expect(ratesAt([NaN, 1, 2, 3, 4, 5, 6, 7, 8, 9], [], t, 'above').falsePositive).toBeLessThanOrEqual(0.2);
    expect(t).toBe(8);
  });

  it('rejects impossible targets', () => {
    expect(() => thresholdForFpr([1], 1.5, 'above')).toThrow(RangeError);
    expect(() => thresholdForFpr([NaN], 0.1, 'above')).toThrow(RangeError);
  });
});

describe('ROC and AUC', () => {
  it.each(['above', 'below'] as const)('AUC equals the pairwise definition, ties included (%s)', (anomalyWhen) => {
    const sign = anomalyWhen === 'above' ? 1 : -1;
    const b = benignAbove.map((s) => sign * s);
    const a = attackAbove.map((s) => sign * s);
    const curve = rocCurve(b, a, anomalyWhen);
    expect(curve[0]).toEqual({ falsePositive: 0, detection: 0 });
    expect(curve[curve.length - 1]).toEqual({ falsePositive: 1, detection: 1 });
    expect(areaUnderCurve(curve)).toBeCloseTo(pairwiseAuc(b, a, anomalyWhen), 12);
  });

  it('is 1 when separated, 0 when reversed, 1/2 when identical', () => {
    expect(areaUnderCurve(rocCurve([1, 2], [3, 4], 'above'))).toBe(1);
    expect(areaUnderCurve(rocCurve([1, 2], [3, 4], 'below'))).toBe(0);
    expect(areaUnderCurve(rocCurve([1, 1], [1, 1], 'above'))).toBe(0.5);
  });
});

describe('histogram', () => {
  it('puts every finite score in one bin, the maximum in the last', () => {
    const h = histogram([0, 0.5, 1, NaN], [1, Infinity], 4);
    expect(h.edges).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(h.benign).toEqual([1, 0, 1, 1]);
    expect(h.attack).toEqual([0, 0, 0, 1]);
    expect(h.nonFinite).toEqual({ benign: 1, attack: 1 });
  });

  it('widens a single value into a visible range', () => {
    const h = histogram([2, 2], [2], 2);
    expect(h.edges).toEqual([1.5, 2, 2.5]);
    expect(h.benign.reduce((x, y) => x + y)).toBe(2);
  });
});
