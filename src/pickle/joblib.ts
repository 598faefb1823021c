import { DType } from '../numpy/dtype';
import { NdArray, toShape } from '../numpy/ndarray';
import { claimArray } from '../numpy/array-budget';
import { NumpyFormatError } from '../numpy/errors';
import { PickleMalformedError } from './errors';
import { PICKLE_BUILD, type Buildable, type UnpickleContext } from './protocol';
import { PyObject, type PyValue } from './python-value';

/**
 * joblib's `NumpyArrayWrapper` (joblib >= 0.10, `joblib/numpy_pickle.py` `read_array`): joblib
 * pickles each ndarray as this small object, and right after its BUILD the raw array follows
 * inline in the stream: one padding-length byte and that many padding bytes (joblib >= 1.2 aligns
 * data to 16 bytes from the stream start) then `size * itemsize` bytes in the array's order.
 * Object arrays are instead a complete nested pickle at that point. The BUILD replaces the wrapper
 * by the array on the stack, as joblib's `NumpyUnpickler.load_build` does.
 */
export class JoblibArrayWrapper extends PyObject implements Buildable {
  constructor() {
    super('joblib.numpy_pickle.NumpyArrayWrapper');
  }

  [PICKLE_BUILD](state: PyValue, ctx: UnpickleContext): PyValue {
    if (!(state instanceof Map)) throw new PickleMalformedError(`joblib NumpyArrayWrapper state is not a dict (${ctx.at().opcode} at byte ${ctx.at().offset} of ${ctx.at().source})`);
    const dtype = state.get('dtype');
    if (!(dtype instanceof DType)) throw new NumpyFormatError('joblib NumpyArrayWrapper has no dtype');
    const shape = toShape(state.get('shape'));
    if (dtype.hasObject) {
      const nested = ctx.loadNested();
      if (!(nested instanceof NdArray)) throw new NumpyFormatError('joblib object array did not unpickle to an ndarray');
      return nested;
    }
    claimArray(ctx, shape, dtype);
    const reader = ctx.reader;
    const alignment = state.get('numpy_array_alignment_bytes');
    if (alignment !== undefined && alignment !== null) {
      const padding = reader.byte();
      reader.read(padding, 'joblib array padding');
    }
    const count = shape.reduce((a, b) => a * b, 1);
    const bytes = reader.read(count * dtype.itemsize, 'joblib array data');
    return NdArray.fromBytes(dtype, shape, bytes, state.get('order') === 'F');
  }
}
