/**
 * JSON Schemas of the Open Inference Protocol v2 REST bodies, written from the protocol's own
 * OpenAPI document (kserve/kserve `docs/predict-api/v2/rest_predict_v2.yaml`, `components.schemas`)
 * and `required_api.md`, so the conformance test checks our answers against the protocol rather
 * than against our own types. Where the prose is stricter than the OpenAPI file (the error object's
 * `error` is required; tensor shapes are unsigned integers), the prose wins.
 */
const parameters = { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } };
const tensorData = { $id: 'tensor_data', type: 'array', items: { anyOf: [{ $ref: 'tensor_data' }, { type: 'number' }, { type: 'string' }, { type: 'boolean' }] } };
const shape = { type: 'array', items: { type: 'integer' } };
const metadataTensor = {
  type: 'object',
  required: ['name', 'datatype', 'shape'],
  properties: { name: { type: 'string' }, datatype: { type: 'string' }, shape },
};

export const OIP_SCHEMAS = {
  tensor_data: tensorData,
  metadata_server_response: {
    type: 'object',
    required: ['name', 'version', 'extensions'],
    properties: { name: { type: 'string' }, version: { type: 'string' }, extensions: { type: 'array', items: { type: 'string' } } },
  },
  metadata_model_response: {
    type: 'object',
    required: ['name', 'platform'],
    properties: {
      name: { type: 'string' },
      versions: { type: 'array', items: { type: 'string' } },
      platform: { type: 'string' },
      inputs: { type: 'array', items: metadataTensor },
      outputs: { type: 'array', items: metadataTensor },
    },
  },
  inference_request: {
    type: 'object',
    required: ['inputs'],
    properties: {
      id: { type: 'string' },
      parameters,
      inputs: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'shape', 'datatype', 'data'],
          properties: { name: { type: 'string' }, shape: { type: 'array', items: { type: 'integer', minimum: 0 } }, datatype: { type: 'string' }, parameters, data: { $ref: 'tensor_data' } },
        },
      },
      outputs: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, parameters } } },
    },
  },
  inference_response: {
    type: 'object',
    required: ['model_name', 'outputs'],
    properties: {
      model_name: { type: 'string' },
      model_version: { type: 'string' },
      id: { type: 'string' },
      parameters,
      outputs: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'shape', 'datatype', 'data'],
          properties: { name: { type: 'string' }, shape: { type: 'array', items: { type: 'integer', minimum: 0 } }, datatype: { type: 'string' }, parameters, data: { $ref: 'tensor_data' } },
        },
      },
    },
  },
  error_response: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
} as const;

/** The protocol's tensor datatypes ("Tensor Data Types" in required_api.md). */
export const SPEC_DATATYPES = ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES'];
