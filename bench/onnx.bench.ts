/**
 * The ONNX adapter's overhead over a bare onnxruntime `session.run` on the same model, side by
 * side in the same run: same rows, same session options (1 intra-op thread, all optimisations),
 * sequential awaited calls. "bare" is `session.run` on a tensor built once beforehand (the floor);
 * "adapter" is `OnnxAdapter.score` (row checks, building the tensor from the rows, fetching one
 * output, picking the column).
 * Rounds alternate bare and adapter; medians of per-call microseconds are reported.
 */
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { OnnxAdapter, type OnnxInput } from '../adapters/onnx/onnx-adapter';
import { validateManifest } from '../src/adapter/manifest';
import { silentLogger } from '../src/logger';

const ROOT = path.join(__dirname, '..', '..');
const MS_PER_ROUND = Number(process.env.BENCH_MS ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

interface Model {
  label: string;
  dir: string;
  file: string;
  output: string;
  rows: (n: number) => OnnxInput[];
  bareFeeds: (rows: OnnxInput[]) => Record<string, Tensor>;
}

const TEXTS = ['summer jacket', "' or 1=1 --", 'fish.chips@example.com', '<script>alert(1)</script>', 'order-42'];
const MODELS: Model[] = [
  {
    label: 'mlp (6 float features)',
    dir: path.join(ROOT, 'test', 'fixtures', 'onnx'),
    file: 'mlp.onnx',
    output: 'probability',
    rows: (n) => Array.from({ length: n }, (_, i) => Array.from({ length: 6 }, (_, j) => Math.sin(i * 7 + j))),
    bareFeeds: (rows) => ({ X: new Tensor('float32', Float32Array.from((rows as number[][]).flat()), [rows.length, 6]) }),
  },
  {
    label: 'char n-gram text (examples/onnx)',
    dir: path.join(ROOT, 'examples', 'onnx', 'saved_models'),
    file: 'model.onnx',
    output: 'probabilities[:,1]',
    rows: (n) => Array.from({ length: n }, (_, i) => TEXTS[i % TEXTS.length]),
    bareFeeds: (rows) => ({ text: new Tensor('string', rows as string[], [rows.length]) }),
  },
];

/** Mean microseconds per call of `run`, over about MS_PER_ROUND milliseconds. */
async function perCall(run: () => Promise<unknown>): Promise<number> {
  let calls = 0;
  const start = process.hrtime.bigint();
  const stop = start + BigInt(MS_PER_ROUND) * 1_000_000n;
  let now = start;
  while (now < stop) {
    await run();
    calls++;
    now = process.hrtime.bigint();
  }
  return Number(now - start) / 1000 / calls;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  console.log(`onnxruntime-node ${require('onnxruntime-node/package.json').version}; ${ROUNDS} rounds x ${MS_PER_ROUND} ms per side`);
  console.log('model                             batch   bare us/call   adapter us/call   ratio');
  for (const model of MODELS) {
    const session = await InferenceSession.create(path.join(model.dir, model.file), {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionProviders: ['cpu'],
    });
    const adapter = new OnnxAdapter();
    await adapter.load({
      manifest: validateManifest({ adapter: 'onnx', model: model.file, output: model.output, threshold: 0.5 }, 'bench'),
      modelPath: path.join(model.dir, model.file),
      modelsDir: model.dir,
      extractor: { name: 'bench', featureNames: ['a', 'b', 'c', 'd', 'e', 'f'], extract: () => [] },
      logger: silentLogger,
    });
    const outputName = model.output.replace(/\[.*$/, '');
    for (const batch of [1, 32]) {
      const rows = model.rows(batch);
      const feeds = model.bareFeeds(rows);
      const bare = () => session.run(feeds, [outputName]);
      const ours = () => adapter.score(rows);
      await perCall(bare);
      await perCall(ours); // warm both up
      const bareTimes: number[] = [];
      const ourTimes: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        bareTimes.push(await perCall(bare));
        ourTimes.push(await perCall(ours));
      }
      const b = median(bareTimes);
      const a = median(ourTimes);
      console.log(`${model.label.padEnd(34)}${String(batch).padStart(5)}${b.toFixed(1).padStart(15)}${a.toFixed(1).padStart(18)}${(a / b).toFixed(3).padStart(8)}`);
    }
    await adapter.dispose();
    await session.release();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
