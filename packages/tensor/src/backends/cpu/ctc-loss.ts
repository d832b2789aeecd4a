// CTC loss (Graves et al. 2006) as PyTorch's ctc_loss_cpu: the alpha (forward) and beta (backward)
// recursions over the blank-extended target in log space, in float64 whatever the input dtype.
import type { CtcLossAttrs } from '../../kernel/attrs/nn';
import { allocate, type TypedArray } from '../../kernel/dtype';
import { IndexError, ShapeError, ValueError } from '../../kernel/errors';
import { registerKernel } from '../../kernel/registry';
import { hostView, type TensorView } from '../../kernel/view';

/** log(exp(a) + exp(b) + exp(c)), -Infinity when all three are (no NaN from -inf - -inf). */
function logSumExp3(a: number, b: number, c: number): number {
  let max = Math.max(a, b, c);
  if (max === -Infinity) max = 0;
  return Math.log(Math.exp(a - max) + Math.exp(b - max) + Math.exp(c - max)) + max;
}

/** One sample's view of the batch: its lengths, its target labels and a reader of its log-probabilities. */
interface Sample {
  inputLength: number;
  target: number[];
  /** The blank-extended target (blank, l1, blank, l2, ..., blank). */
  labels: Int32Array;
  /** Whether state `s` may be reached from `s - 2` (a label differing from the one before it). */
  skip: Uint8Array;
  /** log-probability of class `c` at time `t`. */
  lp: (t: number, c: number) => number;
}

/** The blank-extended target and its skip transitions. */
function extend(target: readonly number[], blank: number): { labels: Int32Array; skip: Uint8Array } {
  const labels = new Int32Array(2 * target.length + 1).fill(blank);
  const skip = new Uint8Array(labels.length);
  target.forEach((label, i) => {
    labels[2 * i + 1] = label;
    skip[2 * i + 1] = i > 0 && target[i - 1] !== label ? 1 : 0;
  });
  return { labels, skip };
}

const at = (v: TensorView, i: number): number =>
  (v.storage.data as TypedArray)[v.offset + i * (v.strides[0] ?? 0)]!;

/** The samples of the batch, checking lengths and labels as PyTorch does (naming the bad value). */
function samples(
  op: string,
  logProbs: TensorView,
  targets: TensorView,
  inputLengths: TensorView,
  targetLengths: TensorView,
  blank: number,
): Sample[] {
  const [steps, batch, classes] = logProbs.shape as [number, number, number];
  if (blank < 0 || blank >= classes) {
    throw new ValueError(op, `blank must be in label range: blank ${blank}, ${classes} classes`);
  }
  const data = logProbs.storage.data as TypedArray;
  const [st, sn, sc] = logProbs.strides as [number, number, number];
  const targetData = targets.storage.data as TypedArray;
  const padded = targets.shape.length === 2;
  let offset = 0;
  const out: Sample[] = [];
  for (let b = 0; b < batch; b++) {
    const inputLength = at(inputLengths, b);
    const targetLength = at(targetLengths, b);
    if (inputLength < 0 || inputLength > steps) {
      throw new ValueError(
        op,
        `Expected input_lengths to have value at most ${steps} (and at least 0), but got value ${inputLength} (sample ${b})`,
      );
    }
    if (targetLength < 0) {
      throw new ValueError(op, `target_lengths must be non-negative, got ${targetLength} (sample ${b})`);
    }
    const available = padded ? targets.shape[1]! : targets.shape[0]! - offset;
    if (targetLength > available) {
      throw new ShapeError(
        op,
        padded
          ? `Expected tensor to have size at least ${targetLength} at dimension 1, but got size ${available} for argument #2 'targets' (sample ${b})`
          : `target_lengths sum to more than the ${targets.shape[0]} concatenated targets (at sample ${b})`,
      );
    }
    const target: number[] = [];
    for (let s = 0; s < targetLength; s++) {
      const i = padded
        ? targets.offset + b * targets.strides[0]! + s * targets.strides[1]!
        : targets.offset + (offset + s) * targets.strides[0]!;
      const label = targetData[i]!;
      if (label < 0 || label >= classes || label === blank) {
        throw new IndexError(
          op,
          `target label ${label} (sample ${b}, position ${s}) must be in [0, ${classes}) and not the blank (${blank})`,
        );
      }
      target.push(label);
    }
    if (!padded) offset += targetLength;
    const base = logProbs.offset + b * sn;
    out.push({ inputLength, target, ...extend(target, blank), lp: (t, c) => data[base + t * st + c * sc]! });
  }
  return out;
}

/** log alpha `[inputLength][2L + 1]`, flattened by time. */
function forwardVariables(sample: Sample, blank: number): Float64Array {
  const { inputLength, target, labels, skip, lp } = sample;
  const width = labels.length;
  const alpha = new Float64Array(inputLength * width).fill(-Infinity);
  if (inputLength === 0) return alpha;
  alpha[0] = lp(0, blank);
  if (target.length > 0) alpha[1] = lp(0, target[0]!);
  for (let t = 1; t < inputLength; t++) {
    const prev = (t - 1) * width;
    for (let s = 0; s < width; s++) {
      const la1 = alpha[prev + s]!;
      const la2 = s > 0 ? alpha[prev + s - 1]! : -Infinity;
      const la3 = skip[s] ? alpha[prev + s - 2]! : -Infinity;
      alpha[t * width + s] = logSumExp3(la1, la2, la3) + lp(t, labels[s]!);
    }
  }
  return alpha;
}

