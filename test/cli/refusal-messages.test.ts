import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli/main';
import { describeError, ModelLoadError, UsageError } from '../../src/errors';
import { modelsDir } from '../helpers/models-dir';

/** Runs the CLI in-process and returns what it printed on stderr. */
async function stderrOf(argv: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  try {
    const code = await main([...argv, '--port', '0', '--log-level', 'error']);
    return { code, err };
  } finally {
    spy.mockRestore();
  }
}

const occurrences = (text: string, part: string) => text.split(part).length - 1;

const ADAPTER_CLASS = `
class Broken {
  static adapterName = 'broken';
  describe() { return { name: 'broken', inputKind: 'request', output: 'x' }; }
  load() { throw new Error('weights.bin is corrupt (crc mismatch)'); }
  score(batch) { return batch.map(() => 0); }
}
module.exports = { Broken };
`;

describe('refusal messages say their cause once', () => {
  it('a user adapter file that throws while loading', async () => {
    const dir = modelsDir({ adapter: 'random', threshold: 0, adapters: 'adapters' });
    mkdirSync(path.join(dir, 'adapters'));
    writeFileSync(path.join(dir, 'adapters', 'throws.js'), "throw new Error('cannot find module left-pad-9');\n");
    const { code, err } = await stderrOf(['serve', '--models', dir]);
    expect(code).toBe(1);
    expect(err).toContain('could not be loaded');
    expect(occurrences(err, 'cannot find module left-pad-9')).toBe(1);
  });

  it("an adapter whose load() throws (the model-load refusal)", async () => {
    const dir = modelsDir({ adapter: 'broken', threshold: 0, adapters: 'adapters' });
    mkdirSync(path.join(dir, 'adapters'));
    writeFileSync(path.join(dir, 'adapters', 'broken.js'), ADAPTER_CLASS);
    const { code, err } = await stderrOf(['serve', '--models', dir]);
    expect(code).toBe(1);
    expect(err).toContain('failed in load()');
    expect(occurrences(err, 'weights.bin is corrupt (crc mismatch)')).toBe(1);
  });

  it('a models folder without manifest.json', async () => {
    const { code, err } = await stderrOf(['serve', '--models', path.join(__dirname, 'no-such-folder')]);
    expect(code).toBe(1);
    expect(occurrences(err, 'ENOENT')).toBe(1);
  });

  it('keeps causes a wrapper did not repeat, in order', () => {
    const inner = new Error('disk full');
    const middle = new ModelLoadError('cannot write the cache', { cause: inner });
    expect(describeError(new UsageError('run failed', { cause: middle }))).toBe('run failed. Reason: cannot write the cache. Reason: disk full');
    const flattened = new ModelLoadError(`cannot load m.pkl: ${describeError(middle)}`, { cause: middle });
    expect(describeError(flattened)).toBe('cannot load m.pkl: cannot write the cache. Reason: disk full');
  });
});
