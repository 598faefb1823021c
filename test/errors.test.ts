import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') && !full.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every `readonly code = 'X'` of an error class in src/ and adapters/. */
function codesInSources(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const file of [...sourceFiles(path.join(ROOT, 'src')), ...sourceFiles(path.join(ROOT, 'adapters'))]) {
    for (const match of readFileSync(file, 'utf8').matchAll(/readonly code\s*=\s*'([A-Z0-9_]+)'/g)) {
      codes.set(match[1], path.relative(ROOT, file));
    }
  }
  return codes;
}

describe('docs/errors.md', () => {
  const documented = new Set([...readFileSync(path.join(ROOT, 'docs/errors.md'), 'utf8').matchAll(/^## ([A-Z0-9_]+)\s*$/gm)].map((m) => m[1]));
  const codes = codesInSources();

  it('finds the error codes in the sources', () => {
    expect(codes.size).toBeGreaterThanOrEqual(9);
  });

  it.each([...codes.entries()])('documents %s (from %s)', (code) => {
    expect(documented).toContain(code);
  });
});
