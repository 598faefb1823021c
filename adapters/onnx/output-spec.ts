import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { OnnxNonTensorOutputError, OnnxOutputUnknownError, OnnxUnsupportedTypeError } from './errors';

/** Which model output is the score, and which column of it when it is 2-D. */
export interface OutputSpec {
  readonly name: string;
  readonly column?: number;
  /** As written in the manifest, normalised: `probabilities[:,1]`. */
  readonly text: string;
}

/** Element types a score can be read from; int64 covers classifier labels. */
const NUMERIC_TYPES = new Set(['float32', 'float64', 'float16', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool']);

/** sklearn method names people write from habit, and what skl2onnx calls those outputs. */
const SKLEARN_HINTS = new Map([
  ['predict', 'label'],
  ['predict_proba', 'probabilities[:,1]'],
  ['decision_function', 'scores (IsolationForest) or probabilities[:,1]'],
  ['score_samples', 'scores'],
]);

const ZIPMAP_ADVICE =
  'onnxruntime-node cannot return sequences or maps (ZipMap produces a sequence of maps). Pick a tensor output ' +
  '(e.g. "label"), or re-export without ZipMap: in skl2onnx, convert_sklearn(model, ..., options={id(model): {"zipmap": False}}) ' +
  'gives a "probabilities" tensor; then set "output": "probabilities[:,1]".';

/**
 * Parses a manifest `output`: `name`, or `name[:, k]` for column k of a 2-D output.
 *
 * @throws OnnxOutputUnknownError when the text has another form
 */
export function parseOutputSpec(text: string): OutputSpec {
  const match = /^\s*([^\s[\]]+)\s*(?:\[\s*:\s*,\s*(\d+)\s*\])?\s*$/.exec(text);
  if (match === null) {
    throw new OnnxOutputUnknownError(`output "${text}" is not "name" or "name[:,column]" (e.g. "probabilities[:,1]").`);
  }
  const column = match[2] === undefined ? undefined : Number(match[2]);
  return { name: match[1], column, text: column === undefined ? match[1] : `${match[1]}[:,${column}]` };
}

/**
 * Checks the manifest's `output` against the model's declared outputs and returns it parsed.
 * Without an `output`, a model with a single output uses it.
 *
 * @throws OnnxOutputUnknownError, OnnxNonTensorOutputError, OnnxUnsupportedTypeError
 */
export function resolveOutput(text: string | undefined, outputs: readonly InferenceSession.ValueMetadata[], file: string): OutputSpec {
  const names = outputs.map((o) => o.name);
  const listed = names.map((n) => `"${n}"`).join(', ');
  if (text === undefined) {
    if (outputs.length !== 1) {
      throw new OnnxOutputUnknownError(`${file} has ${outputs.length} outputs (${listed}); set the manifest's "output" to one of them, e.g. "${names[names.length - 1]}" or "${names[names.length - 1]}[:,1]".`);
    }
    text = names[0];
  }
  const spec = parseOutputSpec(text);
  const meta = outputs.find((o) => o.name === spec.name);
  if (meta === undefined) {
    const hint = SKLEARN_HINTS.has(spec.name) ? ` ONNX outputs are named by the exporter, not after sklearn methods: skl2onnx calls it ${SKLEARN_HINTS.get(spec.name)}.` : '';
    throw new OnnxOutputUnknownError(`${file} has no output "${spec.name}"; its outputs are ${listed}.${hint}`);
  }
  if (!meta.isTensor) throw new OnnxNonTensorOutputError(`output "${spec.name}" of ${file} is not a tensor. ${ZIPMAP_ADVICE}`);
  if (!NUMERIC_TYPES.has(meta.type)) {
    throw new OnnxUnsupportedTypeError(`output "${spec.name}" of ${file} holds ${meta.type} values, which cannot be a score; pick a numeric output among ${listed}.`);
  }
  checkDeclaredShape(spec, meta.shape, file);
  return spec;
}

function checkDeclaredShape(spec: OutputSpec, shape: ReadonlyArray<number | string>, file: string): void {
  if (shape.length === 0) return; // unknown rank: checked on the first run
  if (shape.length > 2) throw new OnnxOutputUnknownError(`output "${spec.name}" of ${file} has rank ${shape.length}; the score must come from a 1-D or 2-D output.`);
  const columns = shape.length === 2 ? shape[1] : undefined;
  if (spec.column !== undefined && shape.length === 1) {
    throw new OnnxOutputUnknownError(`output "${spec.name}" of ${file} is 1-D; write "${spec.name}" without a column.`);
  }
  if (typeof columns === 'number') checkColumn(spec, columns, file);
}

function checkColumn(spec: OutputSpec, columns: number, file: string): void {
  if (spec.column === undefined && columns !== 1) {
    throw new OnnxOutputUnknownError(`output "${spec.name}" of ${file} has ${columns} columns per row; pick one, e.g. "${spec.name}[:,${columns - 1}]".`);
  }
  if (spec.column !== undefined && spec.column >= columns) {
    throw new OnnxOutputUnknownError(`output "${spec.name}" of ${file} has ${columns} columns; column ${spec.column} does not exist (they count from 0).`);
  }
}

/**
 * Reads the first `rows` scores of a run's output tensor: `[n]`, `[n, 1]`, or column k of `[n, c]`.
 * BigInt labels become numbers.
 */
export function readScores(tensor: Tensor, spec: OutputSpec, rows: number, file: string): Float64Array {
  const dims = tensor.dims;
  if (dims.length === 0 || dims.length > 2 || dims[0] < rows) {
    throw new OnnxOutputUnknownError(`output "${spec.name}" of ${file} came back with shape [${dims.join(', ')}] for ${rows} rows.`);
  }
  const columns = dims.length === 2 ? dims[1] : 1;
  if (dims.length === 2) checkColumn(spec, columns, file);
  else if (spec.column !== undefined) throw new OnnxOutputUnknownError(`output "${spec.name}" of ${file} is 1-D; write "${spec.name}" without a column.`);
  const column = spec.column ?? 0;
  const data = tensor.data as ArrayLike<number | bigint | boolean>;
  const scores = new Float64Array(rows);
  for (let i = 0; i < rows; i++) scores[i] = Number(data[i * columns + column]);
  return scores;
}
