import { PickleArrayLimitError } from '../pickle/errors';
import type { UnpickleContext } from '../pickle/protocol';
import type { DType } from './dtype';

/**
 * Counts an array header against the load's limits *before* any byte is read or allocated, so a
 * header claiming 10^12 elements fails at once with PICKLE_ARRAY_LIMIT.
 */
export function claimArray(ctx: UnpickleContext, shape: readonly number[], dtype: DType): void {
  const { limits, budget } = ctx;
  let elements = 1;
  for (const dim of shape) elements *= dim; // float math: never wraps; huge products stay huge
  const where = `${ctx.at().opcode} at byte ${ctx.at().offset} of ${ctx.at().source}`;
  if (budget.arrayElements + elements > limits.maxArrayElements) {
    throw new PickleArrayLimitError(
      'maxArrayElements',
      limits.maxArrayElements,
      `ndarray of shape [${shape.join(', ')}] (${elements} elements) at ${where} exceeds the element budget`,
    );
  }
  const bytes = elements * dtype.itemsize;
  if (budget.arrayBytes + bytes > limits.maxArrayBytes) {
    throw new PickleArrayLimitError('maxArrayBytes', limits.maxArrayBytes, `ndarray of ${bytes} bytes at ${where} exceeds the byte budget`);
  }
  budget.arrayElements += elements;
  budget.arrayBytes += bytes;
}
