import { allocate, type DType, type TypedArray } from '../../kernel/dtype';
import { registerKernel } from '../../kernel/registry';
import { shapeSize } from '../../kernel/shape';
import { hostView, isContiguous, type TensorView } from '../../kernel/view';
import { runElementwise } from './elementwise';

/**
 * CPU `cat`: inputs (already validated to match except along `dim`) are made dense in the result dtype,
 * then each contributes one contiguous run per outer index, side by side along `dim`.
 */
function catCpu(inputs: readonly TensorView[], dim: number, dtype: DType): TensorView {
  const first = inputs[0]!;
  const total = inputs.reduce((s, t) => s + t.shape[dim]!, 0);
  const shape = first.shape.map((s, d) => (d === dim ? total : s));
  const outer = shapeSize(first.shape.slice(0, dim));
  const inner = shapeSize(first.shape.slice(dim + 1));
  const row = total * inner;
  const out = allocate(dtype, shapeSize(shape));
  let start = 0;
  for (const t of inputs) {
    // Already dense and of the right dtype: read the storage directly instead of copying first.
    const dense = t.dtype === dtype && isContiguous(t) ? t : runElementwise('cat', 'x0', [t], { dtype });
    const src = dense.storage.data as TypedArray;
    const run = t.shape[dim]! * inner;
    if (run === 0) continue; // an empty input contributes nothing (and costs nothing per outer index)
    for (let o = 0; o < outer; o++) {
      const from = dense.offset + o * run;
      const to = o * row + start;
      for (let k = 0; k < run; k++) out[to + k] = src[from + k]!;
    }
    start += run;
  }
  return hostView(out, shape, dtype);
}

/** Registers the CPU `cat` kernel. */
export function registerCpuJoin(): void {
  registerKernel('cat', 'cpu', (inputs, { dim, dtype }) => catCpu(inputs, dim, dtype));
}
