import { readFileSync } from 'node:fs';
import path from 'node:path';
import { classesOf, loadEstimator } from '../../../src/sklearn/build-estimator';

// What the sklearn adapter asks of a loaded model besides its methods: does it read text (one string
// per row), and what are its classes_ (to pick a predict_proba column by label)?
const models = path.resolve(__dirname, '../../fixtures/sklearn/models');
interface Case {
  name: string;
  model: string;
  key?: string;
  input: unknown[];
  outputs?: Record<string, unknown>;
}
const cases = (group: string) => JSON.parse(readFileSync(path.join(models, `${group}.json`), 'utf8')) as Case[];

describe('readsText is true exactly for models fed with strings', () => {
  for (const group of ['text', 'pipeline', 'linear']) {
    for (const c of cases(group).filter((x) => x.outputs !== undefined)) {
      it(`${group}/${c.name}`, () => {
        const estimator = loadEstimator(path.join(models, c.model), { key: c.key });
        expect(estimator.readsText === true).toBe(typeof c.input[0] === 'string');
      });
    }
  }
});

describe('classes_ are visible for every classifier with predict_proba, in predict_proba column order', () => {
  for (const group of ['linear', 'svm', 'neighbors', 'naive-bayes', 'neural', 'pipeline', 'text']) {
    for (const c of cases(group).filter((x) => x.outputs?.predict_proba !== undefined && x.outputs?.predict !== undefined)) {
      it(`${group}/${c.name}`, () => {
        const estimator = loadEstimator(path.join(models, c.model), { key: c.key });
        const classes = classesOf(estimator);
        const proba = c.outputs?.predict_proba as number[][];
        const predicted = c.outputs?.predict as unknown[];
        expect(classes?.length).toBe(proba[0].length);
        // the label of each row's highest probability is among the classes, at that column
        proba.forEach((row, r) => {
          const best = row.indexOf(Math.max(...row));
          if (row.filter((p) => p === row[best]).length === 1 && !c.name.includes('svc') && !c.name.includes('svm')) {
            expect(classes?.[best]).toEqual(predicted[r]);
          }
        });
      });
    }
  }
});
