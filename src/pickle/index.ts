/** The pickle bridge: safe unpickling of pickle/joblib model files into plain data. */
export { loadPickle, loadModelBytes, loadModelFile, loadModelBytesWithReport, loadModelFileWithReport } from './load-pickle';
export type { LoadOptions, LoadReport } from './load-pickle';
export { DEFAULT_PICKLE_LIMITS, resolveLimits } from './limits';
export type { PickleLimits } from './limits';
export { PyObject, PyGlobal } from './python-value';
export type { PyValue } from './python-value';
export { ALLOWED_GLOBALS, ALLOWED_PREFIXES, createGlobalDoor, DEFAULT_GLOBAL_DOOR } from './globals';
export type { GlobalEntry, GlobalDoor } from './protocol';
export * from './errors';
export { NdArray } from '../numpy/ndarray';
export { DType } from '../numpy/dtype';
