import { inspectCommand } from '../../../src/cli/commands/inspect';
import { fixture } from '../../pickle/expected-values';

function run(file: string, options: { json?: boolean; items?: string } = {}): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = inspectCommand(file, options, (t) => (out += t), (t) => (err += t));
  return { code, out, err };
}

describe('crs-ml-server inspect', () => {
  it('exits 0 for a loadable model and prints the tree', () => {
    const { code, out, err } = run(fixture('models', 'pipeline.joblib'));
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toContain('class:       sklearn.pipeline.Pipeline');
    expect(out).toContain('coef_: ndarray <f8 [1, 3]');
  });

  it('--json prints a machine-readable report', () => {
    const { code, out } = run(fixture('models', 'tfidf.pkl'), { json: true });
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report).toMatchObject({ loadable: true, format: 'pickle', protocol: 5, rootClass: 'sklearn.feature_extraction.text.TfidfVectorizer' });
    expect(report.globals.map((g: { name: string }) => g.name)).toContain('scipy.sparse._csr.csr_matrix');
  });

  it('exits 2 with the reason for a hostile file', () => {
    const { code, out, err } = run(fixture('hostile', 'os-system.pkl'));
    expect(code).toBe(2);
    expect(out).toContain('REFUSED  os.system');
    expect(err).toContain('[PICKLE_GLOBAL_NOT_ALLOWED]');
  });

  it('exits 1 for a missing file or a bad --items', () => {
    expect(run(fixture('models', 'no-such-file.pkl')).code).toBe(1);
    expect(run(fixture('models', 'tfidf.pkl'), { items: '-1' }).code).toBe(1);
  });
});

describe('registered in the CLI', () => {
  it('`crs-ml-server inspect FILE --json` runs through main()', async () => {
    const { main } = await import('../../../src/cli/main');
    let out = '';
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    const saved = process.exitCode;
    try {
      const code = await main(['inspect', fixture('models', 'iforest-10.pkl'), '--json']);
      expect(code).toBe(0);
    } finally {
      write.mockRestore();
      process.exitCode = saved;
    }
    expect(JSON.parse(out)).toMatchObject({ loadable: true, rootClass: 'sklearn.ensemble._iforest.IsolationForest' });
  });
});
