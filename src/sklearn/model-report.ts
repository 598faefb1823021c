import { PyObject, type PyValue } from '../pickle/python-value';
import { NdArray } from '../numpy/ndarray';
import { CrsMlError, describeError } from '../errors';
import { availableMethods, buildEstimator, VERIFIED_SKLEARN_VERSIONS } from './build-estimator';

/** One scikit-learn estimator inside a model file, with the ones it holds. */
export interface EstimatorNode {
  /** Python class path. */
  readonly class: string;
  /** Where it sits in its parent (`steps[0][1]`, `estimators_[0..99]`), or in the file (`['model']`). */
  readonly at: string;
  /** Its `_sklearn_version`, when it differs from the file's. */
  readonly sklearnVersion?: string;
  /** Siblings of the same class with nothing inside, folded into one node. */
  readonly count?: number;
  readonly children: EstimatorNode[];
}

/** What `inspect` says about the scikit-learn side of a loaded model file. */
export interface SklearnReport {
  /** `_sklearn_version` of the estimator the file serves (the `key`'s, or the outermost one). */
  readonly version: string | null;
  /** Every distinct `_sklearn_version` in the file. */
  readonly versionsInFile: string[];
  /** True when that version's major.minor is in VERIFIED_SKLEARN_VERSIONS (src/sklearn/build-estimator.ts). */
  readonly verified: boolean;
  /** "verified", "newer than the newest verified (X)", "older than ...", "not verified", or "unknown". */
  readonly status: string;
  readonly verifiedVersions: readonly string[];
  /** Every estimator, as a tree. */
  readonly estimators: EstimatorNode[];
  /** Whether this server can evaluate it, and how. */
  readonly evaluable: boolean;
  readonly methods?: string[];
  readonly nFeaturesIn?: number;
  readonly error?: { code: string; message: string };
}

/**
 * Describes the scikit-learn content of an unpickled model file: versions (and whether verified), the
 * estimator tree, and whether `buildEstimator` (with `key`, as the manifest and `eval` use it) can
 * evaluate it. Never throws: a refusal is reported.
 */
export function describeSklearnModel(value: PyValue, key?: string | null): SklearnReport {
  const estimators = estimatorTree(value, '', new Set(), undefined);
  const versionsInFile = [...new Set(collectVersions(estimators, versionOf(value)))];
  let evaluable = false;
  let methods: string[] | undefined;
  let nFeaturesIn: number | undefined;
  let error: SklearnReport['error'];
  try {
    const estimator = buildEstimator(value, { key });
    evaluable = true;
    methods = availableMethods(estimator);
    nFeaturesIn = estimator.nFeaturesIn;
  } catch (cause) {
    error = { code: cause instanceof CrsMlError ? cause.code : 'INTERNAL', message: describeError(cause) };
  }
  const version = servedVersion(value, key) ?? versionsInFile[0] ?? null;
  const { verified, status } = versionStatus(version);
  return { version, versionsInFile, verified, status, verifiedVersions: VERIFIED_SKLEARN_VERSIONS, estimators, evaluable, methods, nFeaturesIn, error };
}

/** Whether `version` is verified, and how it relates to the verified ones. */
export function versionStatus(version: string | null | undefined): { verified: boolean; status: string } {
  if (version === null || version === undefined) return { verified: false, status: 'unknown (no _sklearn_version in the file)' };
  const minor = majorMinor(version);
  if (VERIFIED_SKLEARN_VERSIONS.includes(minor)) return { verified: true, status: 'verified' };
  const newest = [...VERIFIED_SKLEARN_VERSIONS].sort(compareVersions).at(-1);
  const oldest = [...VERIFIED_SKLEARN_VERSIONS].sort(compareVersions)[0];
  if (newest !== undefined && compareVersions(minor, newest) > 0) return { verified: false, status: `newer than the newest verified version (${newest})` };
  if (oldest !== undefined && compareVersions(minor, oldest) < 0) return { verified: false, status: `older than the oldest verified version (${oldest})` };
  return { verified: false, status: 'not verified' };
}

