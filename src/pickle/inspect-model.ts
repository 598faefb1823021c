import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { DType } from '../numpy/dtype';
import { NdArray } from '../numpy/ndarray';
import { CrsMlError, describeError } from '../errors';
import { describeLocation, type PickleLocation } from './errors';
import { DEFAULT_GLOBAL_DOOR } from './globals';
import { loadModelBytesWithReport, type LoadOptions } from './load-pickle';
import type { GlobalDoor } from './protocol';
import { PyGlobal, PyObject, type PyValue } from './python-value';
import { scanGlobals } from './scan-globals';
import { detectCompression } from './compression';
import { inferNumpyVersion, inferPythonVersion, type VersionHint } from './writer-versions';

/** One global the file names, with the door's verdict. */
export interface GlobalUse {
  name: string;
  allowed: boolean;
  /** The allowlist entry's reason, when allowed. */
  why?: string;
  at: PickleLocation;
}

/** What `crs-ml-server inspect` reports; also its `--json` output. */
export interface InspectReport {
  file: string;
  bytes: number;
  sha256: string;
  compression: string;
  format: 'pickle' | 'joblib';
  protocol: number | null;
  loadable: boolean;
  error?: { code: string; message: string };
  sklearnVersion?: string;
  /** The Python and numpy that wrote the file, inferred (writer-versions.ts says how). */
  python?: VersionHint;
  numpy?: VersionHint;
  rootClass?: string;
  globals: GlobalUse[];
  /** The object tree, values elided beyond a few per container. */
  tree?: unknown;
  /** What the `describers` option recognised in the file (e.g. an XGBoost booster's summary). */
  models?: ModelDescription[];
}

/** A summary a describer gives of a model inside the file: a title and a few fields. */
export interface ModelDescription {
  title: string;
  fields: Record<string, unknown>;
}

/**
 * Recognises a model family in the loaded value and summarises it, or returns an empty list. Passed
 * in by the caller (the CLI passes src/xgboost's), so src/pickle imports no model family.
 */
export type ModelDescriber = (root: PyValue) => ModelDescription[];

/** Inspects a model file without running anything from it. Never throws for a bad file: the report says why. */
export function inspectModelFile(filePath: string, options: LoadOptions & { maxItems?: number; describers?: readonly ModelDescriber[] } = {}): InspectReport {
  return inspectModelFileWithValue(filePath, options).report;
}

/** inspectModelFile, also returning the loaded value (undefined when refused) for layers above (sklearn). */
export function inspectModelFileWithValue(filePath: string, options: LoadOptions & { maxItems?: number; describers?: readonly ModelDescriber[] } = {}): { report: InspectReport; value?: PyValue } {
  const bytes = readFileSync(filePath);
  const report: InspectReport = {
    file: filePath,
    bytes: statSync(filePath).size,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    compression: bytes.length === 0 ? 'none' : detectCompression(bytes),
    format: 'pickle',
    protocol: null,
    loadable: false,
    globals: [],
  };
  const seen = new Map<string, GlobalUse>();
  const base = options.door ?? DEFAULT_GLOBAL_DOOR;
  const recording: GlobalDoor = {
    resolve(module, name, at) {
      const entry = base.resolve(module, name, at);
      const key = `${module}.${name}`;
      if (!seen.has(key)) seen.set(key, { name: key, allowed: entry !== undefined, why: entry?.why, at: at ?? { source: filePath } });
      return entry;
    },
  };
  let value: PyValue | undefined;
  try {
    const loaded = loadModelBytesWithReport(bytes, { ...options, door: recording, source: options.source ?? basename(filePath) });
    report.loadable = true;
    report.protocol = loaded.protocol;
    const root = loaded.value;
    value = root;
    if (root instanceof PyObject) {
      report.rootClass = root.className;
      const version = root.dict().get('_sklearn_version');
      if (typeof version === 'string') report.sklearnVersion = version;
    }
    report.tree = summarize(root, options.maxItems ?? 5);
    const models = (options.describers ?? []).flatMap((describe) => describe(root));
    if (models.length > 0) report.models = models;
  } catch (error) {
    report.error = { code: error instanceof CrsMlError ? error.code : 'INTERNAL', message: describeError(error) };
    // The load stopped at the first refusal; a static scan lists the names after it too.
    for (const use of scanGlobals(bytes, base, options.source ?? basename(filePath))) if (!seen.has(use.name)) seen.set(use.name, use);
  }
  report.globals = [...seen.values()];
  if (report.globals.some((g) => g.name.endsWith('.NumpyArrayWrapper'))) report.format = 'joblib';
  const names = report.globals.map((g) => g.name);
  report.python = inferPythonVersion(report.protocol ?? protocolByte(bytes), names);
  report.numpy = inferNumpyVersion(names);
  return { report, value };
}

/** PROTO's argument when the stream starts with it (a refused file has no loaded protocol); plain files only. */
function protocolByte(bytes: Uint8Array): number | null {
  return bytes.length >= 2 && bytes[0] === 0x80 ? bytes[1] : null;
}

