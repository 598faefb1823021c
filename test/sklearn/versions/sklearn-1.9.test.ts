import { NEWER_THAN_1_2_SKIPS, runVersionTree } from './version-trees';

// Every estimator family, fitted and saved by scikit-learn 1.9 (test/fixtures/sklearn/1.9/, see
// test/fixtures/sklearn/fixture_versions.py for the exact sklearn/numpy/Python), against that
// version's own answers: 1e-9 relative / 1e-12 absolute, labels exact, trees bit-exact in practice.
runVersionTree('1.9', NEWER_THAN_1_2_SKIPS);
