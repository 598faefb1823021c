import path from 'node:path';
import { readManifest, validateManifest } from '../../src/adapter/manifest';
import { ManifestError } from '../../src/errors';
import { modelsDir } from '../helpers/models-dir';

describe('manifest', () => {
  it('reads the bundled default manifest (the random stub)', () => {
    const manifest = readManifest(path.join(__dirname, '../../saved_models'));
    expect(manifest).toMatchObject({ adapter: 'random', threshold: -0.313, anomalyWhen: 'below', extractor: 'waf-v1' });
  });

  it('fills defaults', () => {
    expect(validateManifest({ adapter: 'random', threshold: 0 }, 'm.json')).toMatchObject({ anomalyWhen: 'below', extractor: 'waf-v1' });
  });

  it.each([
    [{ threshold: -0.313 }, /field "adapter"/],
    [{ adapter: 'random' }, /field "threshold": threshold must be a finite number/],
    [{ adapter: 'random', threshold: '-0.3' }, /field "threshold"/],
    [{ adapter: 'random', threshold: 0, anomalyWhen: 'left' }, /field "anomalyWhen"/],
    [{ adapter: '../evil', threshold: 0 }, /field "adapter"/],
    [{ adapter: 'random', threshold: 0, treshold: 1 }, /field "treshold": property treshold should not exist/],
    [{ adapter: 'random', threshold: 0, options: [] }, /field "options"/],
    [[], /must be a JSON object/],
  ])('refuses %j naming the field', (raw, message) => {
    expect(() => validateManifest(raw, '/models/manifest.json')).toThrow(ManifestError);
    expect(() => validateManifest(raw, '/models/manifest.json')).toThrow(message);
    expect(() => validateManifest(raw, '/models/manifest.json')).toThrow('/models/manifest.json');
  });

  it('names the file when it is missing or not JSON', () => {
    const dir = modelsDir('{ "adapter": ');
    expect(() => readManifest(dir)).toThrow(`${path.join(dir, 'manifest.json')} is not valid JSON`);
    expect(() => readManifest(path.join(dir, 'nowhere'))).toThrow(/cannot read .*nowhere\/manifest.json/);
  });
});