/** `1.5.2` -> `1.5`; `0.22.2.post1` -> `0.22`. */
export function majorMinor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/** Compares dotted numeric versions (`1.10` > `1.9`). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function versionOf(value: PyValue): string | undefined {
  if (!(value instanceof PyObject)) return undefined;
  const v = value.dict().get('_sklearn_version');
  return typeof v === 'string' ? v : undefined;
}

function servedVersion(value: PyValue, key: string | null | undefined): string | undefined {
  if (key !== undefined && key !== null && key !== '') {
    if (value instanceof Map) return versionOf((value.get(key) ?? value.get(Number(key)) ?? null) as PyValue);
    if (Array.isArray(value)) return versionOf((value[Number(key)] ?? null) as PyValue);
  }
  if (value instanceof Map || Array.isArray(value)) {
    const members = value instanceof Map ? [...value.values()] : (value as PyValue[]);
    const found = members.map(versionOf).filter((v) => v !== undefined);
    return found[0];
  }
  return versionOf(value);
}

function collectVersions(nodes: readonly EstimatorNode[], root: string | undefined): string[] {
  const out: string[] = root === undefined ? [] : [root];
  const walk = (list: readonly EstimatorNode[], parent: string | undefined): void => {
    for (const node of list) {
      const own = node.sklearnVersion ?? parent;
      if (own !== undefined) out.push(own);
      walk(node.children, own);
    }
  };
  walk(nodes, root);
  return out;
}

/**
 * Estimators are the pickled objects that carry `_sklearn_version` (scikit-learn's
 * BaseEstimator.__getstate__); helper objects (Tree, losses, predictors) are looked through.
 * `inState`: `value` is an object's `__dict__`, whose keys are attribute names.
 */
function estimatorTree(value: PyValue, at: string, seen: Set<object>, inherited: string | undefined, inState = false): EstimatorNode[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return [];
  if (seen.has(value)) return [];
  seen.add(value);
  if (value instanceof NdArray) return value.dtype.kind === 'O' ? estimatorTree(value.toArray() as PyValue[], at, seen, inherited) : [];
  if (value instanceof PyObject) {
    const version = versionOf(value);
    const state = value.state instanceof Map ? value.state : null;
    if (version === undefined) return state === null ? [] : estimatorTree(state, at, seen, inherited, true);
    const children = state === null ? [] : fold(estimatorTree(state, '', seen, version, true));
    return [{ class: value.className, at, ...(version !== inherited ? { sklearnVersion: version } : {}), children }];
  }
  const out: EstimatorNode[] = [];
  if (value instanceof Map) {
    for (const [k, v] of value) {
      const label = inState && typeof k === 'string' ? (at === '' ? k : `${at}.${k}`) : `${at}[${JSON.stringify(typeof k === 'bigint' ? String(k) : k)}]`;
      out.push(...estimatorTree(v, label, seen, inherited));
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => out.push(...estimatorTree(v as PyValue, `${at}[${i}]`, seen, inherited)));
  } else if (value instanceof Set) {
    for (const v of value) out.push(...estimatorTree(v, `${at}{}`, seen, inherited));
  }
  return out;
}

const FIRST_INDEX = /^([^[]*)\[(\d+)(?:\.\.(\d+))?\]/;

/** Folds runs of childless siblings of one class (a forest's 100 trees) into one node: `estimators_[0..99]`, count 100. */
function fold(nodes: EstimatorNode[]): EstimatorNode[] {
  const out: EstimatorNode[] = [];
  for (const node of nodes) {
    const last = out.at(-1);
    const a = last === undefined ? null : FIRST_INDEX.exec(last.at);
    const b = FIRST_INDEX.exec(node.at);
    const same = last !== undefined && last.class === node.class && last.children.length === 0 && node.children.length === 0 && last.sklearnVersion === node.sklearnVersion;
    if (same && a !== null && b !== null && a[1] === b[1]) {
      const to = b[3] ?? b[2];
      out[out.length - 1] = { ...last, at: `${a[1]}[${a[2]}..${to}]`, count: (last.count ?? 1) + (node.count ?? 1) };
    } else {
      out.push(node);
    }
  }
  return out;
}
