import { runEstimatorCases } from '../run-estimator-cases';

// GradientBoostingRegressor(init=LinearRegression()): GradientBoosting fits its init estimator on
// the float32-cast X, so that LinearRegression keeps float32 coef_ and sklearn computes its init
// predictions in float32 BLAS arithmetic (summation order and FMA are OpenBLAS's). We compute the
// same formula in float64, so the stated tolerance here is float32's: 1e-6 relative or 1e-6 absolute.
runEstimatorCases({ fixture: 'trees/float32-init.json', tolerance: { relative: 1e-6, absolute: 1e-6 } });
