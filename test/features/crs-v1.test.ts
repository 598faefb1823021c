import { CRS_V1_FEATURE_NAMES, extractCrsV1 } from '../../src/features/crs-v1';
import type { MlRequest } from '../../src/contract/ml-request';

const base: MlRequest = { method: 'GET', path: '/', args: [], files: [], sizes: [], hour: 1, day: 1 };

describe('crs-v1', () => {
  it('maps CRS 4 and CRS 3.3 names to log(1 + score), in the documented order', () => {
    const row = extractCrsV1({ ...base, crs: [['inbound_anomaly_score_pl1', 5], ['anomaly_score_pl2', 3], ['tx.sql_injection_score', 10], ['xss_score', 0]] });
    expect(row).toHaveLength(CRS_V1_FEATURE_NAMES.length);
    expect(row[0]).toBeCloseTo(Math.log(6), 12);
    expect(row[1]).toBeCloseTo(Math.log(4), 12);
    expect(row[4]).toBeCloseTo(Math.log(11), 12);
    expect(row[5]).toBe(0);
  });

  it('is all zeros without scores, and ignores unknown, negative and non-finite ones; a repeated name keeps its highest', () => {
    expect(extractCrsV1(base)).toEqual(new Array(12).fill(0));
    const row = extractCrsV1({ ...base, crs: [['made_up_score', 9], ['rce_score', -4], ['lfi_score', Number.NaN], ['xss_score', 2], ['xss_score', 7], ['xss_score', 1]] });
    expect(row[6]).toBe(0);
    expect(row[7]).toBe(0);
    expect(row[5]).toBeCloseTo(Math.log(8), 12);
  });
});
