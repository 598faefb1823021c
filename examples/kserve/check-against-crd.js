#!/usr/bin/env node
'use strict';
/**
 * Validates Kubernetes objects against a CustomResourceDefinition's own openAPIV3Schema, the way
 * the API server's strict field validation would: unknown fields are errors (every object schema
 * with `properties` and no `x-kubernetes-preserve-unknown-fields` gets `additionalProperties: false`).
 * The CRDs are KServe's (config/crd/full/serving.kserve.io_*.yaml); they are not in this repository.
 *
 *   node examples/kserve/check-against-crd.js CRD.yaml OBJECT.yaml [OBJECT.yaml...]
 */
const { readFileSync } = require('node:fs');
const Ajv = require('ajv');
const YAML = require('yaml');

function strict(schema) {
  if (schema === null || typeof schema !== 'object') return schema;
  const out = Array.isArray(schema) ? schema.map(strict) : {};
  if (Array.isArray(schema)) return out;
  for (const [key, value] of Object.entries(schema)) out[key] = typeof value === 'object' ? strict(value) : value;
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  // Kubernetes' int-or-string: either is fine.
  if (out['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  return out;
}

const [crdFile, ...files] = process.argv.slice(2);
if (!crdFile || files.length === 0) {
  console.error('usage: check-against-crd.js CRD.yaml OBJECT.yaml [...]');
  process.exit(2);
}
const crd = YAML.parse(readFileSync(crdFile, 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
let failed = 0;
for (const file of files) {
  const object = YAML.parse(readFileSync(file, 'utf8'));
  const [group, version] = String(object.apiVersion).split('/');
  const served = crd.spec.versions.find((v) => v.name === version);
  if (crd.spec.group !== group || crd.spec.names.kind !== object.kind || served === undefined) {
    console.log(`skip ${file}: ${object.apiVersion} ${object.kind} is not ${crd.spec.group} ${crd.spec.names.kind}`);
    continue;
  }
  const schema = strict(served.schema.openAPIV3Schema);
  // metadata is validated by the API server itself, not by the CRD schema.
  schema.properties.metadata = { type: 'object' };
  const validate = ajv.compile(schema);
  if (validate(object)) console.log(`ok   ${file} against ${crdFile} (${version})`);
  else {
    failed++;
    console.log(`FAIL ${file}: ${ajv.errorsText(validate.errors, { separator: '\n     ' })}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
