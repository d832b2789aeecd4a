import { allocate, type TypedArray } from '../dtype';
import { registerKernel } from '../registry';
import { Tensor } from '../tensor';
import { expF32 } from './float32-math';
import { forEachLane } from './reduce-walker';

/** The max of a strided lane, NaN as soon as one element is NaN: the shift that keeps its exponentials finite. */
export function laneMax(src: TypedArray, base: number, stride: number, length: number): number {
  let max = -Infinity;
  for (let j = 0, q = base; j < length; j++, q += stride) {
    const v = src[q]!;
    if (v > max) max = v;
    else if (Number.isNaN(v)) return v;
  }
  return max;
}

/**
 * softmax / logSoftmax along `dim`, shifted by each lane's max so logits of any size stay finite; sums
 * and exponentials are computed in float64 (float32 results use the float32-accurate fast exponential).
 * A lane whose max is ±Infinity or NaN gives NaN, as PyTorch.
 */
function softmaxKernel(x: Tensor, dim: number, log: boolean): Tensor {
  const src = x.storage.data as TypedArray;
  const out = allocate(x.dtype, x.numel());
  const length = x.shape[dim] ?? 1;
  const exps = new Float64Array(log ? 0 : length);
  const fast = x.dtype === 'float32';
  forEachLane(x, dim, (base, stride, outBase, outStride) => {
    const max = laneMax(src, base, stride, length);
    let sum = 0;
    for (let j = 0, q = base; j < length; j++, q += stride) {
      const e = fast ? expF32(src[q]! - max) : Math.exp(src[q]! - max);
      if (!log) exps[j] = e;
      sum += e;
    }
    if (log) {
      const logSum = Math.log(sum);
      for (let j = 0, q = base, w = outBase; j < length; j++, q += stride, w += outStride) {
        out[w] = src[q]! - max - logSum;
      }
    } else {
      for (let j = 0, w = outBase; j < length; j++, w += outStride) out[w] = exps[j]! / sum;
    }
  });
  return Tensor.fromArray(out, x.shape, x.dtype);
}

/** Registers the CPU softmax and logSoftmax kernels (attrs: the non-negative `dim`). */
export function registerCpuSoftmax(): void {
  registerKernel<{ dim: number }>('softmax', 'cpu', ([x], { dim }) => softmaxKernel(x!, dim, false));
  registerKernel<{ dim: number }>('logSoftmax', 'cpu', ([x], { dim }) => softmaxKernel(x!, dim, true));
}
