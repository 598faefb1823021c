import { IsDefined, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, validateSync } from 'class-validator';
import { RequestValidationError } from '../errors';
import type { MlRequest } from './ml-request';
import type { RawRequestFields } from './raw-fields';

/** Validation rules for the scalar fields of a parsed body. */
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
}

/**
 * Checks the fields of a parsed body and builds the {@link MlRequest} adapters see.
 * `args` is required (the client always sends it, `{}` when empty); `files` and `sizes` default to
 * empty because older clients omit them. Sizes must be byte counts.
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
  });
  const errors = validateSync(dto, { stopAtFirstError: true });
  if (errors.length > 0) {
    const [first] = errors;
    const got = (first.value as unknown) === undefined ? '' : `, got ${JSON.stringify(first.value).slice(0, 80)}`;
    throw new RequestValidationError(first.property, `${Object.values(first.constraints ?? {})[0]}${got}`);
  }
  if (fields.args === undefined) throw new RequestValidationError('args', 'is missing');
  return {
    method: dto.method,
    path: dto.path,
    args: fields.args,
    files: fields.files ?? [],
    sizes: (fields.sizes ?? []).map(([name, value]) => [name, toByteCount(name, value)] as const),
    hour: Number(dto.hour),
    day: Number(dto.day),
    ...(dto.body === undefined ? {} : { body: dto.body }),
  };
}

function toByteCount(name: string, value: string): number {
  const bytes = /^[0-9]{1,15}$/.test(value) ? Number(value) : NaN;
  if (Number.isNaN(bytes)) {
    throw new RequestValidationError('sizes', `${JSON.stringify(name)} must be a byte count, got ${JSON.stringify(value.slice(0, 40))}`);
  }
  return bytes;
}
