import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, validateSync } from 'class-validator';
import { ManifestError } from '../../src/errors';

/** Graph optimisation levels onnxruntime-node accepts. */
export const GRAPH_OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;

/**
 * `options` of a manifest naming the `onnx` adapter. Every field is optional.
 *
 * | field                  | default | meaning                                                     |
 * |------------------------|---------|-------------------------------------------------------------|
 * | intraOpNumThreads      | 1       | threads inside one operator; 1 suits small per-request runs |
 * | interOpNumThreads      | 1       | threads across independent operators                        |
 * | graphOptimizationLevel | `all`   | `disabled`, `basic`, `extended` or `all`                    |
 * | input                  | —       | the input to feed, when the model declares several          |
 */
export class OnnxOptions {
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(256)
  intraOpNumThreads: number = 1;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(256)
  interOpNumThreads: number = 1;

  @IsOptional()
  @IsIn(GRAPH_OPTIMIZATION_LEVELS)
  graphOptimizationLevel: (typeof GRAPH_OPTIMIZATION_LEVELS)[number] = 'all';

  @IsOptional()
  @IsString()
  input?: string;
}

/**
 * Validates the manifest's `options` for the onnx adapter.
 *
 * @throws ManifestError listing each bad field, and unknown fields
 */
export function parseOnnxOptions(raw: Record<string, unknown> | undefined, source: string): OnnxOptions {
  const options = plainToInstance(OnnxOptions, raw ?? {});
  const errors = validateSync(options, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const detail = errors.map((e) => `options.${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`).join('; ');
    throw new ManifestError(`onnx adapter (${source}): ${detail}. See docs/onnx.md "Options".`);
  }
  return options;
}
