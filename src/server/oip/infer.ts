import type { LoadedModel } from '../../adapter/load-model';
import type { Decision } from '../../adapter/model-adapter';
import { CrsMlError, describeError } from '../../errors';
import { parseRequestLine } from '../../features/request-line';
import { OipRequestError } from '../../oip/errors';
import { OIP_TENSORS, type InferenceRequest, type InferenceResponse, type RequestInput, type ResponseOutput } from '../../oip/protocol';
import { flattenTensor, tensorRows } from '../../oip/tensor';
import { scoreInSlices } from './score-in-slices';

/** Rows one inference call may carry; more is a 400 (split the batch). */
export const MAX_INFER_ROWS = 4096;

/**
 * Runs one inference request against the loaded model: one input, `request` (BYTES) or `features`
 * (FP32/FP64), N rows; answers the `score` and `anomaly` outputs (or those the request names).
 *
 * @throws OipRequestError for anything the caller got wrong (HTTP 400)
 */
export async function infer(model: LoadedModel, request: InferenceRequest): Promise<InferenceResponse> {
  if (request.inputs.length !== 1) {
    throw new OipRequestError(`send exactly one input ("${OIP_TENSORS.request}" or "${OIP_TENSORS.features}"), got ${request.inputs.length}.`);
  }
  const wanted = requestedOutputs(request);
  const decisions = await decide(model, request.inputs[0]);
  const rows = decisions.length;
  const outputs: ResponseOutput[] = wanted.map((name) =>
    name === OIP_TENSORS.score
      ? { name, datatype: 'FP64', shape: [rows], data: decisions.map((d) => (Number.isFinite(d.score) ? d.score : String(d.score))) }
      : { name, datatype: 'BOOL', shape: [rows], data: decisions.map((d) => d.anomaly) },
  );
  return { model_name: model.name, ...(request.id === undefined ? {} : { id: request.id }), outputs };
}

function requestedOutputs(request: InferenceRequest): string[] {
  const known: string[] = [OIP_TENSORS.score, OIP_TENSORS.anomaly];
  if (request.outputs === undefined || request.outputs.length === 0) return known;
  return request.outputs.map(({ name }) => {
    if (!known.includes(name)) throw new OipRequestError(`unknown output "${name}"; this model gives ${known.map((n) => `"${n}"`).join(' and ')}.`);
    return name;
  });
}

async function decide(model: LoadedModel, input: RequestInput): Promise<Decision[]> {
  const rows = input.shape[0] ?? 0;
  if (rows < 1 || rows > MAX_INFER_ROWS) {
    throw new OipRequestError(`input "${input.name}": the batch (first dimension) must be 1-${MAX_INFER_ROWS} rows, got ${rows}.`);
  }
  if (input.name === OIP_TENSORS.request) {
    if (input.datatype !== 'BYTES') throw new OipRequestError(`input "${input.name}" must be BYTES (contract requests as JSON), got ${input.datatype}.`);
    if (input.shape.length > 2 || (input.shape.length === 2 && input.shape[1] !== 1)) {
      throw new OipRequestError(`input "${input.name}" must have shape [N] or [N, 1], got ${JSON.stringify(input.shape)}.`);
    }
    const texts = flattenTensor<string>(input.name, input.datatype, input.shape, input.data);
    // Elements are parsed slice by slice too: 4096 of them took ~55 ms in one go.
    return scoreInSlices(texts.length, (start, end) => model.judgeBatch(Array.from({ length: end - start }, (_, i) => parseElement(texts[start + i], start + i))));
  }
  if (input.name === OIP_TENSORS.features) {
    const width = model.featureNames?.length;
    if (width === undefined) {
      throw new OipRequestError(`input "${input.name}": model "${model.name}" reads ${model.inputKind}, not feature rows; send "${OIP_TENSORS.request}" instead.`);
    }
    if (input.datatype !== 'FP64' && input.datatype !== 'FP32') throw new OipRequestError(`input "${input.name}" must be FP64 or FP32, got ${input.datatype}.`);
    if (input.shape.length !== 2 || input.shape[1] !== width) {
      throw new OipRequestError(`input "${input.name}" must have shape [N, ${width}] (the ${width} features of the model's extractor), got ${JSON.stringify(input.shape)}.`);
    }
    const flat = flattenTensor<number>(input.name, input.datatype, input.shape, input.data);
    const float32 = input.datatype === 'FP32';
    return scoreInSlices(flat.length / width, (start, end) => model.judgeInputs(tensorRows(flat, width, start, end, float32)));
  }
  throw new OipRequestError(`unknown input "${input.name}"; send "${OIP_TENSORS.request}"${model.featureNames ? ` or "${OIP_TENSORS.features}"` : ''}.`);
}

function parseElement(text: string, index: number) {
  try {
    return parseRequestLine(text);
  } catch (cause) {
    const reason = cause instanceof CrsMlError ? cause.message : describeError(cause);
    throw new OipRequestError(`input "${OIP_TENSORS.request}" element ${index}: ${reason}`, { cause });
  }
}
