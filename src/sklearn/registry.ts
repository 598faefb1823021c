import type { EstimatorFactory } from './base';
import { ForestClassifier } from './ensemble/forest-classifier';
import { ForestRegressor } from './ensemble/forest-regressor';
import { IsolationForest } from './ensemble/isolation-forest';
import { GradientBoostingClassifier } from './ensemble/gradient-boosting-classifier';
import { GradientBoostingRegressor } from './ensemble/gradient-boosting-regressor';
import { HistGradientBoostingClassifier } from './ensemble/hist-gradient-boosting-classifier';
import { HistGradientBoostingRegressor } from './ensemble/hist-gradient-boosting-regressor';
import { DummyClassifier, DummyRegressor } from './ensemble/dummy';
import { BaggingClassifier, BaggingRegressor } from './ensemble/bagging';
import { AdaBoostClassifier, AdaBoostRegressor } from './ensemble/adaboost';
import { VotingClassifier, VotingRegressor } from './ensemble/voting';
import { StackingClassifier, StackingRegressor } from './ensemble/stacking';
import { DecisionTreeClassifier } from './tree/decision-tree-classifier';
import { DecisionTreeRegressor } from './tree/decision-tree-regressor';

// linear, kernels, neighbours, naive Bayes, neural networks, anomaly detectors; preprocessing, composition, text
import { EllipticEnvelope } from './covariance/elliptic-envelope';
import { GaussianMixture } from './covariance/gaussian-mixture';
import { ElasticNet } from './linear/elastic-net';
import { IsotonicRegression } from './linear/isotonic-regression';
import { Lasso } from './linear/lasso';
import { LinearDiscriminantAnalysis } from './linear/linear-discriminant-analysis';
import { LinearModel } from './linear/linear-model';
import { LinearRegression } from './linear/linear-regression';
import { LinearSVC } from './linear/linear-svc';
import { LogisticRegression } from './linear/logistic-regression';
import { Ridge } from './linear/ridge';
import { RidgeClassifier } from './linear/ridge-classifier';
import { SGDClassifier } from './linear/sgd-classifier';
import { SGDOneClassSVM } from './linear/sgd-one-class-svm';
import { SGDRegressor } from './linear/sgd-regressor';
import { BernoulliNB } from './naive-bayes/bernoulli-nb';
import { ComplementNB } from './naive-bayes/complement-nb';
import { GaussianNB } from './naive-bayes/gaussian-nb';
import { MultinomialNB } from './naive-bayes/multinomial-nb';
import { KNeighborsClassifier } from './neighbors/k-neighbors-classifier';
import { KNeighborsRegressor } from './neighbors/k-neighbors-regressor';
import { LocalOutlierFactor } from './neighbors/local-outlier-factor';
import { MLPClassifier } from './neural/mlp-classifier';
import { MLPRegressor } from './neural/mlp-regressor';
import { CalibratedClassifierCV } from './pipeline/calibrated-classifier-cv';
import { FrozenEstimator } from './pipeline/frozen-estimator';
import { ColumnTransformer } from './pipeline/column-transformer';
import { OneClassSVM } from './svm/one-class-svm';
import { SVC } from './svm/svc';
import { SVR } from './svm/svr';
import { FeatureUnion } from './pipeline/feature-union';
import { FunctionTransformer } from './pipeline/function-transformer';
import { Pipeline } from './pipeline/pipeline';
import { Binarizer } from './preprocessing/binarizer';
import { MaxAbsScaler } from './preprocessing/max-abs-scaler';
import { MinMaxScaler } from './preprocessing/min-max-scaler';
import { Normalizer } from './preprocessing/normalizer';
import { OneHotEncoder } from './preprocessing/one-hot-encoder';
import { OrdinalEncoder } from './preprocessing/ordinal-encoder';
import { PCA } from './preprocessing/pca';
import { PolynomialFeatures } from './preprocessing/polynomial-features';
import { RobustScaler } from './preprocessing/robust-scaler';
import { SimpleImputer } from './preprocessing/simple-imputer';
import { StandardScaler } from './preprocessing/standard-scaler';
import { TruncatedSVD } from './preprocessing/truncated-svd';
import { CountVectorizer } from './text/count-vectorizer';
import { HashingVectorizer } from './text/hashing-vectorizer';
import { TfidfTransformer } from './text/tfidf-transformer';
import { TfidfVectorizer } from './text/tfidf-vectorizer';
import { XGBClassifier, XGBRegressor } from '../xgboost/xgb-estimators';

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
  GradientBoostingClassifier,
  GradientBoostingRegressor,
  HistGradientBoostingClassifier,
  HistGradientBoostingRegressor,
  DummyClassifier,
  DummyRegressor,
  BaggingClassifier,
  BaggingRegressor,
  AdaBoostClassifier,
  AdaBoostRegressor,
  VotingClassifier,
  VotingRegressor,
  StackingClassifier,
  StackingRegressor,

  // linear, kernels, neighbours, naive Bayes, neural networks, anomaly detectors
  LogisticRegression,
  LinearSVC,
  SGDClassifier,
  RidgeClassifier,
  LinearRegression,
  Ridge,
  Lasso,
  ElasticNet,
  SGDRegressor,
  LinearModel,
  IsotonicRegression,
  LinearDiscriminantAnalysis,
  SGDOneClassSVM,
  SVC,
  SVR,
  OneClassSVM,
  KNeighborsClassifier,
  KNeighborsRegressor,
  LocalOutlierFactor,
  EllipticEnvelope,
  GaussianMixture,
  GaussianNB,
  MultinomialNB,
  BernoulliNB,
  ComplementNB,
  MLPClassifier,
  MLPRegressor,

  // preprocessing, composition, text
  Pipeline,
  ColumnTransformer,
  FeatureUnion,
  CalibratedClassifierCV,
  FrozenEstimator,
  FunctionTransformer,
  StandardScaler,
  MinMaxScaler,
  RobustScaler,
  MaxAbsScaler,
  Normalizer,
  PCA,
  TruncatedSVD,
  PolynomialFeatures,
  Binarizer,
  OneHotEncoder,
  OrdinalEncoder,
  SimpleImputer,
  CountVectorizer,
  TfidfVectorizer,
  TfidfTransformer,
  HashingVectorizer,

  // XGBoost's scikit-learn wrappers (src/xgboost/)
  XGBClassifier,
  XGBRegressor,
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
