import { PICKLE_BUILD, type Buildable } from '../pickle/protocol';
import { PyNative, type PyValue } from '../pickle/python-value';
import { NumpyFormatError } from './errors';

/**
 * numpy's dtype, as much as a pickle carries: kind, item size, byte order, and for structured
 * dtypes the named fields at their byte offsets.
 *
 * A pickle builds one with `numpy.dtype(code, align, copy)` then BUILD with the state tuple
 * `(version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])`, following
 * numpy 1.24 `numpy/core/src/multiarray/descriptor.c` (`arraydescr_reduce` / `arraydescr_setstate`).
 */
export type DTypeKind = 'b' | 'i' | 'u' | 'f' | 'c' | 'U' | 'S' | 'O' | 'V' | 'M' | 'm';
export type ByteOrder = '<' | '>' | '|' | '=';

/** One field of a structured dtype. */
export interface DTypeField {
  readonly dtype: DType;
  readonly offset: number;
}

const KINDS: ReadonlySet<string> = new Set(['b', 'i', 'u', 'f', 'c', 'U', 'S', 'O', 'V', 'M', 'm']);
const VALID_SIZES: ReadonlyMap<string, readonly number[]> = new Map([
  ['b', [1]], ['i', [1, 2, 4, 8]], ['u', [1, 2, 4, 8]], ['f', [2, 4, 8]], ['c', [8, 16]],
  ['O', [8]], ['M', [8]], ['m', [8]],
]);

export class DType extends PyNative implements Buildable {
  private _byteOrder: ByteOrder;
  private _itemsize: number;
  private _names: string[] | undefined;
  private _fields: Map<string, DTypeField> | undefined;
  private _subarray: { base: DType; shape: number[] } | undefined;
  private _unit = '';
  /** numpy's alignment and flags from the BUILD state, kept for inspection. */
  alignment = -1;
  flags = 0;

  private constructor(
    readonly kind: DTypeKind,
    itemsize: number,
  ) {
    super();
    this._itemsize = itemsize;
    this._byteOrder = itemsize <= 1 || kind === 'O' || kind === 'S' || kind === 'V' ? '|' : '=';
  }

  /**
   * The dtype for a numpy type code as found in pickles: `f8`, `<i4`, `b1`, `U9`, `S3`, `O8`,
   * `V16`, `M8`, `c16`. Throws NumpyFormatError for anything else.
   */
  static fromCode(code: string): DType {
    const m = /^([<>|=]?)([biufcUSOVMm])(\d*)(?:\[(\w+)\])?$/.exec(code);
    if (m === null || !KINDS.has(m[2])) throw new NumpyFormatError(`unknown numpy dtype code "${code}"`);
    const kind = m[2] as DTypeKind;
    let size = m[3] === '' ? (kind === 'O' || kind === 'M' || kind === 'm' ? 8 : kind === 'b' ? 1 : -1) : Number(m[3]);
    if (kind === 'U' && size > 0) size *= 4;
    if (size < 0 && kind !== 'U' && kind !== 'S' && kind !== 'V') throw new NumpyFormatError(`numpy dtype code "${code}" has no size`);
    const allowed = VALID_SIZES.get(kind);
    if (allowed !== undefined && !allowed.includes(size)) throw new NumpyFormatError(`numpy dtype code "${code}" has an impossible size`);
    const dtype = new DType(kind, Math.max(size, 0));
    if (m[1] !== '' && dtype._byteOrder !== '|') dtype._byteOrder = m[1] as ByteOrder;
    if (m[4] !== undefined) dtype._unit = m[4];
    return dtype;
  }

  get itemsize(): number {
    return this._itemsize;
  }

  /** `<` little, `>` big, `|` not applicable, `=` native (little on every platform we run on). */
  get byteOrder(): ByteOrder {
    return this._byteOrder;
  }

  get littleEndian(): boolean {
    return this._byteOrder !== '>';
  }

  /** numpy's `dtype.str`, e.g. `<f8`, `|b1`, `<U9`, `|V56`, `<M8[ns]`. */
  get str(): string {
    const order = this._byteOrder === '=' ? '<' : this._byteOrder;
    if (this.kind === 'O') return '|O';
    const size = this.kind === 'U' ? this._itemsize / 4 : this._itemsize;
    const unit = this._unit === '' ? '' : `[${this._unit}]`;
    return `${order}${this.kind}${size}${unit}`;
  }

  /** Field names of a structured dtype, in order; undefined otherwise. */
  get names(): string[] | undefined {
    return this._names;
  }

