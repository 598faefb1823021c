import { plainToInstance, Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Max, Min, ValidateNested, validateSync, type ValidationError } from 'class-validator';
import { ManifestError } from '../../src/errors';

/** Which remote input the adapter fills, and how. */
class OipInputOptions {
  /** The remote model's input tensor name. */
  @IsString()
  name: string = 'request';

  /** `BYTES`: each request as contract JSON (the remote runs its own extractor); `FP32`/`FP64`: the local extractor's feature row. */
  @IsIn(['BYTES', 'FP32', 'FP64'])
  datatype: 'BYTES' | 'FP32' | 'FP64' = 'BYTES';
}

/** Micro-batching: concurrent requests that arrive within `maxWaitMs` go in one infer call. */
class OipBatchOptions {
  /** Rows per infer call; 1 turns batching off. */
  @IsInt()
  @Min(1)
  @Max(4096)
  maxSize: number = 1;

  /** How long the first request of a batch waits for company, in milliseconds; 0 groups only what arrives in the same tick. */
  @IsNumber()
  @Min(0)
  @Max(100)
  maxWaitMs: number = 0;
}

/** `options` of a manifest naming the `oip` adapter (docs/oip.md). */
export class OipOptions {
  /** Base URL of the remote OIP v2 server, e.g. `http://model-server:8080` (the path before `/v2`). */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'must be an http(s) URL such as http://127.0.0.1:8080' })
  url!: string;

  /** The remote model's name (`/v2/models/<model>`). */
  @IsString()
  model!: string;

  /** The remote model's version, when the remote server versions its models. */
  @IsOptional()
  @IsString()
  version?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => OipInputOptions)
  input: OipInputOptions = new OipInputOptions();

  /** Deadline of one infer call, retries included, in milliseconds. Keep it under the Lua client's `timeout_ms`. */
  @IsInt()
  @Min(1)
  @Max(60_000)
  timeoutMs: number = 250;

  /** Retries of one call after a connection failure or a 502/503/504 (never after a timeout). */
  @IsInt()
  @Min(0)
  @Max(5)
  retries: number = 1;

  /** Retries may add at most this share of calls (a retry budget), so a failing remote is not hammered. */
  @IsNumber()
  @Min(0)
  @Max(1)
  retryBudget: number = 0.1;

  /** How long startup waits for a remote that is unreachable or not ready yet, in milliseconds. */
  @IsInt()
  @Min(0)
  @Max(600_000)
  startupWaitMs: number = 15_000;

  /** Keep-alive connections to the remote. */
  @IsInt()
  @Min(1)
  @Max(1024)
  connections: number = 16;

  @IsOptional()
  @ValidateNested()
  @Type(() => OipBatchOptions)
  batch: OipBatchOptions = new OipBatchOptions();
}

/**
 * Validates an `oip` manifest's options.
 *
 * @throws ManifestError naming every wrong option
 */
export function readOipOptions(raw: Record<string, unknown> | undefined): OipOptions {
  const options = plainToInstance(OipOptions, raw ?? {});
  const errors = validateSync(options, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new ManifestError(`oip adapter: ${errors.flatMap((e) => describe(e, 'options')).join('; ')}. See docs/oip.md.`);
  return options;
}

function describe(error: ValidationError, prefix: string): string[] {
  const at = `${prefix}.${error.property}`;
  const own = Object.values(error.constraints ?? {}).map((message) => `${at}: ${message}`);
  return [...own, ...(error.children ?? []).flatMap((child) => describe(child, at))];
}
