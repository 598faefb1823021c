import type { Command } from 'commander';
import { createContainer, TOKENS } from '../../container';
import type { ExtractorRegistry } from '../../features/extractor-registry';
import type { FeatureExtractor } from '../../features/feature-extractor';
import { readRequestLines } from '../../features/read-request-lines';

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
