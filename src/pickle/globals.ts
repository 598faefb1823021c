import { MaskedArrayPlaceholder } from '../numpy/masked-array';
import { frombuffer, makeDType, randomObject, reconstruct, scalar } from '../numpy/reconstruct';
import { latin1Bytes } from './decode';
import { describeLocation, PickleMalformedError, PickleUnsupportedError } from './errors';
import { describeValue } from './describe-value';
import { JoblibArrayWrapper } from './joblib';
import type { GlobalDoor, GlobalEntry, UnpickleContext } from './protocol';
import { PyGlobal, PyObject, type PyValue } from './python-value';

/**
 * THE DOOR: every Python global a pickle names (GLOBAL, STACK_GLOBAL, INST) is looked up here and
 * nowhere else. A name that is not listed is refused before anything is built
 * (PICKLE_GLOBAL_NOT_ALLOWED). Each entry says why admitting it is safe: no entry runs Python
 * code, touches files or reaches the network; builders only shape data.
 *
 * To admit a new name, add one entry with its reason (and a fixture that needs it).
 */

const valueOnly = (why: string): GlobalEntry => ({ why });

/** A class kept as data: instances become `PyObject`s holding their args and BUILD state. */
const inertClass = (why: string): GlobalEntry => ({
  why,
  call: (args, _ctx, self) => new PyObject(self.path, args),
  newObject: (args, _ctx, self) => new PyObject(self.path, args),
});

function classPath(value: PyValue | undefined, what: string, ctx: UnpickleContext): string {
  if (!(value instanceof PyGlobal)) {
    throw new PickleMalformedError(`${what} needs a class argument (${ctx.at().opcode} at byte ${ctx.at().offset} of ${ctx.at().source})`);
  }
  return canonicalGlobal(value.module, value.name);
}

function iterableItems(value: PyValue | undefined): PyValue[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return [...value];
  if (value instanceof Set) return [...value];
  if (value instanceof Map) return [...value.keys()];
  throw new PickleMalformedError('expected a list, tuple or set');
}

function encodeText(args: readonly PyValue[]): Uint8Array {
  const [text, encoding = 'utf-8'] = args;
  if (typeof text !== 'string' || typeof encoding !== 'string') throw new PickleMalformedError('_codecs.encode needs (str, encoding)');
  const name = encoding.toLowerCase().replace(/[-_]/g, '');
  if (name === 'latin1' || name === 'iso88591' || name === 'l1') {
    const bytes = latin1Bytes(text);
    if (bytes === undefined) throw new PickleMalformedError('_codecs.encode latin-1 text has characters above U+00FF');
    return bytes;
  }
  if (name === 'utf8' || name === 'ascii') return new TextEncoder().encode(text);
  throw new PickleUnsupportedError(`_codecs.encode with encoding "${encoding}" is not supported`);
}

function toByteArray(args: readonly PyValue[]): Uint8Array {
  const [source] = args;
  if (source === undefined) return new Uint8Array(0);
  if (source instanceof Uint8Array) return source.slice();
  if (typeof source === 'string') return encodeText(args.length > 1 ? args : [source, 'latin1']);
  if (Array.isArray(source) && source.every((b) => typeof b === 'number' && b >= 0 && b < 256)) return Uint8Array.from(source as number[]);
  throw new PickleMalformedError('bytes/bytearray argument is not bytes, text or a list of byte values');
}

const SCIPY_SPARSE = ['csr', 'csc', 'coo'].flatMap((fmt) => [
  `scipy.sparse._${fmt}.${fmt}_matrix`,
  `scipy.sparse.${fmt}.${fmt}_matrix`,
  `scipy.sparse._${fmt}.${fmt}_array`,
  `scipy.sparse._arrays.${fmt}_array`,
]);

const NUMPY_SCALAR_TYPES = [
  'bool_', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float16',
  'float32', 'float64', 'longdouble', 'complex64', 'complex128', 'object_', 'str_', 'bytes_', 'intc',
  'intp', 'uintp', 'datetime64', 'timedelta64', 'void',
];

