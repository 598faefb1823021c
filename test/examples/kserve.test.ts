import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import request from 'supertest';
import { parse } from 'yaml';
import { readOipOptions } from '../../adapters/oip/oip-options';
import { loadModel } from '../../src/adapter/load-model';
import { validateManifest } from '../../src/adapter/manifest';
import { createProgram } from '../../src/cli/main';
import { createContainer, TOKENS } from '../../src/container';
import { silentLogger } from '../../src/logger';
import { createApp } from '../../src/server/create-app';

/**
 * examples/kserve/: no Kubernetes runs here, so the objects are validated against the fields of
 * KServe's CRDs they use (written from config/crd/full/serving.kserve.io_servingruntimes.yaml and
 * _inferenceservices.yaml of kserve/kserve @ aaac4e2, with unknown fields refused as the API server's
 * strict validation does), and cross-checked with what our own CLI and server accept. The full CRDs
 * were checked with examples/kserve/check-against-crd.js (see examples/kserve/README.md).
 */
const DIR = path.join(__dirname, '../../examples/kserve');
const read = (file: string) => parse(readFileSync(path.join(DIR, file), 'utf8')) as Record<string, any>;

const probe = { type: 'object', additionalProperties: false, required: ['httpGet'], properties: {
  httpGet: { type: 'object', additionalProperties: false, required: ['port'], properties: { path: { type: 'string' }, port: { anyOf: [{ type: 'integer' }, { type: 'string' }] } } },
  periodSeconds: { type: 'integer' }, failureThreshold: { type: 'integer' }, initialDelaySeconds: { type: 'integer' }, timeoutSeconds: { type: 'integer' },
} };
const resources = { type: 'object', additionalProperties: false, properties: { requests: { type: 'object', additionalProperties: { anyOf: [{ type: 'integer' }, { type: 'string' }] } }, limits: { type: 'object', additionalProperties: { anyOf: [{ type: 'integer' }, { type: 'string' }] } } } };
const SERVING_RUNTIME = {
  type: 'object', additionalProperties: false, required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'serving.kserve.io/v1alpha1' }, kind: { const: 'ServingRuntime' },
    metadata: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
    spec: { type: 'object', additionalProperties: false, required: ['containers'], properties: {
      annotations: { type: 'object', additionalProperties: { type: 'string' } },
      supportedModelFormats: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string' }, version: { type: 'string' }, autoSelect: { type: 'boolean' }, priority: { type: 'integer', minimum: 1 } } } },
      protocolVersions: { type: 'array', items: { type: 'string' } },
      containers: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['name'], properties: {
        name: { type: 'string' }, image: { type: 'string' }, args: { type: 'array', items: { type: 'string' } }, command: { type: 'array', items: { type: 'string' } },
        ports: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['containerPort'], properties: { name: { type: 'string' }, containerPort: { type: 'integer' }, protocol: { type: 'string' } } } },
        readinessProbe: probe, livenessProbe: probe, resources,
        securityContext: { type: 'object', additionalProperties: false, properties: { allowPrivilegeEscalation: { type: 'boolean' }, privileged: { type: 'boolean' }, runAsNonRoot: { type: 'boolean' }, capabilities: { type: 'object', additionalProperties: false, properties: { drop: { type: 'array', items: { type: 'string' } }, add: { type: 'array', items: { type: 'string' } } } } } },
      } } },
    } },
  },
};
const INFERENCE_SERVICE = {
  type: 'object', additionalProperties: false, required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'serving.kserve.io/v1beta1' }, kind: { const: 'InferenceService' },
    metadata: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
    spec: { type: 'object', additionalProperties: false, required: ['predictor'], properties: {
      predictor: { type: 'object', additionalProperties: false, properties: {
        minReplicas: { type: 'integer' }, maxReplicas: { type: 'integer' },
        model: { type: 'object', additionalProperties: false, required: ['modelFormat'], properties: {
          modelFormat: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string' }, version: { type: 'string' } } },
          runtime: { type: 'string' }, protocolVersion: { type: 'string' }, storageUri: { type: 'string' },
        } },
      } },
    } },
  },
};

