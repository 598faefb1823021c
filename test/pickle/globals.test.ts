import { ALLOWED_GLOBALS, ALLOWED_PREFIXES, createGlobalDoor, DEFAULT_GLOBAL_DOOR, loadPickle, PyObject } from '../../src/pickle';
import { MODULE_ALIASES, canonicalGlobal } from '../../src/pickle/globals';

describe('the allowlist door (src/pickle/globals.ts)', () => {
  it('every entry says why it is safe', () => {
    for (const [name, entry] of [...ALLOWED_GLOBALS, ...ALLOWED_PREFIXES]) {
      expect([name, entry.why.length > 10]).toEqual([name, true]);
    }
  });

  it.each([
    ['os', 'system'], ['posix', 'system'], ['nt', 'system'], ['subprocess', 'Popen'], ['builtins', 'eval'], ['builtins', 'exec'],
    ['builtins', 'getattr'], ['builtins', '__import__'], ['builtins', 'open'], ['__builtin__', 'eval'], ['builtins', 'compile'],
    ['numpy', 'log'], ['numpy', 'load'], ['numpy.lib.npyio', 'load'], ['functools', 'reduce'], ['__main__', 'f'], ['socket', 'socket'],
    ['sklearn.utils', 'os.system'], ['sklearn', '__import__'], ['sklearn.base', '__builtins__'], ['sklearn..x', 'Y'], ['', 'eval'],
    ['joblib', 'load'], ['pickle', 'loads'], ['copyreg', '_reconstructor '],
  ])('refuses %s.%s', (module, name) => {
    expect(DEFAULT_GLOBAL_DOOR.resolve(module, name)).toBeUndefined();
  });

  it.each([
    ['sklearn.ensemble._iforest', 'IsolationForest'], ['sklearn.ensemble.iforest', 'IsolationForest'], ['sklearn.tree._tree', 'Tree'],
    ['sklearn._loss._loss', '__pyx_unpickle_CyHalfBinomialLoss'], ['numpy.core.multiarray', '_reconstruct'],
    ['numpy._core.multiarray', '_reconstruct'], ['numpy.core.numeric', '_frombuffer'], ['numpy._core.numeric', '_frombuffer'],
    ['__builtin__', 'set'], ['copy_reg', '_reconstructor'], ['_codecs', 'encode'], ['scipy.sparse._csr', 'csr_matrix'],
    ['scipy.sparse.csr', 'csr_matrix'], ['joblib.numpy_pickle', 'NumpyArrayWrapper'],
  ])('admits %s.%s', (module, name) => {
    expect(DEFAULT_GLOBAL_DOOR.resolve(module, name)).toBeDefined();
  });

  it('aliases map old and new module names to one entry', () => {
    expect(canonicalGlobal('numpy._core.multiarray', 'scalar')).toBe('numpy.core.multiarray.scalar');
    expect(canonicalGlobal('copy_reg', '_reconstructor')).toBe('copyreg._reconstructor');
    expect(canonicalGlobal('_loss', 'CyHalfBinomialLoss')).toBe('sklearn._loss._loss.CyHalfBinomialLoss');
    for (const target of MODULE_ALIASES.values()) {
      const keys = [...ALLOWED_GLOBALS.keys(), ...ALLOWED_PREFIXES.keys()];
      expect(keys.some((k) => k.startsWith(`${target}.`) || `${target}.`.startsWith(k))).toBe(true);
    }
  });

  it('the scikit-learn 1.5 "_loss" module (GradientBoosting loss objects) resolves to sklearn._loss._loss, canonical class path included', () => {
    expect(DEFAULT_GLOBAL_DOOR.resolve('_loss', '__pyx_unpickle_CyHalfBinomialLoss')).toBeDefined();
    // GLOBAL _loss __pyx_unpickle_CyHalfBinomialLoss, GLOBAL _loss CyHalfBinomialLoss, 0, None, TUPLE3, REDUCE, STOP
    const bytes = Buffer.from('\x80\x02c_loss\n__pyx_unpickle_CyHalfBinomialLoss\nc_loss\nCyHalfBinomialLoss\nK\x00N\x87R.', 'latin1');
    expect((loadPickle(bytes) as PyObject).className).toBe('sklearn._loss._loss.CyHalfBinomialLoss');
  });

  it('functools.partial is admitted only around a PARTIAL_FUNCTIONS function, and kept as data', () => {
    // GLOBAL functools partial, GLOBAL <module> <name>, TUPLE1, REDUCE, STOP
    const partialOf = (module: string, name: string) => Buffer.from(`\x80\x02cfunctools\npartial\nc${module}\n${name}\n\x85R.`, 'latin1');
    const kept = loadPickle(partialOf('sklearn.utils.validation', 'check_array')) as PyObject;
    expect(kept.className).toBe('functools.partial');
    expect(String((kept.args[0] as { path: string }).path)).toBe('sklearn.utils.validation.check_array');
    expect(() => loadPickle(partialOf('sklearn.utils.validation', 'check_X_y'))).toThrow(expect.objectContaining({ code: 'PICKLE_UNSUPPORTED', message: expect.stringContaining('may only wrap sklearn.utils.validation.check_array') }));
    expect(() => loadPickle(partialOf('os', 'system'))).toThrow(expect.objectContaining({ code: 'PICKLE_GLOBAL_NOT_ALLOWED' }));
  });

  it('numpy Generators (PCG64 and its SeedSequence) stay data', () => {
    for (const [module, name] of [['numpy.random._pcg64', 'PCG64'], ['numpy.random.bit_generator', '__pyx_unpickle_SeedSequence'], ['numpy.random.bit_generator', 'SeedSequence']]) {
      expect(DEFAULT_GLOBAL_DOOR.resolve(module, name)).toBeDefined();
    }
  });

  it('extra entries (a user class) go through the same door and may not be built as anything else', () => {
    const door = createGlobalDoor(new Map([['mylib.Thing', { why: 'test class kept as data', newObject: (_a, _c, self) => new PyObject(self.path) }]]));
    // GLOBAL mylib Thing, EMPTY_TUPLE, NEWOBJ, STOP
    const bytes = Buffer.from('\x80\x02cmylib\nThing\n)\x81.', 'latin1');
    expect((loadPickle(bytes, { door }) as PyObject).className).toBe('mylib.Thing');
    expect(() => loadPickle(bytes)).toThrow(expect.objectContaining({ code: 'PICKLE_GLOBAL_NOT_ALLOWED' }));
  });
});
