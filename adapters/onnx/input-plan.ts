import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { OnnxInputShapeError, OnnxUnsupportedTypeError } from './errors';

/**
 * How rows become the model's input tensor(s), read once from the input's declared type and shape.
 *
 * | declared input            | kind       | one run feeds                                   |
 * |---------------------------|------------|-------------------------------------------------|
 * | float/double `[N, F]`     | `features` | the whole batch, `[rows, F]`                    |
 * | float/double `[B, F]`, B fixed | `features` | B rows at a time, the last chunk padded with zeros |
 * | float/double `[F]`        | `features` | one row at a time                               |
 * | string `[N]` or `[N, 1]`  | `text`     | the whole batch; NUL characters become U+FFFD   |
 */
export interface InputPlan {
  readonly name: string;
  readonly kind: 'features' | 'text';
  readonly type: 'float32' | 'float64' | 'string';
  /** Feature count, when the model fixes it. */
  readonly width: number | undefined;
  /** Rows per run: `undefined` for a dynamic batch dimension. */
  readonly batchSize: number | undefined;
  /** Whether the tensor has a batch dimension at all (`[F]` inputs do not). */
  readonly batched: boolean;
  /** String inputs declared `[N, 1]`. */
  readonly column: boolean;
}

/** Reads the plan from the input's metadata. */
export function planInput(meta: InferenceSession.ValueMetadata, file: string): InputPlan {
  if (!meta.isTensor) throw new OnnxUnsupportedTypeError(`input "${meta.name}" of ${file} is not a tensor (a sequence or map); the onnx adapter feeds tensors only.`);
  const shape = meta.shape;
  const fixed = (dim: number | string | undefined) => (typeof dim === 'number' && dim > 0 ? dim : undefined);
  if (meta.type === 'string') {
    if (shape.length > 2 || (shape.length === 2 && fixed(shape[1]) !== 1)) {
      throw new OnnxInputShapeError(`string input "${meta.name}" of ${file} has shape [${shape.join(', ')}]; the onnx adapter feeds one text per row, [N] or [N, 1].`);
    }
    return { name: meta.name, kind: 'text', type: 'string', width: undefined, batchSize: fixed(shape[0]), batched: true, column: shape.length === 2 };
  }
  if (meta.type !== 'float32' && meta.type !== 'float64') {
    throw new OnnxUnsupportedTypeError(
      `input "${meta.name}" of ${file} has element type ${meta.type}; the onnx adapter feeds float32 or float64 feature rows, or a string tensor. ` +
        'Export the model with a FloatTensorType input (skl2onnx) or add a Cast node.',
    );
  }
  if (shape.length === 1) return { name: meta.name, kind: 'features', type: meta.type, width: fixed(shape[0]), batchSize: 1, batched: false, column: false };
  if (shape.length > 2) {
    throw new OnnxInputShapeError(`input "${meta.name}" of ${file} has rank ${shape.length} ([${shape.join(', ')}]); the onnx adapter feeds rows of features, [N, F].`);
  }
  // An unknown shape (length 0) is treated as [N, F] and checked by onnxruntime on the first run.
  return { name: meta.name, kind: 'features', type: meta.type, width: fixed(shape[1]), batchSize: fixed(shape[0]), batched: true, column: false };
}

/**
 * Builds the tensors for `rows`, one per run, following the plan.
 *
 * @throws OnnxInputShapeError when a row's length differs from the model's feature count (or, for
 * models with a free width, from the first row's)
 */
export function buildTensors(plan: InputPlan, rows: readonly unknown[], file: string): Array<{ tensor: Tensor; rows: number }> {
  const chunk = plan.batchSize ?? Math.max(rows.length, 1);
  const runs: Array<{ tensor: Tensor; rows: number }> = [];
  for (let start = 0; start < rows.length; start += chunk) {
    const part = rows.slice(start, start + chunk);
    runs.push({ tensor: plan.kind === 'text' ? textTensor(plan, part, chunk, file) : featureTensor(plan, part, chunk, file), rows: part.length });
  }
  return runs;
}

function textTensor(plan: InputPlan, part: readonly unknown[], chunk: number, file: string): Tensor {
  const texts = part.map((text, i) => {
    if (typeof text !== 'string') throw new OnnxInputShapeError(`row ${i} for the string input of ${file} is ${typeof text}, not text.`);
    // onnxruntime-node passes strings to C++ as NUL-terminated: "x\0<script>" would reach the
    // model as "x". U+FFFD keeps the rest of the text visible (an attacker's %00 must not hide it).
    return text.includes('\0') ? text.replace(/\0/g, '\uFFFD') : text;
  });
  const size = plan.batchSize === undefined ? texts.length : chunk;
  while (texts.length < size) texts.push('');
  return new Tensor('string', texts, plan.column ? [size, 1] : [size]);
}

function featureTensor(plan: InputPlan, part: readonly unknown[], chunk: number, file: string): Tensor {
  const first = part[0];
  const width = plan.width ?? (Array.isArray(first) || ArrayBuffer.isView(first) ? (first as ArrayLike<number>).length : 0);
  const size = plan.batchSize === undefined ? part.length : chunk;
  const data = plan.type === 'float64' ? new Float64Array(size * width) : new Float32Array(size * width);
  part.forEach((row, i) => {
    if (!(Array.isArray(row) || ArrayBuffer.isView(row))) {
      throw new OnnxInputShapeError(`row ${i} for input "${plan.name}" of ${file} is not an array of numbers.`);
    }
    const values = row as ArrayLike<number>;
    if (values.length !== width) {
      throw new OnnxInputShapeError(
        `row ${i} has ${values.length} features but input "${plan.name}" of ${file} takes ${width}` +
          `${plan.width === undefined ? ' (the width of the batch\'s first row)' : ''}. Use the extractor the model was trained with (manifest "extractor").`,
      );
    }
    data.set(values, i * width);
  });
  return new Tensor(plan.type, data, plan.batched ? [size, width] : [width]);
}