/** Exact names. Keys are canonical (`builtins`, `copyreg`, `numpy.core`); see MODULE_ALIASES. */
export const ALLOWED_GLOBALS: ReadonlyMap<string, GlobalEntry> = new Map<string, GlobalEntry>([
  // --- Python built-ins that only make containers and values
  ['builtins.set', { why: 'builds a set from the given items (protocols < 4)', call: (a) => new Set(iterableItems(a[0])) }],
  ['builtins.frozenset', { why: 'builds a set from the given items (protocols < 4)', call: (a) => new Set(iterableItems(a[0])) }],
  ['builtins.bytearray', { why: 'copies bytes or latin-1 text into a byte array (protocols < 5)', call: (a) => toByteArray(a) }],
  ['builtins.bytes', { why: 'empty or copied bytes (protocols < 3 write b"" this way)', call: (a) => toByteArray(a) }],
  ['builtins.list', { why: 'an empty list or a copy of the items', call: (a) => iterableItems(a[0]), newObject: () => [] }],
  ['builtins.dict', { why: 'an empty dict; items follow via SETITEMS', call: () => new Map(), newObject: () => new Map() }],
  ['builtins.tuple', { why: 'a tuple of the given items', call: (a) => Object.freeze(iterableItems(a[0])) }],
  ['builtins.complex', { why: 'a complex number kept as data (real, imag)', call: (a, _c, self) => new PyObject(self.path, a) }],
  ['builtins.slice', { why: 'a slice kept as data (start, stop, step)', call: (a, _c, self) => new PyObject(self.path, a) }],
  ['builtins.object', valueOnly('the base class argument of copyreg._reconstructor')],
  ['builtins.float', valueOnly('a type used as a parameter value (dtype=float)')],
  ['builtins.int', valueOnly('a type used as a parameter value (dtype=int)')],
  ['builtins.str', valueOnly('a type used as a parameter value (dtype=str)')],
  ['builtins.bool', valueOnly('a type used as a parameter value (dtype=bool)')],
  // --- copyreg helpers: they only call cls.__new__, i.e. another entry of this door
  ['copyreg._reconstructor', {
    why: 'protocols 0-1 object creation: base.__new__(cls) through the entry of cls',
    call: (a, ctx) => {
      const [cls, base, state] = a;
      classPath(cls, 'copyreg._reconstructor', ctx);
      const baseName = base instanceof PyGlobal ? canonicalGlobal(base.module, base.name) : '';
      if (baseName === 'builtins.object' && (state === null || state === undefined)) return ctx.newObject(cls, []);
      if (baseName === 'builtins.dict' && state instanceof Map) {
        // a dict subclass (sklearn's Bunch): dict.__init__(obj, state) copies the items
        const made = ctx.newObject(cls, []);
        if (made instanceof Map) {
          for (const [k, v] of state) made.set(k, v);
          return made;
        }
      }
      throw new PickleUnsupportedError(`copyreg._reconstructor of ${(cls as PyGlobal).path} with base ${baseName || 'unknown'} is not supported`);
    },
  }],
  ['copyreg.__newobj__', { why: 'cls.__new__(cls, *args) through the entry of cls', call: (a, ctx) => ctx.newObject(a[0] ?? null, a.slice(1)) }],
  ['_codecs.encode', { why: 'turns latin-1 text back into bytes (how protocols < 3 store bytes)', call: (a) => encodeText(a) }],
  ['collections.OrderedDict', { why: 'an ordered dict; items follow via SETITEMS', call: () => new Map(), newObject: () => new Map() }],
  ['collections.defaultdict', { why: 'a dict; the default factory is kept out (only items matter)', call: () => new Map(), newObject: () => new Map() }],
  // --- scikit-learn containers that are dicts (VotingClassifier.named_estimators_ ...): items follow via SETITEMS
  ['sklearn.utils._bunch.Bunch', { why: 'a dict with attribute access; kept as a Map', newObject: () => new Map(), call: () => new Map() }],
  ['sklearn.utils.Bunch', { why: 'a dict with attribute access (sklearn < 1.2 path); kept as a Map', newObject: () => new Map(), call: () => new Map() }],
  // --- numpy
  ['numpy.core.multiarray._reconstruct', { why: 'allocates an empty ndarray placeholder; data comes via BUILD', call: (a) => reconstruct(a) }],
  ['numpy.core.numeric._frombuffer', { why: 'protocol-5 ndarray over bytes already in the stream', call: (a, ctx) => frombuffer(a, ctx) }],
  ['numpy.core.multiarray.scalar', { why: 'decodes one numpy scalar from its bytes', call: (a) => scalar(a) }],
  ['numpy.dtype', { why: 'a dtype description (kind, size, byte order, fields)', call: (a) => makeDType(a), newObject: (a) => makeDType(a) }],
  ['numpy.ndarray', valueOnly('the class argument of _reconstruct')],
  ['numpy.core.memmap.memmap', valueOnly('the class argument of _reconstruct for memmapped arrays')],
  ['numpy.ma.core._mareconstruct', { why: 'an empty masked array placeholder; data and mask come via BUILD', call: (a) => new MaskedArrayPlaceholder(a) }],
  ['numpy.ma.core.MaskedArray', valueOnly('the class argument of _mareconstruct')],
  ['numpy.random._pickle.__randomstate_ctor', { why: 'a RandomState kept as data (its MT19937 state arrives via BUILD)', call: randomObject('numpy.random.mtrand.RandomState') }],
  ['numpy.random.__RandomState_ctor', { why: 'a RandomState kept as data (numpy < 1.17)', call: randomObject('numpy.random.mtrand.RandomState') }],
  ['numpy.random._pickle.__bit_generator_ctor', { why: 'a bit generator kept as data', call: randomObject('numpy.random.bit_generator.BitGenerator') }],
  ['numpy.random._pickle.__generator_ctor', { why: 'a Generator kept as data', call: randomObject('numpy.random._generator.Generator') }],
  ['numpy.random.mtrand.RandomState', inertClass('a RandomState kept as data')],
  ['numpy.random._mt19937.MT19937', inertClass('a bit generator kept as data')],
  // numpy >= 1.17 Generators (HistGradientBoosting 1.4+ `_feature_subsample_rng`): numpy 2 names the bit
  // generator's class and pickles its SeedSequence through Cython; all of it stays data, nothing draws from it.
  ...['_pcg64.PCG64', '_pcg64.PCG64DXSM', '_philox.Philox', '_sfc64.SFC64'].map(
    (name): [string, GlobalEntry] => [`numpy.random.${name}`, inertClass('a bit generator class (the argument of __bit_generator_ctor) kept as data')],
  ),
  ...['numpy.random.bit_generator', 'numpy.random._bit_generator'].flatMap((module): Array<[string, GlobalEntry]> => [
    [`${module}.SeedSequence`, inertClass('the seed a bit generator was made from, kept as data')],
    [`${module}.__pyx_unpickle_SeedSequence`, { why: 'Cython rebuild of a SeedSequence: (class, checksum, state) kept as data', call: (a, ctx) => cythonObject(a, ctx, 'SeedSequence') }],
  ]),
  ...NUMPY_SCALAR_TYPES.map((t): [string, GlobalEntry] => [`numpy.${t}`, valueOnly('a numpy type used as a parameter value (dtype=np.float64)')]),
  // --- functools.partial: only of the functions in PARTIAL_FUNCTIONS; kept as data (func, args, keywords), never called
  ['functools.partial', {
    why: 'a partial of a PARTIAL_FUNCTIONS function, kept as data (func, args, keywords via BUILD); nothing is called',
    call: (a, ctx, self) => {
      const func = a[0];
      const name = func instanceof PyGlobal ? canonicalGlobal(func.module, func.name) : describeValue(func ?? null);
      if (!(func instanceof PyGlobal) || !PARTIAL_FUNCTIONS.has(name)) {
        throw new PickleUnsupportedError(
          `functools.partial of ${name} (${describeLocation(ctx.at())}) is not supported: a partial may only wrap ${[...PARTIAL_FUNCTIONS.keys()].join(', ')}, ` +
            'which this server implements itself. Nothing was executed. Re-save the model without this function (do that step before sending rows).',
        );
      }
      return new PyObject(self.path, [func]);
    },
  }],
  // --- scipy sparse matrices: plain containers of three ndarrays and a shape
  ...SCIPY_SPARSE.map((name): [string, GlobalEntry] => [name, inertClass('sparse matrix kept as data (data, indices, indptr, _shape)')]),
  // --- joblib
  ['joblib.numpy_pickle.NumpyArrayWrapper', { why: 'joblib array header; its raw bytes follow inline', newObject: () => new JoblibArrayWrapper(), call: () => new JoblibArrayWrapper() }],
  ['sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper', { why: 'the same header from sklearn < 0.23 vendored joblib', newObject: () => new JoblibArrayWrapper(), call: () => new JoblibArrayWrapper() }],
  // --- XGBoost (src/xgboost/ evaluates them): the wrappers' params, and a Booster whose model is bytes
  ...['xgboost.sklearn.XGBClassifier', 'xgboost.sklearn.XGBRegressor', 'xgboost.sklearn.XGBRFClassifier', 'xgboost.sklearn.XGBRFRegressor'].map(
    (name): [string, GlobalEntry] => [name, inertClass('an XGBoost scikit-learn wrapper kept as data (params + _Booster); no code runs')],
  ),
  ['xgboost.core.Booster', inertClass('kept as data: its state holds the model as bytes ("handle"), read by src/xgboost as JSON/UBJSON')],
  ['xgboost.compat.XGBoostLabelEncoder', inertClass('XGBoost < 1.6 label decoding: a LabelEncoder kept as data (classes_)')],
  ...['joblib.numpy_pickle.NDArrayWrapper', 'joblib.numpy_pickle.ZNDArrayWrapper', 'joblib.numpy_pickle_compat.NDArrayWrapper', 'joblib.numpy_pickle_compat.ZNDArrayWrapper'].map(
    (name): [string, GlobalEntry] => [name, {
      why: 'recognised only to explain the refusal: joblib < 0.10 stored arrays in side files',
      newObject: () => {
        throw new PickleUnsupportedError('this joblib file is from joblib < 0.10 and keeps its arrays in separate .npy files; re-save the model with a current joblib');
      },
    }],
  ),
]);

