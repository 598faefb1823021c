import { PyGlobal, PyObject, type PyValue } from './python-value';

/** Short description of a value for messages (never its content). */
export function describeValue(value: PyValue | undefined): string {
  if (value === null) return 'None';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return Object.isFrozen(value) ? `a tuple of ${value.length}` : `a list of ${value.length}`;
  if (value instanceof Map) return 'a dict';
  if (value instanceof Set) return 'a set';
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (value instanceof PyGlobal) return `global ${value.path}`;
  if (value instanceof PyObject) return `a ${value.className} object`;
  if (typeof value === 'object') return `a ${value.constructor.name}`;
  return `a ${typeof value}`;
}
