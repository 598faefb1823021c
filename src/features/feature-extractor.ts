import type { MlRequest } from '../contract/ml-request';

/**
 * Turns a parsed request into a fixed-length row of numbers, in a documented order.
 * The default one (`waf-v1`, see docs/features.md) has an exact Python twin for training.
 */
export interface FeatureExtractor {
  /** Registry name, versioned: a changed definition gets a new name. */
  readonly name: string;
  /** Column names, in output order. */
  readonly featureNames: readonly string[];
  extract(request: MlRequest): number[];
}