  /** Fields of a structured dtype; undefined otherwise. */
  get fields(): Map<string, DTypeField> | undefined {
    return this._fields;
  }

  /** For a subarray dtype such as `('<f4', (2, 3))`: its base and shape. */
  get subarray(): { readonly base: DType; readonly shape: readonly number[] } | undefined {
    return this._subarray;
  }

  /** Datetime unit (`ns`, `s` ...) for kinds M and m. */
  get unit(): string {
    return this._unit;
  }

  /** True when the array holds Python objects somewhere (object kind, or a field that does). */
  get hasObject(): boolean {
    if (this.kind === 'O') return true;
    if (this._subarray !== undefined) return this._subarray.base.hasObject;
    return this._fields !== undefined && [...this._fields.values()].some((f) => f.dtype.hasObject);
  }

  override toString(): string {
    if (this._fields !== undefined) {
      return `[${[...this._fields].map(([n, f]) => `('${n}', '${f.dtype}')`).join(', ')}]`;
    }
    if (this._subarray !== undefined) return `('${this._subarray.base}', (${this._subarray.shape.join(', ')}))`;
    return this.str;
  }

  [PICKLE_BUILD](state: PyValue): PyValue {
    if (!Array.isArray(state) || state.length < 6) throw new NumpyFormatError(`numpy dtype state is not a tuple of 6 to 9 items`);
    // version 0/1 lacked the version number and/or flags; 3 is current, 4 adds datetime metadata.
    const s = state as PyValue[];
    const [version, endian, subarray, names, fields, elsize] = typeof s[0] === 'number' ? s : [0, ...s];
    if (typeof endian !== 'string' || !/^[<>|=]$/.test(endian)) throw new NumpyFormatError(`numpy dtype byte order "${String(endian)}" is invalid`);
    this._byteOrder = endian as ByteOrder;
    if (subarray !== null && subarray !== undefined) {
      if (!Array.isArray(subarray) || !(subarray[0] instanceof DType)) throw new NumpyFormatError('numpy dtype subarray state is invalid');
      const shape = Array.isArray(subarray[1]) ? subarray[1] : [subarray[1]];
      this._subarray = { base: subarray[0], shape: shape.map((n) => toIndex(n, 'subarray shape')) };
    }
    if (names !== null && names !== undefined) {
      if (!Array.isArray(names) || !(fields instanceof Map)) throw new NumpyFormatError('numpy dtype names/fields state is invalid');
      this._names = names.map((n) => {
        if (typeof n !== 'string') throw new NumpyFormatError('numpy dtype field name is not a string');
        return n;
      });
      this._fields = new Map();
      for (const name of this._names) {
        const spec = fields.get(name);
        if (!Array.isArray(spec) || !(spec[0] instanceof DType)) throw new NumpyFormatError(`numpy dtype field "${name}" is invalid`);
        this._fields.set(name, { dtype: spec[0], offset: toIndex(spec[1], `offset of field "${name}"`) });
      }
    }
    if (typeof elsize === 'number' && elsize >= 0 && (this.kind === 'U' || this.kind === 'S' || this.kind === 'V')) {
      if (this.kind === 'U' && elsize % 4 !== 0) throw new NumpyFormatError(`numpy unicode dtype size ${elsize} is not a multiple of 4`);
      this._itemsize = elsize;
    }
    const full = version === 0 ? [] : s;
    if (typeof full[6] === 'number') this.alignment = full[6];
    if (typeof full[7] === 'number') this.flags = full[7];
    if (Number(version) >= 4 && Array.isArray(full[8]) && Array.isArray(full[8][1])) {
      const unit = full[8][1][0];
      this._unit = unit instanceof Uint8Array ? new TextDecoder('latin1').decode(unit) : String(unit);
    }
    if (this._subarray !== undefined) {
      const count = this._subarray.shape.reduce((a, b) => a * b, 1);
      if (count * this._subarray.base.itemsize !== this._itemsize) {
        throw new NumpyFormatError(`numpy subarray dtype of ${count} x ${this._subarray.base.itemsize} bytes does not fill its ${this._itemsize}-byte item`);
      }
    }
    for (const field of this._fields?.values() ?? []) {
      if (field.offset + field.dtype.itemsize > this._itemsize) throw new NumpyFormatError(`numpy dtype field at offset ${field.offset} overflows the ${this._itemsize}-byte item`);
    }
    return this;
  }
}

function toIndex(value: PyValue, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new NumpyFormatError(`numpy dtype ${what} is not a non-negative integer`);
  return value;
}
