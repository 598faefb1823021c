import { plainToInstance } from 'class-transformer';
import { IsOptional, IsString, validateSync } from 'class-validator';
import { ManifestError } from '../../src/errors';
import { TEXT_VIEWS, type TextView } from '../../src/features/text-views';

/** `options` of a manifest naming the `sklearn` adapter. Every field is optional. */
class SklearnOptions {
  /**
   * A text view (src/features/text-views.ts, e.g. `payload-v1`): a text model then scores each of the
   * request's items and the request gets the most anomalous item's score, instead of reading the
   * argument values joined by newlines.
   */
  @IsOptional()
  @IsString()
  items?: string;
}

/** Validated options: the text view to score item by item, if any. */
export interface ParsedSklearnOptions {
  readonly items?: TextView;
}

/**
 * Validates the manifest's `options` for the sklearn adapter.
 * @throws ManifestError naming the field and what is allowed
 */
export function parseSklearnOptions(raw: Record<string, unknown> | undefined, manifestFile: string): ParsedSklearnOptions {
  const options = plainToInstance(SklearnOptions, raw ?? {});
  const errors = validateSync(options, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const detail = errors.map((e) => `options.${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`).join('; ');
    throw new ManifestError(`${manifestFile}: sklearn adapter: ${detail}`);
  }
  if (options.items === undefined) return {};
  const view = TEXT_VIEWS.get(options.items);
  if (view === undefined) {
    throw new ManifestError(`${manifestFile}: options.items "${options.items}" is not a text view; use one of: ${[...TEXT_VIEWS.keys()].join(', ')}.`);
  }
  return { items: view };
}
