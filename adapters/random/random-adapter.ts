import { randomInt } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, validateSync } from 'class-validator';
import type { AdapterContext, AdapterDescription, ModelAdapter } from '../../src/adapter/model-adapter';
import { ManifestError } from '../../src/errors';
import { PythonRandom } from './python-random';

/** `options` of a manifest naming the `random` adapter. */
class RandomOptions {
  /** Makes the scores reproducible: the same sequence as Python's `random.seed(seed)`. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  seed?: number;

  @IsOptional()
  @IsInt()
  low: number = -5;

  @IsOptional()
  @IsInt()
  high: number = 5;
}

/**
 * The original `placeholder.py` stub: each request scores `random.randint(-5, 5)`, compared with the
 * manifest's threshold (-0.313 by default, so about 5 in 11 requests are anomalies). With a seed, the
 * scores are the ones Python's `random` would draw, in order. It needs no model file and no features.
 */
export class RandomAdapter implements ModelAdapter<null> {
  static readonly adapterName = 'random';
  private random!: PythonRandom;
  private low = -5;
  private high = 5;

  describe(): AdapterDescription {
    return { name: RandomAdapter.adapterName, inputKind: 'request', output: `random integer in [${this.low}, ${this.high}]` };
  }

  load(context: AdapterContext): void {
    const options = plainToInstance(RandomOptions, context.manifest.options ?? {});
    const errors = validateSync(options, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) {
      const detail = errors.map((e) => `options.${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`).join('; ');
      throw new ManifestError(`random adapter: ${detail}`);
    }
    if (options.high < options.low) throw new ManifestError(`random adapter: options.high (${options.high}) is below options.low (${options.low})`);
    this.low = options.low;
    this.high = options.high;
    this.random = new PythonRandom(options.seed ?? randomInt(2 ** 48 - 1));
  }

  toInput(): null {
    return null;
  }

  score(batch: readonly null[]): number[] {
    return batch.map(() => this.random.randint(this.low, this.high));
  }
}
