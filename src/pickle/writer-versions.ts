/**
 * What a pickle tells about the Python and numpy that wrote it. Neither version is stored in the file,
 * so both are inferred, and each answer says from what:
 * - Python: the pickle protocol (pickle.dump and joblib.dump write `pickle.DEFAULT_PROTOCOL`: 3 on
 *   Python 3.0-3.7, 4 on 3.8-3.13, 5 from 3.14; a protocol is also a floor: 4 needs 3.4+, 5 needs 3.8+),
 *   Python 2 module names (`__builtin__`, `copy_reg`), and numpy 2 (which needs Python 3.9+);
 * - numpy: module paths (numpy 2 renamed `numpy.core` to `numpy._core`; `numpy.random._pickle`
 *   exists from numpy 1.17).
 */
export interface VersionHint {
  /** A version range, e.g. ">= 3.8", "< 2.0", or "unknown". */
  readonly range: string;
  /** How the range was inferred. */
  readonly how: string;
}

/** Python version hint from the outer stream's protocol and the globals it names. */
export function inferPythonVersion(protocol: number | null, globals: readonly string[]): VersionHint {
  const numpy2 = globals.some((g) => g.startsWith('numpy._core.'));
  const py2Names = globals.some((g) => g.startsWith('__builtin__.') || g.startsWith('copy_reg.'));
  if (numpy2) {
    return { range: '>= 3.9', how: `numpy >= 2.0 wrote it (numpy._core paths), which needs Python 3.9+${protocol === 5 ? '; protocol 5 is the default of Python 3.14+' : ''}` };
  }
  switch (protocol) {
    case 5:
      return { range: '>= 3.8', how: 'pickle protocol 5 (Python 3.8+; the default of pickle.dump and joblib.dump from Python 3.14)' };
    case 4:
      return { range: '>= 3.4', how: 'pickle protocol 4 (Python 3.4+; the default of Python 3.8-3.13)' };
    case 3:
      return { range: '3.x', how: 'pickle protocol 3 (Python 3 only; the default of Python 3.0-3.7)' };
    default:
      if (py2Names) return { range: '2.x (or 3.x writing protocol <= 2)', how: `pickle protocol ${protocol ?? 0} with Python 2 module names (__builtin__, copy_reg)` };
      return { range: 'unknown', how: `pickle protocol ${protocol ?? 0} is written by every Python version` };
  }
}

/** numpy version hint from the numpy module paths the stream names. */
export function inferNumpyVersion(globals: readonly string[]): VersionHint {
  const numpy = globals.filter((g) => g.startsWith('numpy.'));
  const example = (prefix: string) => numpy.find((g) => g.startsWith(prefix));
  const two = example('numpy._core.');
  if (two !== undefined) return { range: '>= 2.0', how: `names ${two} (numpy 2 renamed numpy.core to numpy._core)` };
  const randomNew = example('numpy.random._pickle.');
  const one = example('numpy.core.');
  if (one !== undefined) {
    return randomNew !== undefined
      ? { range: '>= 1.17, < 2.0', how: `names ${one} (numpy 1.x) and ${randomNew} (numpy 1.17+)` }
      : { range: '< 2.0', how: `names ${one} (numpy 1.x; numpy 2 writes numpy._core)` };
  }
  if (randomNew !== undefined) return { range: '>= 1.17', how: `names ${randomNew} (numpy 1.17+)` };
  if (numpy.length === 0) return { range: 'unknown', how: 'the file names no numpy global' };
  return { range: 'unknown', how: `names only ${numpy.slice(0, 3).join(', ')}, which every numpy version writes` };
}
