/**
 * The Open Inference Protocol v2 (KServe v2, also spoken by Triton, Seldon MLServer and
 * TorchServe's KServe mode), REST/JSON form: the shapes both our server (src/server/oip/) and our
 * client adapter (adapters/oip/) exchange. Field names are the protocol's own snake_case.
 *
 * Follows kserve/kserve `docs/predict-api/v2/required_api.md` and `rest_predict_v2.yaml`.
 */

/** Tensor element types of the protocol ("Tensor Data Types"). */
export const OIP_DATATYPES = [
  'BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES',
] as const;
export type OipDatatype = (typeof OIP_DATATYPES)[number];

/** Key/value parameters of a request, an input or an output. */
export type OipParameters = Record<string, string | number | boolean>;

/** Tensor contents: row-major, either flat or nested like the shape. */
export type TensorData = Array<TensorData | number | string | boolean>;

export interface MetadataTensor {
  readonly name: string;
  readonly datatype: OipDatatype;
  /** -1 marks a variable-size dimension (the batch). */
  readonly shape: readonly number[];
}

export interface ServerMetadataResponse {
  readonly name: string;
  readonly version: string;
  readonly extensions: readonly string[];
}

export interface ModelMetadataResponse {
  readonly name: string;
  readonly versions?: readonly string[];
  readonly platform: string;
  readonly inputs: readonly MetadataTensor[];
  readonly outputs: readonly MetadataTensor[];
}

export interface RequestInput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: string;
  readonly parameters?: OipParameters;
  /**
   * As JSON gives it; or, in a big request the server read on its parsing thread, a flat all-number
   * tensor as a Float64Array of the same numbers (src/oip/json-body.ts). Sent, always JSON arrays.
   */
  readonly data: TensorData | Float64Array;
}

export interface RequestOutput {
  readonly name: string;
  readonly parameters?: OipParameters;
}

export interface InferenceRequest {
  readonly id?: string;
  readonly parameters?: OipParameters;
  readonly inputs: readonly RequestInput[];
  readonly outputs?: readonly RequestOutput[];
}

export interface ResponseOutput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: string;
  readonly parameters?: OipParameters;
  readonly data: TensorData;
}

export interface InferenceResponse {
  readonly model_name: string;
  readonly model_version?: string;
  readonly id?: string;
  readonly parameters?: OipParameters;
  readonly outputs: readonly ResponseOutput[];
}

/** Every failed call answers this body, with a 4xx/5xx status. */
export interface OipErrorResponse {
  readonly error: string;
}

/** The tensors crs-ml-server models take and give (docs/oip.md). */
export const OIP_TENSORS = {
  /** BYTES [N]: each element one contract request as a JSON object (the line format of `parse`). */
  request: 'request',
  /** FP64/FP32 [N, F]: feature rows, for models whose adapter reads the extractor's features. */
  features: 'features',
  /** FP64 [N]: the model's score. */
  score: 'score',
  /** BOOL [N]: the verdict, true when the score is on the anomalous side of the threshold (HTTP 401). */
  anomaly: 'anomaly',
} as const;
