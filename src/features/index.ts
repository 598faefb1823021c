import type { FeatureExtractor } from './feature-extractor';
import { wafV1 } from './waf-v1';

export type { FeatureExtractor } from './feature-extractor';
export { ExtractorRegistry } from './extractor-registry';
export { parseRequestLine } from './request-line';
export { extractWafV1, WAF_V1_FEATURE_NAMES, wafV1 } from './waf-v1';

/** The extractors every server knows; `src/container.ts` registers them. Versioned names only. */
export const builtInExtractors: readonly FeatureExtractor[] = [wafV1];