describe('examples/kserve', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const runtime = read('serving-runtime.yaml');
  const service = read('inference-service.yaml');

  it('the ServingRuntime and the InferenceService fit the fields of KServe\'s CRDs', () => {
    for (const [object, schema] of [[runtime, SERVING_RUNTIME], [service, INFERENCE_SERVICE]] as const) {
      const validate = ajv.compile(schema);
      if (!validate(object)) throw new Error(`${object.kind}: ${ajv.errorsText(validate.errors)}`);
    }
    // The schemas refuse what they should: a misspelt field.
    const misspelt = structuredClone(service);
    misspelt.spec.predictor.model.storageURI = misspelt.spec.predictor.model.storageUri;
    expect(ajv.compile(INFERENCE_SERVICE)(misspelt)).toBe(false);
  });

  it('the InferenceService picks this runtime, over OIP v2, and the runtime probes the v2 health endpoints on its own port', () => {
    const model = service.spec.predictor.model;
    expect(model.runtime).toBe(runtime.metadata.name);
    expect(runtime.spec.supportedModelFormats.map((f: { name: string }) => f.name)).toContain(model.modelFormat.name);
    expect(model.protocolVersion).toBe('v2');
    expect(runtime.spec.protocolVersions).toContain('v2');
    const [container] = runtime.spec.containers;
    const port = Number(container.args.find((a: string) => a.startsWith('--port='))!.split('=')[1]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/v2/health/ready', port });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/v2/health/live', port });
    expect(container.ports[0].containerPort).toBe(port);
    expect(container.args).toContain('--models=/mnt/models'); // where KServe's storage initializer puts storageUri
  });

  it('every argument the runtime passes is an option of `crs-ml-server serve`', () => {
    const serve = createProgram().commands.find((c) => c.name() === 'serve')!;
    const known = new Set(serve.options.map((o) => o.long));
    const [container] = runtime.spec.containers;
    expect(container.args[0]).toBe('serve');
    for (const arg of container.args.slice(1)) expect(known).toContain(arg.split('=')[0]);
  });

  it('the server answers OIP under the name KServe gives it (--model-name)', async () => {
    const container = createContainer({ logger: silentLogger });
    const model = await loadModel({
      modelsDir: path.join(__dirname, '../../examples/sklearn-iforest/saved_models'),
      adapters: container.resolve(TOKENS.AdapterRegistry),
      extractors: container.resolve(TOKENS.ExtractorRegistry),
      logger: silentLogger,
      name: service.metadata.name,
    });
    const app = createApp({ model: () => model, logger: silentLogger });
    await request(app).get(`/v2/models/${service.metadata.name}/ready`).expect(200);
    await request(app).get('/v2/health/ready').expect(200);
  });

  it('the WAF-side manifests (forwarding to KServe or Triton) are valid oip manifests', () => {
    for (const dir of ['waf-side', 'triton-features']) {
      const manifest = validateManifest(JSON.parse(readFileSync(path.join(DIR, dir, 'manifest.json'), 'utf8')), dir);
      expect(manifest.adapter).toBe('oip');
      expect(() => readOipOptions(manifest.options)).not.toThrow();
    }
    const wafSide = JSON.parse(readFileSync(path.join(DIR, 'waf-side', 'manifest.json'), 'utf8'));
    expect(wafSide.options.model).toBe(service.metadata.name);
    // The WAF side decides with the served model's own threshold, so both sides agree on verdicts.
    const served = JSON.parse(readFileSync(path.join(__dirname, '../../saved_models', path.basename(service.spec.predictor.model.storageUri), 'manifest.json'), 'utf8'));
    expect({ threshold: wafSide.threshold, anomalyWhen: wafSide.anomalyWhen, output: 'score' }).toEqual({ threshold: served.threshold, anomalyWhen: served.anomalyWhen, output: wafSide.output });
  });
});
