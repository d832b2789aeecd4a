import { allocate, type TypedArray } from '../../kernel/dtype';
import { IndexError } from '../../kernel/errors';
import { registerKernel } from '../../kernel/registry';
import { hostView, numel, type TensorView } from '../../kernel/view';
import { laneMax, shiftedExpSum } from './softmax';

/** Per row of logits `[N, C]`: its shifted log-sum `log(sum(exp(x - max)))`, its max, its target class. */
interface RowStats {
  readonly logSums: Float64Array;
  readonly maxes: Float64Array;
  /** The row's target class, or -1 where the target is `ignoreIndex`. */
  readonly classes: Int32Array;
}

/**
 * The {@link RowStats} of logits `[N, C]` (read through their strides), checking every target. Sums and
 * exponentials are computed in float64 as in logSoftmax (float32 logits use the same fast exponential),
 * so fused and composite losses agree. The kernels then loop over rows themselves: V8 optimised a
 * callback made per call afresh for many calls of a training loop, on the core the GEMM's helper uses.
 */
function rowStats(op: string, logits: TensorView, target: TensorView, ignoreIndex: number): RowStats {
  const src = logits.storage.data as TypedArray;
  const [rows, classes] = logits.shape as [number, number];
  const [rowStride, classStride] = logits.strides as [number, number];
  const targets = target.storage.data as TypedArray;
  const float32 = logits.dtype === 'float32';
  const stats = {
    logSums: new Float64Array(rows),
    maxes: new Float64Array(rows),
    classes: new Int32Array(rows),
  };
  for (let i = 0; i < rows; i++) {
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
    stats.logSums[i] = Math.log(shiftedExpSum(src, base, classStride, classes, max, float32));
    stats.maxes[i] = max;
    stats.classes[i] = cls === ignoreIndex ? -1 : cls;
  }
  return stats;
}

/** Per-row `logsumexp(row) - row[target]`, 0 for ignored rows. */
function crossEntropyLoss(logits: TensorView, target: TensorView, ignoreIndex: number): TensorView {
  const src = logits.storage.data as TypedArray;
  const [rowStride, classStride] = logits.strides as [number, number];
  const out = allocate(logits.dtype, logits.shape[0]!);
  const { logSums, maxes, classes } = rowStats('crossEntropyLoss', logits, target, ignoreIndex);
  for (let i = 0; i < out.length; i++) {
    const cls = classes[i]!;
    if (cls < 0) continue;
    // minus logSoftmax's value at the target, rounding for rounding
    const logit = src[logits.offset + i * rowStride + cls * classStride]!;
    out[i] = logSums[i]! - (logit - maxes[i]!);
  }
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
  const [rows, classCount] = logits.shape as [number, number];
  const [rowStride, classStride] = logits.strides as [number, number];
  const out = allocate(logits.dtype, numel(logits));
  const { logSums, maxes, classes } = rowStats('crossEntropyLossBackward', logits, target, ignoreIndex);
  for (let i = 0; i < rows; i++) {
    const cls = classes[i]!;
    if (cls < 0) continue;
    const scale = g[grad.offset + i * grad.strides[0]!]!;
    const max = maxes[i]!;
    const logSum = logSums[i]!;
    for (let j = 0, q = logits.offset + i * rowStride; j < classCount; j++, q += classStride) {
      const p = Math.exp(src[q]! - max - logSum);
      out[i * classCount + j] = scale * (j === cls ? p - 1 : p);
    }
  }
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
