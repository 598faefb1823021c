import { CrsMlError } from '../../src/errors';

/**
 * The model's input does not fit what the adapter feeds it: wrong feature count, an input rank the
 * adapter cannot fill, or several inputs.
 */
export class OnnxInputShapeError extends CrsMlError {
  readonly code = 'ONNX_INPUT_SHAPE';
}

/** The manifest's `output` names an output the model does not have, or a column it does not have. */
export class OnnxOutputUnknownError extends CrsMlError {
  readonly code = 'ONNX_OUTPUT_UNKNOWN';
}

/** An input or output element type the adapter cannot feed or read as a score (int64 input, string output...). */
export class OnnxUnsupportedTypeError extends CrsMlError {
  readonly code = 'ONNX_UNSUPPORTED_TYPE';
}

/**
 * The chosen output is not a tensor (a sequence of maps, as ZipMap produces). onnxruntime-node
 * cannot return those; the model has to be exported without them.
 */
export class OnnxNonTensorOutputError extends CrsMlError {
  readonly code = 'ONNX_NON_TENSOR_OUTPUT';
}
