import { existsSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES_ROOT, runEstimatorCases, type RunEstimatorCasesOptions } from '../run-estimator-cases';

/**
 * Every estimator group of one scikit-learn series' fixture tree (`test/fixtures/sklearn/<series>/`,
 * written by generate_trees.py and generate_models.py under that version: see fixture_versions.py),
 * through the shared case runner at the same tolerances as the 1.2 tree's own tests.
 */
const GROUPS: ReadonlyArray<readonly [string, Partial<RunEstimatorCasesOptions>]> = [
  ['trees/tree.json', {}],
  ['trees/forest.json', {}],
  ['trees/iforest.json', {}],
  ['trees/gradient-boosting.json', {}],
  ['trees/hist-gradient-boosting.json', {}],
  ['trees/composed.json', {}],
  ['trees/waf.json', {}],
  ['trees/hostile.json', {}],
  // GradientBoosting fits its LinearRegression init on float32 X: float32 arithmetic (see float32-init.test.ts)
  ['trees/float32-init.json', { tolerance: { relative: 1e-6, absolute: 1e-6 } }],
  ['models/linear.json', {}],
  ['models/svm.json', {}],
  ['models/neighbors.json', {}],
  ['models/covariance.json', {}],
  ['models/naive-bayes.json', {}],
  ['models/neural.json', {}],
  ['models/preprocessing.json', {}],
  ['models/pipeline.json', {}],
  ['models/text.json', {}],
  ['models/text-sparse.json', {}],
  ['models/tampered.json', {}],
];

/**
 * Runs every group of `series` ("1.4", "1.9"). `skip` maps `group:case` or `group:case:method` to
 * the reason; a group file the generator did not write for this version is reported as skipped.
 */
export function runVersionTree(series: string, skip: Readonly<Record<string, string>> = {}): void {
  for (const [group, options] of GROUPS) {
    const fixture = path.join(series, group);
    if (!existsSync(path.join(FIXTURES_ROOT, fixture))) {
      it.skip(`${fixture} (skipped: the ${series} generator wrote no such group)`, () => undefined);
      continue;
    }
    const prefix = `${group}:`;
    const groupSkips = Object.fromEntries(
      Object.entries(skip)
        .filter(([name]) => name.startsWith(prefix))
        .map(([name, reason]) => [name.slice(prefix.length), reason]),
    );
    runEstimatorCases({ fixture, ...options, skip: groupSkips });
  }
}
