import type { BuildContext } from '../base';
import { UnsupportedEstimatorError } from '../errors';
import type { DenseMatrix } from '../matrix';
import { denseMatrix } from '../matrix';
import type { NumericInput } from '../linear/numeric-input';
import { expit, pairwiseSum } from '../linear/activations';
import { StateReader } from '../state-reader';

const ACTIVATIONS = new Map<string, (v: Float64Array) => void>([
  ['identity', () => undefined],
  ['logistic', (v) => v.forEach((x, i) => (v[i] = expit(x)))],
  ['tanh', (v) => v.forEach((x, i) => (v[i] = Math.tanh(x)))],
  ['relu', (v) => v.forEach((x, i) => (v[i] = Math.max(x, 0)))],
]);

/** The pickled `__dict__` fields the MLPs use. */
export interface MLPState {
  /** per layer, (n_in, n_out) row-major */
  coefs_: Float64Array[];
  intercepts_: Float64Array[];
  activation: string;
  out_activation_: string;
}

/** Reads and checks the layers and activations. */
export function readMLPState(r: StateReader, context: BuildContext | undefined): MLPState & { shapes: number[] } {
  const coefs = r.list('coefs_');
  const shapes: number[] = [];
  const coefs_ = coefs.map((c, i) => {
    const a = new StateReader(new Map([[`coefs_[${i}]`, c]]), r.pythonClass).array(`coefs_[${i}]`);
    if (a.shape.length !== 2) throw r.error('coefs_', `layer ${i} is not 2-D`);
    if (i === 0) shapes.push(a.shape[0]);
    shapes.push(a.shape[1]);
    return a.toFloat64();
  });
  const intercepts_ = r.list('intercepts_').map((b, i) => new StateReader(new Map([[`intercepts_[${i}]`, b]]), r.pythonClass).float64(`intercepts_[${i}]`));
  if (intercepts_.length !== coefs_.length) throw r.error('intercepts_', `has ${intercepts_.length} layers, coefs_ has ${coefs_.length}`);
  coefs.forEach((c, i) => {
    const a = new StateReader(new Map([[`coefs_[${i}]`, c]]), r.pythonClass).array(`coefs_[${i}]`);
    if (a.shape[0] !== shapes[i]) throw r.error('coefs_', `layer ${i} takes ${a.shape[0]} inputs, the previous layer gives ${shapes[i]}`);
    if (intercepts_[i].length !== shapes[i + 1]) throw r.error('intercepts_', `layer ${i} has ${intercepts_[i].length} biases for ${shapes[i + 1]} units`);
  });
  const activation = r.string('activation');
  const out = r.string('out_activation_');
  if (!ACTIVATIONS.has(activation) || !(ACTIVATIONS.has(out) || out === 'softmax')) {
    throw new UnsupportedEstimatorError(r.pythonClass, context?.sklearnVersion, `activation "${activation}" / output "${out}" is not supported`);
  }
  return { coefs_, intercepts_, activation, out_activation_: out, shapes };
}

/**
 * `BaseMultilayerPerceptron._forward_pass_fast` (neural_network/_multilayer_perceptron.py, 1.2.1):
 * per layer `X @ W + b` (dot, then `+=`), the hidden activation, and the output activation
 * (softmax: minus row max, exp, divide by the pairwise row sum).
 */
export function forwardPass(state: MLPState, shapes: readonly number[], X: NumericInput): DenseMatrix {
  let act: NumericInput = X;
  const layers = state.coefs_.length;
  for (let l = 0; l < layers; l++) {
    const nIn = shapes[l];
    const nOut = shapes[l + 1];
    const W = state.coefs_[l];
    const next = denseMatrix(act.rows, nOut);
    for (let r = 0; r < act.rows; r++) {
      for (let o = 0; o < nOut; o++) {
        let sum = 0;
        if (act.kind === 'dense') for (let i = 0; i < nIn; i++) sum += act.data[r * nIn + i] * W[i * nOut + o];
        else for (let k = act.indptr[r]; k < act.indptr[r + 1]; k++) sum += act.data[k] * W[act.indices[k] * nOut + o];
        next.data[r * nOut + o] = sum + state.intercepts_[l][o];
      }
    }
    if (l !== layers - 1) (ACTIVATIONS.get(state.activation) as (v: Float64Array) => void)(next.data);
    act = next;
  }
  const out = act as DenseMatrix;
  if (state.out_activation_ === 'softmax') {
    const k = out.cols;
    for (let r = 0; r < out.rows; r++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, out.data[r * k + c]);
      for (let c = 0; c < k; c++) out.data[r * k + c] = Math.exp(out.data[r * k + c] - max);
      const sum = pairwiseSum(out.data, r * k, k);
      for (let c = 0; c < k; c++) out.data[r * k + c] /= sum;
    }
  } else {
    (ACTIVATIONS.get(state.out_activation_) as (v: Float64Array) => void)(out.data);
  }
  return out;
}
