import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WAF_V1_FEATURE_NAMES } from '../../src/features/waf-v1';

describe('docs/features.md', () => {
  const doc = readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'features.md'), 'utf8');

  it('lists every waf-v1 feature, numbered, in output order', () => {
    const rows = [...doc.matchAll(/^\| (\d+) \| `([a-z_]+)` \|/gm)].map((m) => [Number(m[1]), m[2]]);
    expect(rows).toEqual(WAF_V1_FEATURE_NAMES.map((name, i) => [i, name]));
  });
});
