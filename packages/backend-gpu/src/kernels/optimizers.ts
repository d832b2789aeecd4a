import type { AdamStepAttrs, SgdStepAttrs, Tensor } from '@nn/tensor';
import type { GpuDevice } from '../backend/gpu-device';
import { dataOf } from '../backend/gpu-tensor';
import { copyInto } from './copy';
import type { DefineGpuKernel } from './define-kernel';
import { runDeviceExpression } from './elementwise';

// The fused optimizer steps of @nn/optim (kernel contract: inputs `[param, grad, ...state]`, parameter and
// state updated in place and returned). gpu.js kernels have one output, so each updated tensor is one
// launch computed from the old values, and the new buffers are swapped in once all are computed.

/** The gradient term every update starts from: `p0` is +1 or -1 (maximize), `p1` the L2 penalty. */
const GRAD = '(p0 * v1 + p1 * v0)';

/** Makes each target hold its new values: whole storages swap buffers, views are written through. */
function commit(device: GpuDevice, targets: readonly Tensor[], values: readonly Tensor[]): Tensor[] {
  targets.forEach((target, i) => {
    const next = values[i]!;
    const data = dataOf(target, 'optimizer step');
    if (target.offset === 0 && target.isContiguous() && target.numel() === data.length) {
      device.replace(data, dataOf(next, 'optimizer step'));
    } else {
      copyInto(device, target, next);
    }
  });
  return [...targets];
}

/** torch's `_single_tensor_sgd` on the device: `[param, grad, momentumBuffer?]`. */
function sgdStep(inputs: readonly Tensor[], a: SgdStepAttrs, device: GpuDevice): Tensor[] {
  const [p, g, buf] = inputs as [Tensor, Tensor, Tensor | undefined];
  const sign = a.maximize ? -1 : 1;
  if (!buf) {
    const next = runDeviceExpression(device, 'sgdStep', `v0 - p2 * ${GRAD}`, [p, g], p.dtype, [
      sign,
      a.weightDecay,
      a.lr,
    ]);
    return commit(device, [p], [next]);
  }
  // p3: momentum, p4: 1 - dampening, p5: 1 when the buffer starts as the gradient
  const scalars = [sign, a.weightDecay, a.lr, a.momentum, 1 - a.dampening, a.initBuffer ? 1 : 0];
  const buffer = `(p5 > 0.5 ? ${GRAD} : v2 * p3 + p4 * ${GRAD})`;
  const nextBuf = runDeviceExpression(device, 'sgdStep', buffer, [p, g, buf], p.dtype, scalars);
  const direction = a.nesterov ? `${GRAD} + p3 * ${buffer}` : buffer;
  const nextP = runDeviceExpression(
    device,
    'sgdStep',
    `v0 - p2 * (${direction})`,
    [p, g, buf],
    p.dtype,
    scalars,
  );
  return commit(device, [p, buf], [nextP, nextBuf]);
}

/** torch's `_single_tensor_adam(w)` on the device: `[param, grad, expAvg, expAvgSq, maxExpAvgSq?]`. */
function adamStep(inputs: readonly Tensor[], a: AdamStepAttrs, device: GpuDevice): Tensor[] {
  const [p, g, m, v, vMax] = inputs as [Tensor, Tensor, Tensor, Tensor, Tensor | undefined];
  const scalars = [a.maximize ? -1 : 1, a.weightDecay, a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2];
  const nextM = runDeviceExpression(
    device,
    'adamStep',
    `v2 * p2 + p3 * ${GRAD}`,
    [p, g, m],
    p.dtype,
    scalars,
  );
  const secondMoment = `v2 * p4 + p5 * ${GRAD} * ${GRAD}`;
  const nextV = runDeviceExpression(device, 'adamStep', secondMoment, [p, g, v], p.dtype, scalars);
  const nextMax = vMax
    ? runDeviceExpression(
        device,
        'adamStep',
        `Math.max(v3, ${secondMoment})`,
        [p, g, v, vMax],
        p.dtype,
        scalars,
      )
    : undefined;
  // p' = p * paramScale - stepSize * m' / (sqrt(v') / sqrt(bias_correction2) + eps)
  const nextP = runDeviceExpression(
    device,
    'adamStep',
    'v0 * p0 - p1 * v1 / (Math.sqrt(v2) * p2 + p3)',
    [p, nextM, nextMax ?? nextV],
    p.dtype,
    [a.paramScale, a.stepSize, 1 / a.biasCorrection2Sqrt, a.eps],
  );
  return vMax
    ? commit(device, [p, m, v, vMax], [nextP, nextM, nextV, nextMax!])
    : commit(device, [p, m, v], [nextP, nextM, nextV]);
}

/** Registers the device `sgdStep` and `adamStep` kernels (the SGD and Adam/AdamW updates of @nn/optim). */
export function registerOptimizerKernels(define: DefineGpuKernel): void {
  define<SgdStepAttrs>('sgdStep', sgdStep);
  define<AdamStepAttrs>('adamStep', adamStep);
}