/** A JSON-able summary of a loaded value: classes, shapes, dtypes, a few values. */
export function summarize(value: PyValue, maxItems: number, seen: Set<object> = new Set(), depth = 0): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return typeof value === 'string' && value.length > 80 ? `${value.slice(0, 77)}...` : value;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return { bytes: value.length };
  if (value instanceof PyGlobal) return { global: value.path };
  if (value instanceof DType) return { dtype: String(value) };
  if (seen.has(value)) return { ref: 'shared, shown above' };
  seen.add(value);
  if (depth > 12) return { elided: 'nested too deep' };
  const items = <T>(list: readonly T[], f: (x: T) => unknown): unknown[] => {
    const shown = list.slice(0, maxItems).map(f);
    return list.length > maxItems ? [...shown, `... ${list.length - maxItems} more`] : shown;
  };
  const next = (v: PyValue): unknown => summarize(v, maxItems, seen, depth + 1);
  if (value instanceof NdArray) {
    let head: unknown[] = [];
    try {
      head = value.size <= 100_000 || value.dtype.kind === 'O' ? items(value.toArray() as PyValue[], (v) => (v instanceof Map ? Object.fromEntries(v) : next(v as PyValue))) : [];
    } catch {
      head = [];
    }
    return { ndarray: { dtype: String(value.dtype), shape: value.shape, fortran: value.fortranOrder, head } };
  }
  if (Array.isArray(value)) return { [Object.isFrozen(value) ? 'tuple' : 'list']: value.length, items: items(value, next) };
  if (value instanceof Set) return { set: value.size, items: items([...value], next) };
  if (value instanceof Map) {
    const entries = [...value];
    // Estimator dicts are what people inspect: show every key, elide only long generic dicts.
    const limit = entries.every(([k]) => typeof k === 'string') && entries.length <= 60 ? entries.length : maxItems;
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of entries.slice(0, limit)) out[typeof k === 'string' ? k : JSON.stringify(summarize(k, 2))] = next(v);
    if (entries.length > limit) out['...'] = `${entries.length - limit} more keys`;
    return { dict: entries.length, items: out };
  }
  if (value instanceof PyObject) {
    const out: Record<string, unknown> = { class: value.className };
    if (value.args.length > 0) out.args = items(value.args, next);
    if (value.state !== undefined) out.state = next(value.state);
    return out;
  }
  return { unknown: String(value) };
}

/** Lines other layers add to the human report (the sklearn layer: its version line, its estimators). */
export interface ReportSections {
  /** Replaces the plain `sklearn:` header line. */
  readonly sklearnLine?: string;
  /** Printed after the verdict. */
  readonly afterVerdict?: readonly string[];
}

/** The report for humans: a few header lines, the globals, then the tree as an indented outline. */
export function formatInspectReport(report: InspectReport, sections: ReportSections = {}): string {
  const lines = [
    `file:        ${report.file}`,
    `size:        ${report.bytes} bytes`,
    `sha256:      ${report.sha256}`,
    `format:      ${report.format}${report.protocol === null ? '' : `, pickle protocol ${report.protocol}`}`,
    `compression: ${report.compression}`,
  ];
  if (report.rootClass !== undefined) lines.push(`class:       ${report.rootClass}`);
  if (sections.sklearnLine !== undefined) lines.push(sections.sklearnLine);
  else if (report.sklearnVersion !== undefined) lines.push(`sklearn:     ${report.sklearnVersion}`);
  if (report.numpy !== undefined) lines.push(`numpy:       ${report.numpy.range} (inferred: ${report.numpy.how})`);
  if (report.python !== undefined) lines.push(`python:      ${report.python.range} (inferred: ${report.python.how})`);
  lines.push(report.loadable ? 'verdict:     loadable' : `verdict:     REFUSED [${report.error?.code}] ${report.error?.message}`);
  for (const model of report.models ?? []) {
    lines.push(`${model.title}:`);
    for (const [key, value] of Object.entries(model.fields)) lines.push(`  ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  lines.push(...(sections.afterVerdict ?? []));
  lines.push(`globals (${report.globals.length}):`);
  for (const g of report.globals) {
    lines.push(`  ${g.allowed ? 'allowed' : 'REFUSED'}  ${g.name}  (${describeLocation(g.at)})${g.why ? ` - ${g.why}` : ''}`);
  }
  if (report.tree !== undefined) {
    lines.push('object tree:');
    outline(report.tree, '  ', lines);
  }
  return `${lines.join('\n')}\n`;
}

function outline(node: unknown, indent: string, lines: string[], label = ''): void {
  if (node === null || typeof node !== 'object') {
    lines.push(`${indent}${label}${JSON.stringify(node)}`);
    return;
  }
  const n = node as Record<string, unknown>;
  if ('class' in n) {
    lines.push(`${indent}${label}${String(n.class)}`);
    if (Array.isArray(n.args)) n.args.forEach((a, i) => outline(a, `${indent}  `, lines, `arg ${i}: `));
    if (n.state !== undefined) {
      const state = n.state as Record<string, unknown>;
      if (state !== null && typeof state === 'object' && 'dict' in state) {
        for (const [k, v] of Object.entries(state.items as Record<string, unknown>)) outline(v, `${indent}  `, lines, `${k}: `);
      } else {
        outline(n.state, `${indent}  `, lines, 'state: ');
      }
    }
    return;
  }
  if ('ndarray' in n) {
    const a = n.ndarray as { dtype: string; shape: number[]; fortran: boolean; head: unknown[] };
    lines.push(`${indent}${label}ndarray ${a.dtype} [${a.shape.join(', ')}]${a.fortran ? ' F-order' : ''} ${JSON.stringify(a.head)}`);
    return;
  }
  for (const kind of ['list', 'tuple', 'set']) {
    if (kind in n) {
      lines.push(`${indent}${label}${kind}[${String(n[kind])}]`);
      (n.items as unknown[]).forEach((item, i) => outline(item, `${indent}  `, lines, typeof item === 'string' && item.startsWith('... ') ? '' : `[${i}] `));
      return;
    }
  }
  if ('dict' in n) {
    lines.push(`${indent}${label}dict[${String(n.dict)}]`);
    for (const [k, v] of Object.entries(n.items as Record<string, unknown>)) outline(v, `${indent}  `, lines, `${k}: `);
    return;
  }
  lines.push(`${indent}${label}${JSON.stringify(n)}`);
}
