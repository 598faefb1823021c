/** Native XGBoost: model files and pickled scikit-learn wrappers evaluated without Python (docs/xgboost.md). */
export { Booster, type BoosterSummary } from './booster';
export { decodeModelBytes } from './model-bytes';
export { XGBClassifier, XGBRegressor, XGBoostBoosterModel } from './xgb-estimators';
export { isXGBoostModelFile, loadXGBoostModelFile, XGBOOST_MODEL_EXTENSIONS } from './load-xgboost-file';
export { OBJECTIVES } from './objectives';
export { XGBoostModelError, XGBoostUnsupportedError } from './errors';
export { decodeUbjson } from './ubjson';
export { describeXGBoostBoosters, describeBoosterBytes } from './describe';
export { inspectXGBoostFile, formatXGBoostInspectReport, type XGBoostInspectReport } from './inspect-xgboost-file';
