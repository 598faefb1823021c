import type { FeatureExtractor } from './feature-extractor';
import { crsV1 } from './crs-v1';
import { wafV1 } from './waf-v1';

export type { FeatureExtractor } from './feature-extractor';
export { ExtractorRegistry } from './extractor-registry';
export { parseRequestLine } from './request-line';
export { extractWafV1, WAF_V1_FEATURE_NAMES, wafV1 } from './waf-v1';

/** The extractors every server knows; `src/container.ts` registers them. Versioned names only. */
export const builtInExtractors: readonly FeatureExtractor[] = [wafV1, crsV1];
export { payloadItemsV1, percentDecode, PAYLOAD_V1_SKIPPED_HEADERS, PAYLOAD_V1_STEP, PAYLOAD_V1_WINDOW } from './payload-v1';
export { TEXT_VIEWS, type TextView } from './text-views';
export { CRS_V1_FEATURE_NAMES, crsV1, extractCrsV1 } from './crs-v1';
