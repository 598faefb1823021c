import type { EstimatorFactory } from './base';
import { ForestClassifier } from './ensemble/forest-classifier';
import { ForestRegressor } from './ensemble/forest-regressor';
import { IsolationForest } from './ensemble/isolation-forest';
import { DecisionTreeClassifier } from './tree/decision-tree-classifier';
import { DecisionTreeRegressor } from './tree/decision-tree-regressor';

/**
 * The only table of supported scikit-learn classes: one line per estimator file. Lookups go by
 * every name in each factory's `pythonNames`; a name listed twice throws at startup.
 */
export const ESTIMATOR_FACTORIES: readonly EstimatorFactory[] = [
  // trees and ensembles
  DecisionTreeClassifier,
  DecisionTreeRegressor,
  ForestClassifier,
  ForestRegressor,
  IsolationForest,

  // linear, kernels, neighbours, naive Bayes, neural networks, anomaly detectors

  // preprocessing, composition, text
];

/** Python class path -> factory, built once. */
export function buildEstimatorIndex(factories: readonly EstimatorFactory[] = ESTIMATOR_FACTORIES): Map<string, EstimatorFactory> {
  const index = new Map<string, EstimatorFactory>();
  for (const factory of factories) {
    for (const name of factory.pythonNames) {
      if (index.has(name)) throw new Error(`sklearn registry: "${name}" is listed twice`);
      index.set(name, factory);
    }
  }
  return index;
}
