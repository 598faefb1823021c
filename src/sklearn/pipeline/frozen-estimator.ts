import type { PyValue } from '../../pickle/python-value';
import type { BuildContext, Estimator } from '../base';
import { StateReader } from '../state-reader';

/**
 * `sklearn.frozen.FrozenEstimator` (1.6+; scikit-learn 1.8 removed `CalibratedClassifierCV(cv="prefit")`
 * in its favour): a fitted estimator that `fit` leaves alone. Its state is `{estimator}`; every
 * method is the wrapped estimator's (`sklearn/frozen/_frozen.py`, 1.9.0, `__getattr__`).
 */
export class FrozenEstimator implements Estimator {
  static readonly pythonNames = ['sklearn.frozen._frozen.FrozenEstimator'];
  readonly nFeaturesIn: number | undefined;
  readonly readsText: boolean | undefined;
  readonly predict?: Estimator['predict'];
  readonly predictProba?: Estimator['predictProba'];
  readonly decisionFunction?: Estimator['decisionFunction'];
  readonly scoreSamples?: Estimator['scoreSamples'];
  readonly transform?: Estimator['transform'];

  private constructor(
    readonly pythonClass: string,
    readonly estimator: Estimator,
  ) {
    this.nFeaturesIn = estimator.nFeaturesIn;
    this.readsText = estimator.readsText;
    this.predict = estimator.predict?.bind(estimator);
    this.predictProba = estimator.predictProba?.bind(estimator);
    this.decisionFunction = estimator.decisionFunction?.bind(estimator);
    this.scoreSamples = estimator.scoreSamples?.bind(estimator);
    this.transform = estimator.transform?.bind(estimator);
  }

  /** `classes_` of the wrapped classifier (sklearn answers it through `__getattr__`). */
  get classes(): unknown {
    return (this.estimator as { classes?: unknown }).classes;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): FrozenEstimator {
    return new FrozenEstimator(pythonClass, context.build(new StateReader(state, pythonClass).value('estimator')));
  }
}
