import { allocate, type TypedArray } from '../../kernel/dtype';
import { type PadMode, padSourceIndices } from '../../kernel/pad-modes';
import { registerKernel } from '../../kernel/registry';
import { shapeSize } from '../../kernel/shape';
import { hostView, relayout, type TensorView } from '../../kernel/view';
import { runElementwise } from './elementwise';

/** For each output coordinate along one dim: the storage step it reads, or -1 where the value goes. */
function sourceSteps(n: number, before: number, after: number, stride: number, mode: PadMode): Int32Array {
  return padSourceIndices(n, before, after, mode).map((s) => (s < 0 ? -1 : s * stride));
}

/** CPU `pad`: one pass over the output, each element read through per-dim source maps. */
function padCpu(
  x: TensorView,
  before: readonly number[],
  after: readonly number[],
  mode: PadMode,
  value: number,
) {
  const shape = x.shape.map((n, d) => n + before[d]! + after[d]!);
  const out = allocate(x.dtype, shapeSize(shape));
  const data = x.storage.data as TypedArray;
  if (shape.length === 0) {
    out[0] = data[x.offset]!;
    return hostView(out, shape, x.dtype);
  }
  if (out.length === 0) return hostView(out, shape, x.dtype);
  const maps = x.shape.map((n, d) => sourceSteps(n, before[d]!, after[d]!, x.strides[d]!, mode));
  const last = shape.length - 1;
  const len = shape[last]!;
  const lastMap = maps[last]!;
  const counter = new Int32Array(last);
  for (let o = 0; o < out.length; o += len) {
    let base = x.offset;
    let fill = false;
    for (let d = 0; d < last; d++) {
      const step = maps[d]![counter[d]!]!;
      if (step < 0) fill = true;
      base += step;
    }
    if (fill) out.fill(value, o, o + len);
    else {
      for (let j = 0; j < len; j++) {
        const step = lastMap[j]!;
        out[o + j] = step < 0 ? value : data[base + step]!;
      }
    }
    for (let d = last - 1; d >= 0; d--) {
      if (++counter[d]! < shape[d]!) break;
      counter[d] = 0;
    }
  }
  return hostView(out, shape, x.dtype);
}

/** CPU `flip`: a copy read through negated strides (starting at the far end of each flipped dim). */
function flipCpu(x: TensorView, dims: readonly number[]): TensorView {
  const strides = [...x.strides];
  let offset = x.offset;
  for (const d of dims) {
    offset += Math.max(x.shape[d]! - 1, 0) * strides[d]!;
    strides[d] = -strides[d]!;
  }
  return runElementwise('flip', 'x0', [relayout(x, x.shape, strides, offset)], { dtype: x.dtype });
}

/** Registers the CPU `pad` and `flip` kernels. */
export function registerCpuShaping(): void {
  registerKernel('pad', 'cpu', ([x], { before, after, mode, value }) =>
    padCpu(x!, before, after, mode, value),
  );
  registerKernel('flip', 'cpu', ([x], { dims }) => flipCpu(x!, dims));
}
