import { PICKLE_BUILD, type Buildable, type UnpickleContext } from '../pickle/protocol';
import { PyGlobal, PyObject, type PyValue } from '../pickle/python-value';
import { claimArray } from './array-budget';
import { DType } from './dtype';
import { NumpyFormatError } from './errors';
import { NdArray, toBytes, toShape } from './ndarray';

/** The class path a loaded masked array reports. */
export const MASKED_ARRAY_CLASS = 'numpy.ma.core.MaskedArray';

/**
 * `numpy.ma.core._mareconstruct(subtype, baseclass, baseshape, basetype)` + BUILD
 * `(version, shape, dtype, is_fortran, data, mask, fill_value)` (numpy 1.24 `numpy/ma/core.py`
 * `MaskedArray.__setstate__`). sklearn keeps these in `GridSearchCV.cv_results_` (`param_*`).
 * Loaded as a `PyObject` of MaskedArray whose state Map holds `data` (NdArray), `mask` (bool
 * NdArray of the same shape; raw bytes for structured dtypes) and `fill_value`.
 */
export class MaskedArrayPlaceholder extends PyObject implements Buildable {
  constructor(args: readonly PyValue[]) {
    const subtype = args[0];
    if (!(subtype instanceof PyGlobal) || !subtype.path.endsWith('.MaskedArray')) {
      throw new NumpyFormatError('_mareconstruct is only supported for numpy.ma.MaskedArray');
    }
    super(MASKED_ARRAY_CLASS);
  }

  [PICKLE_BUILD](state: PyValue, ctx: UnpickleContext): PyValue {
    if (!Array.isArray(state) || state.length !== 7) throw new NumpyFormatError('masked array state is not a tuple of 7');
    const [, shapeValue, dtype, fortran, raw, mask, fillValue] = state as PyValue[];
    if (!(dtype instanceof DType)) throw new NumpyFormatError('masked array state has no dtype');
    const shape = toShape(shapeValue);
    claimArray(ctx, shape, dtype);
    const isFortran = fortran === true;
    let data: NdArray;
    if (dtype.hasObject) {
      if (!Array.isArray(raw)) throw new NumpyFormatError('object masked array data is not a list');
      data = NdArray.fromObjects(dtype, shape, raw, isFortran);
    } else {
      data = NdArray.fromBytes(dtype, shape, toBytes(raw), isFortran);
    }
    const maskBytes = toBytes(mask);
    const maskValue = dtype.fields === undefined ? NdArray.fromBytes(DType.fromCode('b1'), shape, maskBytes, isFortran) : maskBytes;
    const result = new PyObject(MASKED_ARRAY_CLASS);
    result.state = new Map<PyValue, PyValue>([['data', data], ['mask', maskValue], ['fill_value', fillValue ?? null]]);
    return result;
  }
}