/**
 * The functions a `functools.partial` may wrap, each with the TypeScript twin that stands in for it
 * (the sklearn layer maps the name to that twin; the Python function itself never runs).
 */
export const PARTIAL_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ['sklearn.utils.validation.check_array', 'input validation only (HistGradientBoosting 1.4+ numeric columns); src/sklearn/pipeline/sklearn-functions.ts'],
]);

/** Cython's `__pyx_unpickle_X(cls, checksum, state)`: the object of class `cls`, with `state` as its BUILD state. */
function cythonObject(args: readonly PyValue[], ctx: UnpickleContext, what: string): PyObject {
  const object = new PyObject(classPath(args[0], what, ctx), [args[1] ?? null]);
  if (args[2] !== null && args[2] !== undefined) object.state = args[2];
  return object;
}

/**
 * Rules for whole module trees. scikit-learn classes are admitted as inert data: nothing of theirs
 * runs; the sklearn layer refuses classes it cannot evaluate. Cython reducers become the object
 * they would rebuild.
 */
const SKLEARN_ENTRY: GlobalEntry = {
  why: 'scikit-learn classes are kept as inert data (class path + args + state); no code runs',
  call: (args, ctx, self) => {
    // Cython: __pyx_unpickle_X(cls, checksum, state) rebuilds cls and sets its cdef fields from state.
    if (self.name.startsWith('__pyx_unpickle_')) return cythonObject(args, ctx, self.path);
    if (self.name === 'newObj') return new PyObject(classPath(args[0], self.path, ctx)); // BinaryTree/DistanceMetric: cls.__new__(cls)
    return new PyObject(canonicalGlobal(self.module, self.name), args);
  },
  newObject: (args, _ctx, self) => new PyObject(canonicalGlobal(self.module, self.name), args),
};

