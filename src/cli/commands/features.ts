import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { createContainer, TOKENS } from '../../container';
import type { MlRequest } from '../../contract/ml-request';
import { UsageError, describeError } from '../../errors';
import type { ExtractorRegistry } from '../../features/extractor-registry';
import type { FeatureExtractor } from '../../features/feature-extractor';
import { parseRequestLine } from '../../features/request-line';

export interface FeaturesOptions {
  input: string;
  extractor: string;
  names?: boolean;
}

export function register(program: Command): void {
  program
    .command('features')
    .description('print the feature row of each request of a JSON-lines file (docs/features.md)')
    .requiredOption('--input <file>', 'JSON-lines file of parsed requests, as `parse` prints them ("-" for stdin)')
    .option('--extractor <name>', 'feature extractor', 'waf-v1')
    .option('--names', 'print the feature names as a JSON array first')
    .action(async (options: FeaturesOptions) => {
      const extractors = createContainer({ logLevel: 'warn' }).resolve<ExtractorRegistry>(TOKENS.ExtractorRegistry);
      await featuresCommand(extractors.get(options.extractor), options, (text) => process.stdout.write(text));
    });
}

/** Extracts and prints one JSON array per request line; throws a UsageError naming a bad line. */
export async function featuresCommand(
  extractor: FeatureExtractor,
  options: Pick<FeaturesOptions, 'input' | 'names'>,
  out: (text: string) => boolean | void,
): Promise<number> {
  if (options.names) out(`${JSON.stringify(extractor.featureNames)}\n`);
  let count = 0;
  for await (const { request } of readRequestLines(options.input)) {
    out(`${JSON.stringify(extractor.extract(request))}\n`);
    count++;
  }
  return count;
}

/**
 * Streams the non-blank lines of a JSON-lines file as validated requests, with their 1-based line
 * numbers. Shared by `features` and `calibrate`.
 *
 * @throws UsageError `FILE line N: what is wrong` for an unreadable file or an invalid line
 */
export async function* readRequestLines(file: string): AsyncGenerator<{ line: number; request: MlRequest }> {
  const stream = file === '-' ? process.stdin : createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      let request: MlRequest;
      try {
        request = parseRequestLine(text);
      } catch (cause) {
        throw new UsageError(`${file} line ${line}: ${describeError(cause)}. Expected one request per line like ` +
          '{"method":"GET","path":"/","args":{"ARGS:q":"x"},"files":{},"sizes":{},"hour":7,"day":29}.', { cause });
      }
      yield { line, request };
    }
  } catch (cause) {
    if (cause instanceof UsageError) throw cause;
    throw new UsageError(`cannot read ${file}: ${describeError(cause)}`, { cause });
  } finally {
    lines.close();
  }
}
