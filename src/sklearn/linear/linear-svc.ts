import type { PyValue } from '../../pickle/python-value';
import { StateReader } from '../state-reader';
import { LinearClassifier } from './linear-classifier';

/** `sklearn.svm.LinearSVC` (liblinear): decision_function and predict only, as in Python. */
export class LinearSVC extends LinearClassifier {
  static readonly pythonNames = ['sklearn.svm._classes.LinearSVC', 'sklearn.svm.classes.LinearSVC'];

  static fromState(state: Map<string, PyValue>, pythonClass: string): LinearSVC {
    return new LinearSVC(pythonClass, LinearClassifier.readState(new StateReader(state, pythonClass)));
  }
}
