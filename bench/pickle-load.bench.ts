/**
 * Pickle bridge load times (issue 3's target: a 100-tree IsolationForest loads in < 100 ms).
 * For each file: median wall time of loadModelFile (read + decompress + unpickle + graph check),
 * of loadPickle on the already-decompressed stream, and of Python's joblib.load when
 * /usr/bin/python3 has joblib (else that column says so). Medians of several rounds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadModelFile, loadPickle, DEFAULT_PICKLE_LIMITS } from '../src/pickle';
import { decompress, detectCompression } from '../src/pickle/compression';

const ROOT = path.join(__dirname, '..', '..');
const FILES = [
  path.join(ROOT, 'test', 'fixtures', 'pickle', 'models', 'iforest-100.joblib.gz'),
  path.join(ROOT, 'test', 'fixtures', 'pickle', 'models', 'iforest-10.pkl'),
  path.join(ROOT, 'test', 'fixtures', 'pickle', 'models', 'hgb.pkl'),
  path.join(ROOT, 'test', 'fixtures', 'sklearn', 'trees', 'waf', 'iforest-waf-v1.joblib'),
].filter((file) => existsSync(file));

function medianMs(fn: () => unknown, rounds = 15): number {
  fn(); // warm-up: the first call pays for JIT compilation
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

function pythonMs(file: string): string {
  const script = [
    'import sys, time, joblib',
    'f = sys.argv[1]; joblib.load(f); t = []',
    'for _ in range(15):\n    s = time.perf_counter(); joblib.load(f); t.append(time.perf_counter() - s)',
    'print(sorted(t)[7] * 1000)',
  ].join('\n');
  const run = spawnSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' });
  return run.status === 0 ? `${Number(run.stdout).toFixed(1)} ms` : 'n/a (no /usr/bin/python3 with joblib)';
}

const rows = FILES.map((file) => {
  const bytes = readFileSync(file);
  const compression = detectCompression(bytes);
  const stream = decompress(bytes, compression, DEFAULT_PICKLE_LIMITS, file);
  return {
    file: path.relative(ROOT, file),
    bytes: `${bytes.length} (${compression})`,
    'loadModelFile': `${medianMs(() => loadModelFile(file)).toFixed(1)} ms`,
    'loadPickle (stream only)': `${medianMs(() => loadPickle(stream)).toFixed(1)} ms`,
    'python joblib.load': pythonMs(file),
  };
});
console.table(rows);
