import { IsDefined, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, validateSync } from 'class-validator';
import { RequestValidationError } from '../errors';
import { IsFieldPairs } from './field-pairs.validator';
import type { FieldPairs, MlRequest } from './ml-request';
import { V2_FIELDS, type JsonPairs, type RawRequestFields } from './raw-fields';

/** The contract versions this server understands, as the `v` field spells them. */
export const CONTRACT_VERSIONS = ['1', '2'] as const;

/** Validation rules for the fields of a parsed body (pairs of args/files/sizes are checked below). */
class RequestDto {
  @IsDefined({ message: 'is missing' })
  @IsString()
  @IsNotEmpty({ message: 'must not be empty (it is REQUEST_METHOD)' })
  @MaxLength(256, { message: 'is longer than 256 characters' })
  method!: string;

  @IsDefined({ message: 'is missing' })
  @IsString()
  path!: string;

  @IsDefined({ message: 'is missing' })
  @Matches(/^(?:[01]?[0-9]|2[0-3])$/, { message: 'must be an hour 00-23 (TIME_HOUR)' })
  hour!: string;

  @IsDefined({ message: 'is missing' })
  @Matches(/^(?:0?[1-9]|[12][0-9]|3[01])$/, { message: 'must be a day of month 01-31 (TIME_DAY)' })
  day!: string;

  @IsOptional()
  @IsString()
  body?: string;

  @IsOptional()
  @IsIn(CONTRACT_VERSIONS, { message: 'is not a contract version this server understands (v=2, or no v for version 1)' })
  v?: string;

  @IsOptional()
  @IsFieldPairs('string')
  headers?: JsonPairs;

  @IsOptional()
  @IsFieldPairs('string')
  cookies?: JsonPairs;

  @IsOptional()
  @IsFieldPairs('finite-number')
  crs?: JsonPairs;
}

/** Fields whose message already names the bad pair and its value. */
const PAIR_FIELDS = new Set(['headers', 'cookies', 'crs']);

/**
 * Checks the fields of a parsed body and builds the {@link MlRequest} adapters see.
 * `args` is required (the client always sends it, `{}` when empty); `files` and `sizes` default to
 * empty because older clients omit them. Sizes must be byte counts. `v` is absent (version 1) or
 * `2`; v2's `headers` and `cookies` hold strings and `crs` finite numbers.
 *
 * @throws RequestValidationError naming the first field that is wrong and why
 */
export function toMlRequest(fields: RawRequestFields): MlRequest {
  const dto = Object.assign(new RequestDto(), {
    method: fields.method,
    path: fields.path,
    hour: fields.hour,
    day: fields.day,
    body: fields.body,
    v: fields.v,
    headers: fields.headers,
    cookies: fields.cookies,
    crs: fields.crs,
  });
  const errors = validateSync(dto, { stopAtFirstError: true });
  if (errors.length > 0) {
    const [first] = errors;
    const got =
      (first.value as unknown) === undefined || PAIR_FIELDS.has(first.property) ? '' : `, got ${JSON.stringify(first.value).slice(0, 80)}`;
    throw new RequestValidationError(first.property, `${Object.values(first.constraints ?? {})[0]}${got}`);
  }
  if (fields.args === undefined) throw new RequestValidationError('args', 'is missing');
  const version = dto.v === '2' ? 2 : 1;
  if (version === 1) {
    const v2Field = V2_FIELDS.find((name) => fields[name] !== undefined);
    if (v2Field !== undefined) throw new RequestValidationError(v2Field, 'is a contract v2 field; give "v": 2 with it');
  }
  return {
    method: dto.method,
    path: dto.path,
    args: fields.args,
    files: fields.files ?? [],
    sizes: (fields.sizes ?? []).map(([name, value]) => [name, toByteCount(name, value)] as const),
    hour: Number(dto.hour),
    day: Number(dto.day),
    ...(dto.body === undefined ? {} : { body: dto.body }),
    version,
    ...(dto.headers === undefined ? {} : { headers: dto.headers as FieldPairs }),
    ...(dto.cookies === undefined ? {} : { cookies: dto.cookies as FieldPairs }),
    ...(dto.crs === undefined ? {} : { crs: dto.crs as FieldPairs<number> }),
  };
}

function toByteCount(name: string, value: string): number {
  const bytes = /^[0-9]{1,15}$/.test(value) ? Number(value) : NaN;
  if (Number.isNaN(bytes)) {
    throw new RequestValidationError('sizes', `${JSON.stringify(name)} must be a byte count, got ${JSON.stringify(value.slice(0, 40))}`);
  }
  return bytes;
}
