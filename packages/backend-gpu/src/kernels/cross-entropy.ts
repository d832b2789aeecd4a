import type { Tensor } from '@nn/tensor';
import type { KernelSpec } from '../runtime/cached-kernel';
import type { DefineGpuKernel } from './define-kernel';
import { coordsSource, launchOver } from './nchw';
import { reduceDevice } from './reduce';

// Table: the logits' offset, row stride and class stride, then the target's offset and stride, then (for
// the backward) the incoming gradient's offset and stride.
const T = { x: 0, target: 3, grad: 5 };

/**
 * Where row `i`'s logits start, their class stride and the row's target class, read through the table.
 * Table entries go to locals first: gpu.js's GL backend hoists a read nested in another read's index
 * into a variable whose name repeats per statement, so two such statements in one scope do not compile.
 */
const ROW = `const classStride = t[${T.x + 2}];
const base = t[${T.x}] + i * t[${T.x + 1}];
const targetAt = t[${T.target}] + i * t[${T.target + 1}];
const cls = target[targetAt];`;

/**
 * One thread per row: `log(sum(exp(x - max))) - (x[target] - max)`, the max-shifted logsumexp minus the
 * target's logit, or 0 when the target is `ignoreIndex`. Targets must be in range (they are not read
 * back to be checked).
 */
const LOSS: KernelSpec = {
  op: 'crossEntropyLoss',
  rank: 1,
  source: `function (x, target, t, classes, ignoreIndex) {
const i = this.thread.x + 0.0;
${ROW}
let top = x[base];
for (let j = 0; j < classes; j++) {
  top = Math.max(top, x[base + (j + 0.0) * classStride]);
}
let total = 0.0;
for (let k = 0; k < classes; k++) {
  total += Math.exp(x[base + (k + 0.0) * classStride] - top);
}
// an ignored target (often -100) reads class 0 instead: never an index before the row
const picked = x[base + Math.max(cls, 0.0) * classStride];
return cls === ignoreIndex ? 0.0 : Math.log(total) - (picked - top);
}`,
};

/** One thread per logit: `grad[i] * (exp(x - lse[i]) - onehot)`, 0 in rows whose target is ignored. */
const BACKWARD: KernelSpec = {
  op: 'crossEntropyLossBackward',
  rank: 1,
  source: `function (grad, x, target, lse, t, classes, ignoreIndex) {
${coordsSource(['i', 'j'], ['classes'])}
${ROW}
const p = Math.exp(x[base + j * classStride] - lse[i]);
const gradAt = t[${T.grad}] + i * t[${T.grad + 1}];
const scale = grad[gradAt];
return cls === ignoreIndex ? 0.0 : scale * (j === cls ? p - 1.0 : p);
}`,
};

/** The strided layout of logits `[N, C]` and target `[N]` (and the gradient `[N]`), as the table. */
function tableOf(logits: Tensor, target: Tensor, grad?: Tensor): Float32Array {
  const layout = (t: Tensor) => [t.offset, ...t.strides];
  return new Float32Array([...layout(logits), ...layout(target), ...(grad ? layout(grad) : [])]);
}

interface CrossEntropyAttrs {
  ignoreIndex: number;
}

/** Registers the device `crossEntropyLoss` and `crossEntropyLossBackward` kernels. */
export function registerCrossEntropyKernels(define: DefineGpuKernel): void {
  define<CrossEntropyAttrs>('crossEntropyLoss', ([x, target], { ignoreIndex }, device) =>
    launchOver(
      device,
      LOSS,
      [x!.shape[0]!],
      [x!, target!],
      [tableOf(x!, target!), x!.shape[1]!, ignoreIndex],
    ),
  );
  // each row's logsumexp once (a lane reduction), then the per-logit gradient
  define<CrossEntropyAttrs>('crossEntropyLossBackward', ([grad, x, target], { ignoreIndex }, device) => {
    // scratch: freed when the kernel has been launched (`using`), not left to the garbage collector
    using lse = reduceDevice(device, 'logsumexp', x!, [1], false, x!.dtype);
    const rest = [tableOf(x!, target!, grad!), x!.shape[1]!, ignoreIndex];
    return launchOver(device, BACKWARD, x!.shape, [grad!, x!, target!, lse], rest, x!.dtype);
  });
}
