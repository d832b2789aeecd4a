import { allocate, type TypedArray } from '../../kernel/dtype';
import { registerKernel } from '../../kernel/registry';
import { hostView, numel, type TensorView } from '../../kernel/view';
import { forEachLane, reducedShape } from './reduce-walker';

/**
 * cummax/cummin as PyTorch's CPU kernel: a value at least as large (small) as the running one takes over,
 * so ties report the latest index, and NaN, once seen, stays (reporting the latest NaN's index).
 */
function runningExtreme(x: TensorView, dim: number, largest: boolean): TensorView[] {
  const src = x.storage.data as TypedArray;
  const values = allocate(x.dtype, numel(x));
  const indices = new Int32Array(numel(x));
  const length = x.shape[dim] ?? 1;
  forEachLane(x, dim, (base, stride, outBase, outStride) => {
    let best = src[base]!;
    let at = 0;
    for (let j = 0, q = base, w = outBase; j < length; j++, q += stride, w += outStride) {
      const v = src[q]!;
      if (Number.isNaN(v) || (!Number.isNaN(best) && (largest ? v >= best : v <= best))) {
        best = v;
        at = j;
      }
      values[w] = best;
      indices[w] = at;
    }
  });
  return [hostView(values, x.shape, x.dtype), hostView(indices, x.shape, 'int32')];
}

/** log(exp(a) + exp(b)) without overflow; equal infinities stay themselves (PyTorch's _log_add_exp_helper). */
function logAddExp(a: number, b: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.NaN;
  if (lo !== hi || Number.isFinite(lo)) return hi + Math.log1p(Math.exp(lo - hi));
  return a;
}

function logcumsumexp(x: TensorView, dim: number): TensorView {
  const src = x.storage.data as TypedArray;
  const out = allocate(x.dtype, numel(x));
  const length = x.shape[dim] ?? 1;
  forEachLane(x, dim, (base, stride, outBase, outStride) => {
    let acc = Number.NEGATIVE_INFINITY;
    for (let j = 0, q = base, w = outBase; j < length; j++, q += stride, w += outStride) {
      acc = logAddExp(acc, src[q]!);
      out[w] = acc;
    }
  });
  return hostView(out, x.shape, x.dtype);
}

/**
 * torch.mode along `dim`: the value with the most occurrences, the smallest among equally frequent ones,
 * and the last index where it occurs.
 */
function mode(x: TensorView, dim: number, keepdim: boolean): TensorView[] {
  const src = x.storage.data as TypedArray;
  const length = x.shape[dim] ?? 1;
  const shape = x.shape.length === 0 ? [] : reducedShape(x.shape, [dim], keepdim);
  const count = x.shape.length === 0 ? 1 : numel(x) / Math.max(length, 1);
  const values = allocate(x.dtype, length === 0 ? 0 : count);
  const indices = new Int32Array(length === 0 ? 0 : count);
  const order = new Array<number>(length);
  let o = 0;
  forEachLane(
    x,
    dim,
    (base, stride) => {
      for (let j = 0; j < length; j++) order[j] = j;
      // NaN sorts last and counts as one value, as in a sort by `<` that keeps NaNs together.
      const at = (j: number) => src[base + j * stride]!;
      order.sort((a, b) => {
        const va = at(a);
        const vb = at(b);
        if (va === vb || (Number.isNaN(va) && Number.isNaN(vb))) return a - b;
        return Number.isNaN(va) ? 1 : Number.isNaN(vb) ? -1 : va - vb;
      });
      let bestCount = 0;
      let run = 0;
      for (let j = 0; j < length; j++) {
        run++;
        const v = at(order[j]!);
        const next = j + 1 < length ? at(order[j + 1]!) : undefined;
        if (next === undefined || !(next === v || (Number.isNaN(next) && Number.isNaN(v)))) {
          if (run > bestCount) {
            bestCount = run;
            values[o] = v;
            indices[o] = order[j]!;
          }
          run = 0;
        }
      }
      o++;
    },
    1,
  );
  return [hostView(values, shape, x.dtype), hostView(indices, shape, 'int32')];
}

/** Registers the CPU cummax, cummin, logcumsumexp and mode kernels. */
export function registerCpuRunning(): void {
  registerKernel('cummax', 'cpu', ([x], { dim }) => runningExtreme(x!, dim, true));
  registerKernel('cummin', 'cpu', ([x], { dim }) => runningExtreme(x!, dim, false));
  registerKernel('logcumsumexp', 'cpu', ([x], { dim }) => logcumsumexp(x!, dim));
  registerKernel('mode', 'cpu', ([x], { dim, keepdim }) => mode(x!, dim, keepdim));
}
