/**
 * Real-size zip bombs against the default pickle limits (issue 12: "a bomb is refused within its
 * limit's worth of memory and time"). Each bomb is loaded with loadModelFile in its own child
 * process, which reports the refusal's code, wall and CPU time, and its peak RSS (VmHWM); the first
 * row is the same child loading nothing, for the baseline. Bombs are written to a temp folder:
 * gzip and zlib of 1.25 GiB of zeros (over maxDecompressedBytes, 1 GiB; deflate's ratio stays under
 * maxCompressionRatio, so only the byte limit stops them), the bz2/xz fixtures, and the xz bomb
 * with an index that claims 10 bytes.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as zlib from 'node:zlib';

const ROOT = path.join(__dirname, '..', '..');
const MiB = 1024 * 1024;
const hostile = (name: string) => path.join(ROOT, 'test', 'fixtures', 'pickle', 'hostile', name);

/** Writes `mib` MiB of zeros through a compressor, 16 MiB at a time. */
async function writeBomb(file: string, compressor: zlib.Gzip | zlib.Deflate, mib: number): Promise<void> {
  const out = createWriteStream(file);
  compressor.pipe(out);
  const zeros = Buffer.alloc(16 * MiB);
  for (let left = mib; left > 0; left -= 16) {
    if (!compressor.write(zeros)) await new Promise<void>((resolve) => compressor.once('drain', () => resolve()));
  }
  compressor.end();
  await new Promise<void>((resolve) => out.once('close', () => resolve()));
}

const CHILD = `
const { readFileSync } = require('node:fs');
const file = process.argv[1];
const started = performance.now();
const cpu = process.cpuUsage();
let outcome = 'nothing loaded';
if (file !== '-') {
  try { require(${JSON.stringify(path.join(ROOT, '.bench', 'src', 'pickle'))}).loadModelFile(file); outcome = 'LOADED'; }
  catch (error) { outcome = error.code ?? error.message; }
}
const used = process.cpuUsage(cpu);
const hwm = Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
process.stdout.write(JSON.stringify({ outcome, ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, peakMiB: hwm }));
`;

function run(file: string): { outcome: string; ms: number; cpuMs: number; peakMiB: number } {
  return JSON.parse(execFileSync(process.execPath, ['-e', CHILD, file], { encoding: 'utf8' }));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'crs-ml-bomb-'));
  try {
    const gzip = path.join(dir, 'zeros-1.25g.gz');
    const deflate = path.join(dir, 'zeros-1.25g.z');
    await writeBomb(gzip, zlib.createGzip({ level: 9 }), 1280);
    await writeBomb(deflate, zlib.createDeflate({ level: 9 }), 1280);
    const lying = Uint8Array.from(readFileSync(hostile('zip-bomb.xz')));
    lying.set([0x8a, 0x80, 0x80, 0x00], Buffer.from(lying).lastIndexOf(Buffer.from([0x80, 0x80, 0x80, 0x20])));
    writeFileSync(path.join(dir, 'lying-index.xz'), lying);
    const cases: Array<[string, string]> = [
      ['(baseline: nothing loaded)', '-'],
      ['gzip, 1.25 GiB of zeros', gzip],
      ['zlib, 1.25 GiB of zeros', deflate],
      ['bz2, 1.5 GiB (fixture)', hostile('zip-bomb.bz2')],
      ['xz, 64 MiB (fixture)', hostile('zip-bomb.xz')],
      ['xz, 64 MiB, index says 10 B', path.join(dir, 'lying-index.xz')],
      ['lzma-alone, 32 MiB (fixture)', hostile('zip-bomb.lzma')],
    ];
    console.log('Zip bombs against the default limits (maxDecompressedBytes 1 GiB, maxCompressionRatio 5000), one child process each');
    console.log('bomb                          | file bytes | refused with           | wall ms | cpu ms | peak RSS MiB');
    for (const [name, file] of cases) {
      const size = file === '-' ? 0 : readFileSync(file).length;
      const r = run(file);
      console.log(
        `${name.padEnd(29)} | ${String(size).padStart(10)} | ${r.outcome.padEnd(22)} | ${r.ms.toFixed(0).padStart(7)} | ${r.cpuMs.toFixed(0).padStart(6)} | ${r.peakMiB.toFixed(0).padStart(12)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
