import { setTimeout as sleep } from 'node:timers/promises';
import type { AdapterContext, AdapterDescription, ModelAdapter } from '../../src/adapter/model-adapter';
import { requestToJson, type MlRequest } from '../../src/contract/ml-request';
import { ManifestError, ModelLoadError } from '../../src/errors';
import type { FeatureExtractor } from '../../src/features/feature-extractor';
import { RemoteModelError, RemoteModelMismatchError } from '../../src/oip/errors';
import { OIP_TENSORS, type InferenceResponse, type ModelMetadataResponse, type RequestInput } from '../../src/oip/protocol';
import { MicroBatcher } from './micro-batcher';
import { OipClient } from './oip-client';
import { readOipOptions, type OipOptions } from './oip-options';

type OipRow = string | number[];

/**
 * Forwards each request to a model on another server that speaks the Open Inference Protocol v2
 * (a second crs-ml-server, KServe, Triton, MLServer): the request as contract JSON (`BYTES`) or the
 * local extractor's feature row (`FP32`/`FP64`). The remote's output named by the manifest's
 * `output` (default `score`; `name[:,k]` takes column k of a 2-D output) is the score, and the
 * local manifest's threshold decides. Concurrent requests can share one infer call (micro-batching).
 * See docs/oip.md.
 */
export class OipAdapter implements ModelAdapter<OipRow> {
  static readonly adapterName = 'oip';
  private options!: OipOptions;
  private client!: OipClient;
  private batcher!: MicroBatcher<OipRow, number>;
  private output!: { name: string; column: number | undefined };
  private extractor: FeatureExtractor | undefined;

  describe(): AdapterDescription {
    return {
      name: OipAdapter.adapterName,
      inputKind: this.options?.input.datatype === 'BYTES' || this.options === undefined ? 'request' : 'features',
      output: this.options === undefined ? 'a remote OIP v2 model' : `output "${this.output.name}" of ${this.client.where}`,
    };
  }

  async load(context: AdapterContext): Promise<void> {
    this.options = readOipOptions(context.manifest.options);
    this.output = parseOutput(context.manifest.output ?? OIP_TENSORS.score);
    if (this.options.input.datatype !== 'BYTES') this.extractor = context.extractor;
    this.client = new OipClient(this.options);
    this.batcher = new MicroBatcher((rows) => this.inferRows(rows), this.options.batch.maxSize, this.options.batch.maxWaitMs);
    const metadata = await this.waitForRemote();
    this.checkMetadata(metadata);
    context.logger.info(`oip: ${this.client.where} is ready (input "${this.options.input.name}" ${this.options.input.datatype}, output "${this.output.name}")`);
  }

  toInput(request: MlRequest): OipRow {
    return this.extractor === undefined ? requestToJson(request) : this.extractor.extract(request);
  }

  score(batch: readonly OipRow[]): Promise<number[]> {
    return this.batcher.submit(batch);
  }

  async dispose(): Promise<void> {
    await this.client?.close();
  }

  private async inferRows(rows: OipRow[]): Promise<number[]> {
    const { name, datatype } = this.options.input;
    const input: RequestInput =
      datatype === 'BYTES'
        ? { name, datatype, shape: [rows.length], data: rows as string[] }
        : { name, datatype, shape: [rows.length, (rows[0] as number[]).length], data: (rows as number[][]).flat() };
    const response = await this.client.infer({ inputs: [input], outputs: [{ name: this.output.name }] });
    return this.scoresOf(response, rows.length);
  }

  private scoresOf(response: InferenceResponse, rows: number): number[] {
    const output = response.outputs?.find((o) => o.name === this.output.name);
    if (output === undefined) throw new RemoteModelError(`remote OIP model ${this.client.where} answered without output "${this.output.name}".`);
    const flat = (output.data as unknown[]).flat(8) as unknown[];
    const width = this.output.column === undefined ? 1 : (output.shape[1] ?? 1);
    if (flat.length !== rows * width) {
      throw new RemoteModelError(`remote OIP model ${this.client.where}: output "${output.name}" has ${flat.length} values for ${rows} rows (shape ${JSON.stringify(output.shape)}).`);
    }
    const column = this.output.column ?? 0;
    return Array.from({ length: rows }, (_, row) => toNumber(flat[row * width + column]));
  }

  /** Metadata of the remote model, waiting while it is unreachable or not ready yet. */
  private async waitForRemote(): Promise<ModelMetadataResponse> {
    const wait = this.options.startupWaitMs;
    const until = Date.now() + wait;
    for (;;) {
      try {
        const { status, error } = await this.client.ready(2000);
        if (status === 200) return await this.client.metadata(2000);
        // Only "not ready yet" is worth waiting for; a 404 (no such model) will not change.
        if (status !== 503 || Date.now() > until) {
          throw new RemoteModelMismatchError(`${(error ?? '').replace(/\.$/, '')}${status === 503 ? ` (still not ready after ${wait} ms, options.startupWaitMs)` : ''}; check options.model and that server.`);
        }
      } catch (error) {
        if (!(error instanceof RemoteModelError)) throw error;
        if (Date.now() > until) {
          throw new ModelLoadError(`cannot reach the remote OIP model: ${error.message}. Start that server first, or fix options.url / options.model in the manifest.`, { cause: error });
        }
      }
      await sleep(250);
    }
  }

  private checkMetadata(metadata: ModelMetadataResponse): void {
    const inputs = metadata.inputs ?? [];
    const outputs = metadata.outputs ?? [];
    const list = (tensors: typeof inputs) => tensors.map((t) => `"${t.name}" ${t.datatype} ${JSON.stringify(t.shape)}`).join(', ') || 'none';
    const { name, datatype } = this.options.input;
    const input = inputs.find((t) => t.name === name);
    if (input === undefined) {
      throw new RemoteModelMismatchError(`remote model ${this.client.where} has no input "${name}" (it takes ${list(inputs)}); set options.input.name in the manifest.`);
    }
    if (input.datatype !== datatype) {
      throw new RemoteModelMismatchError(`remote input "${name}" is ${input.datatype}, the manifest sends ${datatype}; set options.input.datatype to "${input.datatype}" if this adapter can send it.`);
    }
    const width = input.shape[input.shape.length - 1];
    if (this.extractor !== undefined && (input.shape.length !== 2 || (width !== -1 && width !== this.extractor.featureNames.length))) {
      throw new RemoteModelMismatchError(
        `remote input "${name}" has shape ${JSON.stringify(input.shape)}, but extractor "${this.extractor.name}" gives rows of ${this.extractor.featureNames.length}; use the extractor the remote model was trained on.`,
      );
    }
    if (!outputs.some((t) => t.name === this.output.name)) {
      throw new RemoteModelMismatchError(`remote model ${this.client.where} has no output "${this.output.name}" (it gives ${list(outputs)}); set "output" in the manifest.`);
    }
  }
}

/** `score` or `probabilities[:,1]`. */
function parseOutput(spec: string): { name: string; column: number | undefined } {
  const match = /^(.+?)\[:,\s*(\d+)\]$/.exec(spec);
  if (match !== null) return { name: match[1], column: Number(match[2]) };
  if (/[[\]]/.test(spec)) throw new ManifestError(`oip adapter: output "${spec}" must be an output name, or name[:,k] for column k.`);
  return { name: spec, column: undefined };
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && /^(NaN|-?Infinity|-?\d)/.test(value)) return Number(value);
  throw new RemoteModelError(`the remote model's output holds ${String(JSON.stringify(value)).slice(0, 60)}, not a number.`);
}