/** log beta `[inputLength][2L + 1]`, flattened by time. */
function backwardVariables(sample: Sample, blank: number): Float64Array {
  const { inputLength, target, labels, skip, lp } = sample;
  const width = labels.length;
  const beta = new Float64Array(inputLength * width).fill(-Infinity);
  if (inputLength === 0) return beta;
  const last = (inputLength - 1) * width;
  beta[last + width - 1] = lp(inputLength - 1, blank);
  if (target.length > 0) beta[last + width - 2] = lp(inputLength - 1, target[target.length - 1]!);
  for (let t = inputLength - 2; t >= 0; t--) {
    const next = (t + 1) * width;
    for (let s = 0; s < width; s++) {
      const lb1 = beta[next + s]!;
      const lb2 = s < width - 1 ? beta[next + s + 1]! : -Infinity;
      // s + 2 may be reached from s exactly when s may be reached from s - 2 going forward
      const lb3 = s < width - 2 && skip[s + 2] ? beta[next + s + 2]! : -Infinity;
      beta[t * width + s] = logSumExp3(lb1, lb2, lb3) + lp(t, labels[s]!);
    }
  }
  return beta;
}

/** -log p(target | input) from the last step's two final states (0 for an empty input and target). */
function negLogLikelihood(sample: Sample, alpha: Float64Array): number {
  const { inputLength, target } = sample;
  if (inputLength === 0) return target.length === 0 ? 0 : Infinity;
  const width = 2 * target.length + 1;
  const last = (inputLength - 1) * width;
  const end = alpha[last + width - 1]!;
  const beforeEnd = target.length > 0 ? alpha[last + width - 2]! : -Infinity;
  return -logSumExp3(end, beforeEnd, -Infinity);
}

function ctcLoss(views: readonly TensorView[], { blank }: CtcLossAttrs): TensorView {
  const [logProbs, targets, inputLengths, targetLengths] = views as [
    TensorView,
    TensorView,
    TensorView,
    TensorView,
  ];
  const batch = samples('ctcLoss', logProbs, targets, inputLengths, targetLengths, blank);
  const out = allocate(logProbs.dtype, batch.length);
  batch.forEach((sample, b) => {
    out[b] = negLogLikelihood(sample, forwardVariables(sample, blank));
  });
  return hostView(out, [batch.length], logProbs.dtype);
}

/**
 * PyTorch's ctc_loss_backward_cpu: for t < inputLength, `(exp(lp) - exp(log(sum over the states labelled c
 * of alpha * beta) + nll - lp)) * grad`; 0 beyond the input length, and for infinite losses when
 * `zeroInfinity` is set.
 */
function ctcLossBackward(views: readonly TensorView[], { blank, zeroInfinity }: CtcLossAttrs): TensorView {
  const [grad, logProbs, targets, inputLengths, targetLengths, loss] = views as [
    TensorView,
    TensorView,
    TensorView,
    TensorView,
    TensorView,
    TensorView,
  ];
  const [steps, batchSize, classes] = logProbs.shape as [number, number, number];
  const batch = samples('ctcLossBackward', logProbs, targets, inputLengths, targetLengths, blank);
  const out = allocate(logProbs.dtype, steps * batchSize * classes);
  const perState = new Float64Array(classes);
  batch.forEach((sample, b) => {
    const nll = at(loss, b);
    if (zeroInfinity && nll === Infinity) return;
    const g = at(grad, b);
    const alpha = forwardVariables(sample, blank);
    const beta = backwardVariables(sample, blank);
    const width = 2 * sample.target.length + 1;
    for (let t = 0; t < sample.inputLength; t++) {
      perState.fill(-Infinity);
      for (let s = 0; s < width; s++) {
        const label = sample.labels[s]!;
        const v = alpha[t * width + s]! + beta[t * width + s]!;
        perState[label] = logSumExp3(perState[label]!, v, -Infinity);
      }
      for (let c = 0; c < classes; c++) {
        const lp = sample.lp(t, c);
        out[(t * batchSize + b) * classes + c] = (Math.exp(lp) - Math.exp(perState[c]! + nll - lp)) * g;
      }
    }
  });
  return hostView(out, [steps, batchSize, classes], logProbs.dtype);
}

/** Registers the CPU `ctcLoss` and `ctcLossBackward` kernels. */
export function registerCpuCtcLoss(): void {
  registerKernel('ctcLoss', 'cpu', (views, attrs) => ctcLoss(views, attrs));
  registerKernel('ctcLossBackward', 'cpu', (views, attrs) => ctcLossBackward(views, attrs));
}
