import { readdirSync } from 'node:fs';
import path from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import type { AdapterContext, AdapterDescription, ModelAdapter } from '../../src/adapter/model-adapter';
import { requestText, type MlRequest } from '../../src/contract/ml-request';
import { ModelLoadError, describeError } from '../../src/errors';
import { OnnxInputShapeError } from './errors';
import { buildTensors, planInput, type InputPlan } from './input-plan';
import { parseOnnxOptions } from './onnx-options';
import { readScores, resolveOutput, type OutputSpec } from './output-spec';

/** One model input row: a feature row, or a text for models with a string input. */
export type OnnxInput = readonly number[] | Float32Array | Float64Array | string;

/**
 * Serves any `.onnx` model through onnxruntime-node, with no code: the manifest names the file,
 * the output that is the score (`probabilities[:,1]`, `scores`, `label`), and session options.
 *
 * The input's element type decides the input kind: float/double models get the manifest
 * extractor's feature rows, string models get the request's argument values joined by newlines.
 * A batch goes to onnxruntime in one `run` (several for models with a fixed batch size).
 * See docs/onnx.md.
 */
export class OnnxAdapter implements ModelAdapter<OnnxInput> {
  static readonly adapterName = 'onnx';
  protected session: InferenceSession | undefined;
  protected context!: AdapterContext;
  protected input!: InputPlan;
  protected output!: OutputSpec;
  protected file = '(no model loaded)';

  describe(): AdapterDescription {
    return {
      name: OnnxAdapter.adapterName,
      inputKind: this.input?.kind ?? 'features',
      output: this.output === undefined ? 'an output of an ONNX model' : `output ${this.output.text} of ${path.basename(this.file)}`,
    };
  }

  /**
   * Creates the onnxruntime session once and checks the manifest against the model's declared
   * inputs and outputs, so a mismatch stops startup instead of failing every request.
   *
   * @throws ManifestError (bad options), ModelLoadError (file), or an Onnx* error (see ./errors)
   */
  async load(context: AdapterContext): Promise<void> {
    this.context = context;
    const options = parseOnnxOptions(context.manifest.options, path.join(context.modelsDir, 'manifest.json'));
    this.file = context.modelPath ?? findOnnxFile(context.modelsDir);
    try {
      this.session = await InferenceSession.create(this.file, {
        intraOpNumThreads: options.intraOpNumThreads,
        interOpNumThreads: options.interOpNumThreads,
        graphOptimizationLevel: options.graphOptimizationLevel,
        executionProviders: ['cpu'],
        // Our own error carries onnxruntime's message; keep its logger from printing it twice.
        logSeverityLevel: 4,
      });
    } catch (cause) {
      throw new ModelLoadError(`onnxruntime could not load ${this.file}: ${describeError(cause)}`, { cause });
    }
    const inputs = this.session.inputMetadata;
    const names = inputs.map((i) => `"${i.name}"`).join(', ');
    if (inputs.length !== 1) {
      throw new OnnxInputShapeError(
        `${this.file} declares ${inputs.length} inputs (${names}); the onnx adapter feeds exactly one. ` +
          'Export the model with a single input (all features in one [N, F] tensor).',
      );
    }
    if (options.input !== undefined && options.input !== inputs[0].name) {
      throw new OnnxInputShapeError(`${this.file} has no input "${options.input}" (options.input); its input is ${names}.`);
    }
    this.input = planInput(inputs[0], this.file);
    this.output = resolveOutput(context.manifest.output, this.session.outputMetadata, this.file);
    if (this.input.kind === 'features' && this.input.width !== undefined && this.toInput === OnnxAdapter.prototype.toInput) {
      const extractor = context.extractor;
      if (extractor.featureNames.length !== this.input.width) {
        throw new OnnxInputShapeError(
          `input "${this.input.name}" of ${this.file} takes ${this.input.width} features, but extractor "${extractor.name}" ` +
            `(manifest "extractor") gives ${extractor.featureNames.length}. Name the extractor the model was trained with.`,
        );
      }
    }
  }

  /** Feature rows from the manifest's extractor, or the argument values as one text. */
  toInput(request: MlRequest): OnnxInput {
    if (this.input.kind === 'text') return requestText(request);
    return this.context.extractor.extract(request);
  }

  /** One run on a zero row (or an empty text) so the first request does not pay for lazy allocations. */
  async warmUp(): Promise<void> {
    const width = this.input.width ?? this.context.extractor.featureNames.length;
    await this.score([this.input.kind === 'text' ? '' : new Array<number>(width).fill(0)]);
  }

  async score(batch: readonly OnnxInput[]): Promise<Float64Array> {
    const session = this.session;
    if (session === undefined) throw new ModelLoadError(`the onnx adapter for ${this.file} is not loaded (or was disposed).`);
    const scores = new Float64Array(batch.length);
    let offset = 0;
    for (const run of buildTensors(this.input, batch, this.file)) {
      // Fetch only the score's output: a ZipMap output next to it is then never materialised.
      const result = await session.run({ [this.input.name]: run.tensor }, [this.output.name]);
      scores.set(readScores(result[this.output.name], this.output, run.rows, this.file), offset);
      offset += run.rows;
    }
    return scores;
  }

  /** Releases the native session; `score` fails afterwards. */
  async dispose(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.release();
  }
}

/** Without a manifest `model`, the directory's only `*.onnx` file. */
function findOnnxFile(dir: string): string {
  const found = readdirSync(dir).filter((name) => name.endsWith('.onnx'));
  if (found.length !== 1) {
    throw new ModelLoadError(
      `the manifest in ${dir} names no "model" and the directory holds ${found.length} .onnx files` +
        `${found.length > 0 ? ` (${found.join(', ')})` : ''}; set "model" to the file to serve.`,
    );
  }
  return path.join(dir, found[0]);
}
