import type {
  AdadeltaStepAttrs,
  AdamStepAttrs,
  AsgdStepAttrs,
  RadamStepAttrs,
  RpropStepAttrs,
  SgdStepAttrs,
  Tensor,
} from '@nn/tensor';
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

/** torch's `_single_tensor_adadelta` on the device: `[param, grad, squareAvg, accDelta]`. */
function adadeltaStep(inputs: readonly Tensor[], a: AdadeltaStepAttrs, device: GpuDevice): Tensor[] {
  const [p, , sq, acc] = inputs as [Tensor, Tensor, Tensor, Tensor];
  const scalars = [a.maximize ? -1 : 1, a.weightDecay, a.rho, 1 - a.rho, a.eps, a.lr];
  const square = `(v2 * p2 + p3 * ${GRAD} * ${GRAD})`;
  const delta = `(Math.sqrt(v3 + p4) / Math.sqrt(${square} + p4) * ${GRAD})`;
  const run = (expr: string) => runDeviceExpression(device, 'adadeltaStep', expr, inputs, p.dtype, scalars);
  return commit(
    device,
    [p, sq, acc],
    [run(`v0 - p5 * ${delta}`), run(square), run(`v3 * p2 + p3 * ${delta} * ${delta}`)],
  );
}

/** torch's `_single_tensor_radam` on the device: `[param, grad, expAvg, expAvgSq]`. */
function radamStep(inputs: readonly Tensor[], a: RadamStepAttrs, device: GpuDevice): Tensor[] {
  const [p, g, m, v] = inputs as [Tensor, Tensor, Tensor, Tensor];
  const scalars = [1, a.weightDecay, a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2];
  const run = (expr: string, on: Tensor) =>
    runDeviceExpression(device, 'radamStep', expr, [p, g, on], p.dtype, scalars);
  const nextM = run(`v2 * p2 + p3 * ${GRAD}`, m);
  const nextV = run(`v2 * p4 + p5 * ${GRAD} * ${GRAD}`, v);
  // p' = p - m' / bias_correction1 * lr (* sqrt(bias_correction2) / (sqrt(v') + eps) * rect, once rectified)
  const adaptive = a.rect === undefined ? '' : ' * (p2 / (Math.sqrt(v2) + p3)) * p4';
  const nextP = runDeviceExpression(
    device,
    'radamStep',
    `v0 - v1 / p0 * p1${adaptive}`,
    [p, nextM, nextV],
    p.dtype,
    [a.biasCorrection1, a.lr, a.biasCorrection2Sqrt, a.eps, a.rect ?? 0],
  );
  return commit(device, [p, m, v], [nextP, nextM, nextV]);
}

/** torch's `_single_tensor_rprop` on the device: `[param, grad, prev, stepSize]`. */
function rpropStep(inputs: readonly Tensor[], a: RpropStepAttrs, device: GpuDevice): Tensor[] {
  const [p, , prev, size] = inputs as [Tensor, Tensor, Tensor, Tensor];
  const scalars = [a.maximize ? -1 : 1, a.etaplus, a.etaminus, a.minStep, a.maxStep];
  const grad = '(p0 * v1)';
  const product = `(${grad} * v2)`;
  const factor = `(${product} > 0.0 ? p1 : (${product} < 0.0 ? p2 : 1.0))`;
  const nextSize = `Math.min(Math.max(v3 * ${factor}, p3), p4)`;
  // after a sign flip the gradient counts as 0: no step now, and no flip seen next time
  const kept = `(${product} < 0.0 ? 0.0 : ${grad})`;
  const run = (expr: string) => runDeviceExpression(device, 'rpropStep', expr, inputs, p.dtype, scalars);
  return commit(
    device,
    [p, prev, size],
    [
      run(`v0 - (${kept} > 0.0 ? ${nextSize} : (${kept} < 0.0 ? 0.0 - ${nextSize} : 0.0))`),
      run(kept),
      run(nextSize),
    ],
  );
}

/** torch's `_single_tensor_asgd` on the device: `[param, grad, ax]`. */
function asgdStep(inputs: readonly Tensor[], a: AsgdStepAttrs, device: GpuDevice): Tensor[] {
  const [p, g, ax] = inputs as [Tensor, Tensor, Tensor];
  const scalars = [a.maximize ? -1 : 1, a.weightDecay, a.decay, a.eta];
  const nextP = runDeviceExpression(device, 'asgdStep', `v0 * p2 - p3 * ${GRAD}`, [p, g], p.dtype, scalars);
  // ax moves toward the new parameter by mu; mu = 1 copies it
  const toward = a.mu === 1 ? 'v1' : 'v0 + (v1 - v0) * p0';
  const nextAx = runDeviceExpression(device, 'asgdStep', toward, [ax, nextP], p.dtype, [a.mu]);
  return commit(device, [p, ax], [nextP, nextAx]);
}

/** Registers the device optimizer kernels (the updates of @nn/optim that run on the device). */
export function registerOptimizerKernels(define: DefineGpuKernel): void {
  define<SgdStepAttrs>('sgdStep', sgdStep);
  define<AdamStepAttrs>('adamStep', adamStep);
  define<AdadeltaStepAttrs>('adadeltaStep', adadeltaStep);
  define<RadamStepAttrs>('radamStep', radamStep);
  define<RpropStepAttrs>('rpropStep', rpropStep);
  define<AsgdStepAttrs>('asgdStep', asgdStep);
}
