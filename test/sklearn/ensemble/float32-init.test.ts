import path from 'node:path';
import { loadModelFile } from '../../../src/pickle/load-pickle';
import { buildEstimator } from '../../../src/sklearn/build-estimator';
import { runEstimatorCases } from '../run-estimator-cases';

// GradientBoostingRegressor(init=LinearRegression()): GradientBoosting fits its init estimator on
// the float32-cast X, so that LinearRegression keeps float32 coef_ and sklearn computes its init
// predictions in float32 BLAS arithmetic (summation order and FMA are OpenBLAS's). We compute the
// same formula in float64, so the stated tolerance here is float32's: 1e-6 relative or 1e-6 absolute.
runEstimatorCases({ fixture: 'trees/float32-init.json', tolerance: { relative: 1e-6, absolute: 1e-6 } });

describe('a GradientBoostingClassifier whose LogisticRegression init keeps float32 coefficients (scikit-learn 1.9)', () => {
  // 1.9 fits the init on GradientBoosting's float32 X and keeps float32 coef_; sklearn then predicts
  // it in float32 BLAS (up to 1e-2 away from float64 near p = 1). We refuse instead of answering
  // a silently different number (test/sklearn/versions/version-trees.ts lists them as refused).
  it.each(['gbc-init-logistic-regression', 'gbc-multinomial-init-logistic-regression'])('%s is refused with UNSUPPORTED_ESTIMATOR', (name) => {
    const file = path.join(__dirname, '../../fixtures/sklearn/1.9/trees/float32-init', `${name}.pkl`);
    expect(() => buildEstimator(loadModelFile(file))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_ESTIMATOR', message: expect.stringMatching(/float32 coefficients .* re-train with init=None/) }));
  });
});
