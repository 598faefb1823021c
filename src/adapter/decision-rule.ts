import type { ModelManifest } from './manifest';
import type { ModelAdapter } from './model-adapter';

/**
 * How a served model turns a score into pass or anomaly: the manifest's threshold, or the
 * adapter's own `decide()` (which makes `threshold` and `anomalyWhen` unused). `GET /info` and the
 * startup line report it, so nobody reads a threshold that decides nothing.
 */
export type DecisionRule =
  | { readonly by: 'threshold'; readonly threshold: number; readonly anomalyWhen: 'below' | 'above' }
  | { readonly by: 'adapter'; readonly adapter: string; readonly rule: string };

/** The rule `loadModel` applies: the adapter's `decide` when it has one, else the manifest's threshold. */
export function decisionRuleOf(adapter: ModelAdapter, manifest: Pick<ModelManifest, 'threshold' | 'anomalyWhen'>): DecisionRule {
  if (typeof adapter.decide === 'function') {
    const description = adapter.describe();
    return { by: 'adapter', adapter: description.name, rule: description.decision ?? `decide(score) of adapter "${description.name}"` };
  }
  return { by: 'threshold', threshold: manifest.threshold, anomalyWhen: manifest.anomalyWhen };
}

/** One phrase for logs: `anomaly when score < -0.313`, or the adapter's rule. */
export function describeDecisionRule(rule: DecisionRule): string {
  if (rule.by === 'adapter') return `decided by the adapter: ${rule.rule}`;
  return `anomaly when score ${rule.anomalyWhen === 'below' ? '<' : '>'} ${rule.threshold}`;
}
