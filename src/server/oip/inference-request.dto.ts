import { types } from 'node:util';
import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Min,
  ValidateNested,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { OipRequestError } from '../../oip/errors';
import { parseJsonBody } from '../../oip/json-body';
import type { InferenceRequest } from '../../oip/protocol';

/** `$request_input`: name, shape, datatype, data (parameters optional). */
class RequestInputDto {
  @IsString({ message: 'must be a string' })
  name!: string;

  @Min(0, { each: true, message: 'must hold non-negative integers' })
  @IsInt({ each: true, message: 'must hold integers' })
  @ArrayMaxSize(8, { message: 'has more than 8 dimensions' })
  @IsArray({ message: 'must be an array of integers' })
  shape!: number[];

  @IsString({ message: 'must be a string such as "BYTES" or "FP64"' })
  datatype!: string;

  @IsOptional()
  @IsObject({ message: 'must be an object' })
  parameters?: Record<string, string | number | boolean>;

  @IsDefined({ message: 'is missing' })
  @IsArray({ message: 'must be an array' })
  data!: unknown[];
}

/** `$request_output`: which outputs to return. */
class RequestOutputDto {
  @IsString({ message: 'must be a string' })
  name!: string;

  @IsOptional()
  @IsObject({ message: 'must be an object' })
  parameters?: Record<string, string | number | boolean>;
}

/** `$inference_request` (required_api.md "Inference Request JSON Object"). */
class InferenceRequestDto {
  @IsOptional()
  @IsString({ message: 'must be a string' })
  id?: string;

  @IsOptional()
  @IsObject({ message: 'must be an object' })
  parameters?: Record<string, string | number | boolean>;

  // class-validator checks the decorator nearest the property first: the array test goes last here.
  @IsDefined({ message: 'is missing' })
  @ArrayMinSize(1, { message: 'must hold one input' })
  @ValidateNested({ each: true })
  @Type(() => RequestInputDto)
  @IsArray({ message: 'must be an array' })
  inputs!: RequestInputDto[];

  @IsOptional()
  @IsArray({ message: 'must be an array' })
  @ValidateNested({ each: true })
  @Type(() => RequestOutputDto)
  outputs?: RequestOutputDto[];
}

/**
 * Parses and validates an inference request body.
 *
 * @throws OipRequestError naming the first wrong field (`inputs[0].shape: must hold integers`)
 */
export function parseInferenceRequest(body: Uint8Array): InferenceRequest {
  return inferenceRequestOf(parseJsonBody(body));
}

/**
 * Validates an inference request already parsed from JSON (by {@link parseInferenceRequest}, or on
 * the parsing thread for a big body).
 *
 * @throws OipRequestError naming the first wrong field
 */
export function inferenceRequestOf(raw: unknown): InferenceRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new OipRequestError('the body must be a JSON object with "inputs" (an inference request).');
  }
  const tensors = setTensorDataAside(raw);
  const dto = plainToInstance(InferenceRequestDto, raw);
  const errors = validateSync(dto, { stopAtFirstError: true, forbidUnknownValues: true });
  if (errors.length > 0) throw new OipRequestError(`${describe(errors[0])}.`);
  const inputs = dto.inputs as Array<{ data: unknown }>;
  for (const [index, data] of tensors) inputs[index].data = data;
  return dto as InferenceRequest;
}

/**
 * Swaps each input's `data` (an array, or a Float64Array from the parsing thread) for an empty array
 * and returns them by input index. class-transformer copies arrays element by element, which took
 * 50-70 ms for one 4096-row feature batch; the validators only ask whether `data` is an array, and
 * flattenTensor checks every element later. Anything else stays, for the validators to name.
 */
function setTensorDataAside(raw: object): Map<number, unknown[] | Float64Array> {
  const tensors = new Map<number, unknown[] | Float64Array>();
  const inputs = (raw as { inputs?: unknown }).inputs;
  if (!Array.isArray(inputs)) return tensors;
  inputs.forEach((input: unknown, index) => {
    if (typeof input !== 'object' || input === null) return;
    const holder = input as { data?: unknown };
    if (!Array.isArray(holder.data) && !types.isFloat64Array(holder.data)) return;
    tensors.set(index, holder.data);
    holder.data = [];
  });
  return tensors;
}

/** The path and message of the first failed constraint: `inputs[0].datatype: must be a string`. */
function describe(error: ValidationError, prefix = ''): string {
  const at = /^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : prefix === '' ? error.property : `${prefix}.${error.property}`;
  const message = Object.values(error.constraints ?? {})[0];
  if (message !== undefined) return `${at}: ${message}`;
  const [child] = error.children ?? [];
  return child === undefined ? `${at}: is invalid` : describe(child, at);
}
