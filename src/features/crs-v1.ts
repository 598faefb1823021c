/**
 * `crs-v1`: CRS's own scores for a request (contract v2 `crs` field) as 12 numbers, each log(1 + score).
 *
 * | feature | CRS 4 TX variable (CRS 3.3 name)                      | example |
 * |---------|-------------------------------------------------------|---------|
 * | pl1..pl4 | inbound_anomaly_score_pl1..4 (anomaly_score_pl1..4)  | 5       |
 * | sqli    | sql_injection_score                                   | 5       |
 * | xss     | xss_score                                             | 0       |
 * | rce     | rce_score                                             | 0       |
 * | lfi     | lfi_score                                             | 0       |
 * | rfi     | rfi_score                                             | 0       |
 * | php     | php_injection_score                                   | 0       |
 * | http    | http_violation_score                                  | 0       |
 * | session | session_fixation_score                                | 0       |
 *
 * An absent, negative or non-finite score counts as 0; a name sent twice counts its highest value;
 * other names are ignored. Names may carry a `tx.` prefix. Python twin: training/crs_features.py.
 */
import type { MlRequest } from '../contract/ml-request';
import type { FeatureExtractor } from './feature-extractor';

/** Column names, in output order. */
export const CRS_V1_FEATURE_NAMES: readonly string[] = Object.freeze(['pl1', 'pl2', 'pl3', 'pl4', 'sqli', 'xss', 'rce', 'lfi', 'rfi', 'php', 'http', 'session']);

const COLUMN = new Map<string, number>([
  ...[1, 2, 3, 4].flatMap((pl) => [[`inbound_anomaly_score_pl${pl}`, pl - 1] as const, [`anomaly_score_pl${pl}`, pl - 1] as const]),
  ['sql_injection_score', 4],
  ['xss_score', 5],
  ['rce_score', 6],
  ['lfi_score', 7],
  ['rfi_score', 8],
  ['php_injection_score', 9],
  ['http_violation_score', 10],
  ['session_fixation_score', 11],
]);

/** The 12 crs-v1 features of a request; all zero when the client sent no CRS scores (contract v1). */
export function extractCrsV1(request: MlRequest): number[] {
  const raw = new Array<number>(CRS_V1_FEATURE_NAMES.length).fill(0);
  for (const [name, value] of request.crs ?? []) {
    const column = COLUMN.get(name.startsWith('tx.') ? name.slice(3) : name);
    if (column !== undefined && Number.isFinite(value) && value > raw[column]) raw[column] = value;
  }
  return raw.map((score) => Math.log1p(score));
}

export const crsV1: FeatureExtractor = { name: 'crs-v1', featureNames: CRS_V1_FEATURE_NAMES, extract: extractCrsV1 };
