import * as sdk from '../../src';

describe('the package surface (src/index.ts)', () => {
  it('exports the lifecycle, server, registries, errors and test helper as values', () => {
    const values = [
      'defineAdapter', 'describeAdapterConformance', 'loadModel', 'loadUserAdapters', 'thresholdDecision', 'readManifest',
      'validateManifest', 'ModelManifest', 'AdapterRegistry', 'ExtractorRegistry', 'createApp', 'createContainer', 'TOKENS',
      'OnnxAdapter', 'RandomAdapter', 'parseRequestBody', 'requestToJson', 'createLogger', 'silentLogger',
      'CrsMlError', 'ModelLoadError', 'ScoringError', 'AdapterError', 'OnnxInputShapeError', 'OnnxNonTensorOutputError',
    ];
    for (const name of values) expect([name, typeof (sdk as Record<string, unknown>)[name]]).toEqual([name, expect.stringMatching(/function|object/)]);
  });

  it('registers the onnx adapter among the built-ins', () => {
    expect(sdk.BUILT_IN_ADAPTERS.map((a) => a.adapterName)).toEqual(expect.arrayContaining(['random', 'onnx']));
    const registry = sdk.createContainer({ logger: sdk.silentLogger }).resolve<sdk.AdapterRegistry>(sdk.TOKENS.AdapterRegistry);
    expect(registry.get('onnx')).toBe(sdk.OnnxAdapter);
  });

  it('lets a user type an adapter against the exported interfaces', async () => {
    class Constant implements sdk.ModelAdapter<null> {
      static readonly adapterName = 'constant';
      describe(): sdk.AdapterDescription {
        return { name: Constant.adapterName, inputKind: 'request', output: 'always 1' };
      }
      load(_context: sdk.AdapterContext): void {}
      score(batch: readonly null[]): number[] {
        return batch.map(() => 1);
      }
    }
    const adapterClass: sdk.ModelAdapterClass = Constant;
    expect(Array.from(await new adapterClass().score([null, null]))).toEqual([1, 1]);
  });
});