export const ALLOWED_PREFIXES: ReadonlyMap<string, GlobalEntry> = new Map([['sklearn.', SKLEARN_ENTRY]]);

/** Module renames between Python 2/3 (pickle's fix_imports) and numpy 1/2; keys map to canonical names. */
export const MODULE_ALIASES: ReadonlyMap<string, string> = new Map([
  ['__builtin__', 'builtins'],
  ['copy_reg', 'copyreg'],
  ['numpy._core.multiarray', 'numpy.core.multiarray'],
  ['numpy._core.numeric', 'numpy.core.numeric'],
  ['numpy.core._multiarray_umath', 'numpy.core.multiarray'],
  ['numpy._core._multiarray_umath', 'numpy.core.multiarray'],
  ['numpy._core.memmap', 'numpy.core.memmap'],
  // scikit-learn 1.5.x wheels built with meson pickled their Cython loss objects under the bare module
  // name "_loss" (GradientBoosting `_loss`); the module is sklearn._loss._loss.
  ['_loss', 'sklearn._loss._loss'],
]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MODULE_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** `module.name` after MODULE_ALIASES. */
export function canonicalGlobal(module: string, name: string): string {
  return `${MODULE_ALIASES.get(module) ?? module}.${name}`;
}

/**
 * The door over ALLOWED_GLOBALS and ALLOWED_PREFIXES, optionally with `extra` entries (tests,
 * users with their own classes). Names must be plain identifiers: a dotted name such as
 * `os.system` inside an allowed module (protocol 4 attribute paths) is refused.
 */
export function createGlobalDoor(extra: ReadonlyMap<string, GlobalEntry> = new Map()): GlobalDoor {
  return {
    resolve(module: string, name: string): GlobalEntry | undefined {
      if (!MODULE_PATH.test(module) || !IDENTIFIER.test(name)) return undefined;
      const key = canonicalGlobal(module, name);
      const exact = extra.get(key) ?? ALLOWED_GLOBALS.get(key);
      if (exact !== undefined) return exact;
      if (name.startsWith('__') && !name.startsWith('__pyx_unpickle_')) return undefined;
      for (const [prefix, entry] of ALLOWED_PREFIXES) if (key.startsWith(prefix)) return entry;
      return undefined;
    },
  };
}

/** The default door used by loadPickle/loadModelFile. */
export const DEFAULT_GLOBAL_DOOR: GlobalDoor = createGlobalDoor();
