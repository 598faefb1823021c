import type { LoadedModel } from '../adapter/load-model';
import type { MlRequest } from '../contract/ml-request';
import { areaUnderCurve, histogram, ratesAt, rocCurve, thresholdForFpr, type AnomalyWhen, type Histogram, type Rates, type RocPoint } from './roc';

/** False-positive rates at which the table shows a threshold, besides the target and the manifest's. */
export const CANDIDATE_FPRS = [0, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1];

export interface CalibrationInput {
  readonly benign: readonly number[];
  readonly attack: readonly number[];
  readonly anomalyWhen: AnomalyWhen;
  /** The manifest's current threshold. */
  readonly threshold: number;
  readonly targetFpr: number;
}

export interface Calibration extends CalibrationInput {
  /** Rates at the manifest's threshold. */
  readonly current: Rates;
  /** The suggested threshold and its rates on these sets. */
  readonly suggested: Rates;
  /** One row per candidate false-positive rate (duplicates removed), most strict first. */
  readonly candidates: Rates[];
  readonly roc: RocPoint[];
  readonly auc: number;
  readonly histogram: Histogram;
}

/** Everything `calibrate` prints and draws, from the two score lists. */
export function calibrateScores(input: CalibrationInput): Calibration {
  const { benign, attack, anomalyWhen } = input;
  const at = (threshold: number) => ratesAt(benign, attack, threshold, anomalyWhen);
  const suggested = at(thresholdForFpr(benign, input.targetFpr, anomalyWhen));
  const seen = new Set<number>();
  const candidates = [...CANDIDATE_FPRS, input.targetFpr]
    .sort((a, b) => a - b)
    .map((fpr) => thresholdForFpr(benign, fpr, anomalyWhen))
    .filter((t) => !seen.has(t) && seen.add(t) !== undefined)
    .map(at);
  const roc = rocCurve(benign, attack, anomalyWhen);
  return {
    ...input,
    current: at(input.threshold),
    suggested,
    candidates,
    roc,
    auc: areaUnderCurve(roc),
    histogram: histogram(benign, attack),
  };
}

export interface ScoreProgress {
  readonly set: string;
  readonly done: number;
  readonly total: number;
}

/**
 * Scores requests with the served model (its extractor, adapter and output), `chunkSize` at a time
 * through `judgeBatch`, reporting progress after each chunk.
 */
export async function scoreRequests(
  model: Pick<LoadedModel, 'judgeBatch'>,
  requests: readonly MlRequest[],
  options: { set: string; chunkSize?: number; onProgress?: (progress: ScoreProgress) => void },
): Promise<number[]> {
  const chunkSize = options.chunkSize ?? 256;
  const scores: number[] = [];
  for (let start = 0; start < requests.length; start += chunkSize) {
    const decisions = await model.judgeBatch(requests.slice(start, start + chunkSize));
    for (const decision of decisions) scores.push(decision.score);
    options.onProgress?.({ set: options.set, done: scores.length, total: requests.length });
  }
  return scores;
}
