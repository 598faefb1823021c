import { FeatureExtractorError } from '../errors';
import { NamedRegistry } from '../registry';
import type { FeatureExtractor } from './feature-extractor';

/** Extractor name -> extractor. The manifest's `extractor` field picks one. */
export class ExtractorRegistry extends NamedRegistry<FeatureExtractor> {
  constructor() {
    super('feature extractor', (message) => new FeatureExtractorError(message));
  }

  add(extractor: FeatureExtractor): this {
    return this.register(extractor.name, extractor);
  }
}
