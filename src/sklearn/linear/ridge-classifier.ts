import type { PyValue } from '../../pickle/python-value';
import { StateReader } from '../state-reader';
import { LinearClassifier } from './linear-classifier';

/**
 * `sklearn.linear_model.RidgeClassifier` (and RidgeClassifierCV): the labels live in
 * `_label_binarizer.classes_` (`classes_` is a property in Python, so not in the `__dict__`).
 */
export class RidgeClassifier extends LinearClassifier {
  static readonly pythonNames = [
    'sklearn.linear_model._ridge.RidgeClassifier',
    'sklearn.linear_model._ridge.RidgeClassifierCV',
    'sklearn.linear_model.ridge.RidgeClassifier',
  ];

  static fromState(state: Map<string, PyValue>, pythonClass: string): RidgeClassifier {
    const reader = new StateReader(state, pythonClass);
    const classes = StateReader.of(reader.value('_label_binarizer'), 'RidgeClassifier._label_binarizer').labels('classes_');
    return new RidgeClassifier(pythonClass, LinearClassifier.readState(reader, classes));
  }
}
