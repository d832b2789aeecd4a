import { allocate, type TypedArray } from '../../kernel/dtype';
import { IndexError } from '../../kernel/errors';
import { registerKernel } from '../../kernel/registry';
import { hostView, numel, type TensorView } from '../../kernel/view';
import { laneMax, shiftedExpSum } from './softmax';

/**
 * Calls `visit` for every row of logits `[N, C]` (read through their strides) with the row's first
 * element, its class stride, its shifted log-sum `log(sum(exp(x - max)))` and max, and its target class,
 * or -1 when the target is `ignoreIndex`. Sums and exponentials are computed in float64 as in
 * logSoftmax (float32 logits use the same fast exponential), so fused and composite losses agree.
 */
function forEachRow(
  op: string,
  logits: TensorView,
  target: TensorView,
  ignoreIndex: number,
  visit: (row: number, base: number, classStride: number, logSum: number, max: number, cls: number) => void,
): void {
  const src = logits.storage.data as TypedArray;
  const classes = logits.shape[1]!;
  const [rowStride, classStride] = logits.strides as [number, number];
  const targets = target.storage.data as TypedArray;
  const float32 = logits.dtype === 'float32';
  for (let i = 0; i < logits.shape[0]!; i++) {
    const cls = targets[target.offset + i * target.strides[0]!]!;
    if (cls !== ignoreIndex && (cls < 0 || cls >= classes)) {
      throw new IndexError(
        op,
        `target ${cls} is out of bounds for ${classes} classes (logits ${logits.dtype} [${logits.shape}]); ` +
          `class indices must lie in [0, ${classes}) or equal ignoreIndex (${ignoreIndex})`,
      );
    }
    const base = logits.offset + i * rowStride;
    const max = laneMax(src, base, classStride, classes);
    const sum = shiftedExpSum(src, base, classStride, classes, max, float32);
    visit(i, base, classStride, Math.log(sum), max, cls === ignoreIndex ? -1 : cls);
  }
}

/** Per-row `logsumexp(row) - row[target]`, 0 for ignored rows. */
function crossEntropyLoss(logits: TensorView, target: TensorView, ignoreIndex: number): TensorView {
  const src = logits.storage.data as TypedArray;
  const out = allocate(logits.dtype, logits.shape[0]!);
  forEachRow('crossEntropyLoss', logits, target, ignoreIndex, (i, base, stride, logSum, max, cls) => {
    // minus logSoftmax's value at the target, rounding for rounding
    if (cls >= 0) out[i] = logSum - (src[base + cls * stride]! - max);
  });
  return hostView(out, [logits.shape[0]!], logits.dtype);
}

/** `gradLoss[i] * (softmax(row) - onehot(target))` per row, zero rows for ignored targets. */
function crossEntropyLossBackward(
  grad: TensorView,
  logits: TensorView,
  target: TensorView,
  ignoreIndex: number,
): TensorView {
  const src = logits.storage.data as TypedArray;
  const g = grad.storage.data as TypedArray;
  const classes = logits.shape[1]!;
  const out = allocate(logits.dtype, numel(logits));
  const op = 'crossEntropyLossBackward';
  forEachRow(op, logits, target, ignoreIndex, (i, base, stride, logSum, max, cls) => {
    if (cls < 0) return;
    const scale = g[grad.offset + i * grad.strides[0]!]!;
    for (let j = 0, q = base; j < classes; j++, q += stride) {
      const p = Math.exp(src[q]! - max - logSum);
      out[i * classes + j] = scale * (j === cls ? p - 1 : p);
    }
  });
  return hostView(out, logits.shape, logits.dtype);
}

/** Registers the CPU `crossEntropyLoss` and `crossEntropyLossBackward` kernels (attrs: `ignoreIndex`). */
export function registerCpuCrossEntropy(): void {
  registerKernel('crossEntropyLoss', 'cpu', ([logits, target], { ignoreIndex }) =>
    crossEntropyLoss(logits!, target!, ignoreIndex),
  );
  registerKernel('crossEntropyLossBackward', 'cpu', ([grad, logits, target], { ignoreIndex }) =>
    crossEntropyLossBackward(grad!, logits!, target!, ignoreIndex),
  );
}
