/**
 * A jest test environment for test files that run onnxruntime-node (the `onnx` adapter, or your
 * subclass of it). Start such a file with:
 *
 * ```ts
 * /**
 *  * @jest-environment crs-ml-server/dist/src/sdk/jest-environment.js
 *  *\/
 * ```
 *
 * Why: jest runs each test file in its own vm context, so a Float32Array made by onnxruntime's
 * native addon (main context) fails `instanceof Float32Array` inside the test's context, and
 * onnxruntime-common throws "A float32 tensor's data must be type of Float32Array". This
 * environment gives the test context the main context's typed-array constructors. The server never
 * runs in a vm context and does not need it. Needs `jest-environment-node` (installed with jest).
 */
type EnvironmentClass = new (config: unknown, context: unknown) => { global: Record<string, unknown> };
// Required, not imported, so the published typings do not depend on jest's.
const { TestEnvironment } = require('jest-environment-node') as { TestEnvironment: EnvironmentClass };

const TYPED_ARRAYS = [
  'Float32Array', 'Float64Array', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array',
] as const;

class NativeArraysEnvironment extends TestEnvironment {
  constructor(config: unknown, context: unknown) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
  }
}

export = NativeArraysEnvironment;
