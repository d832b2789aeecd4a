// The fused gate math of one LSTM time step (torch's `_thnn_fused_lstm_cell`): one kernel instead of the
// dozen elementwise ops (4 activations, 3 products, sums, a tanh) autograd would otherwise record per step.
import { isGradEnabled, registerFormula } from '@nn/autograd';
import {
  defineOp,
  registerKernel,
  registerOp,
  runKernelMulti,
  type Tensor,
  type TensorView,
} from '@nn/tensor';
import { gradsWithGraph, lstmGates } from './composite-cells';
import { dense, output, sigmoid } from './dense';

let registered = false;

/** Declares the ops, their CPU kernels and the formula (once, on first use: importing @nn/nn stays pure). */
function register(): void {
  if (registered) return;
  registered = true;
  registerOp(
    'lstmCell',
    defineOp({
      summary:
        'one LSTM step from precomputed gates `[B, 4H]` (i, f, g, o): `hy`, `cy` and the activated gates',
      inputs: ['inputGates', 'hiddenGates', 'cx', 'bias?'],
      outputs: ['hy', 'cy', 'workspace'],
      dtypeRule: 'the input dtype',
      meta: ([g, , c]) => [c!, c!, g!],
      differentiable: true,
    }),
  );
  registerOp(
    'lstmCellBackward',
    defineOp({
      summary: "lstmCell's gradient: the gates' gradient `[B, 4H]` and the previous cell state's",
      inputs: ['gradHy', 'gradCy', 'cx', 'cy', 'workspace'],
      outputs: ['gradGates', 'gradCx'],
      dtypeRule: "the gradient's dtype",
      meta: ([, , c, , w]) => [w!, c!],
      differentiable: true,
    }),
  );
  registerKernel('lstmCell', 'cpu', lstmCellKernel);
  registerKernel('lstmCellBackward', 'cpu', lstmCellBackwardKernel);
  registerFormula('lstmCell', (ctx) => {
    const inputs = ctx.inputs.map((t) => ctx.save(t));
    const cy = ctx.save(ctx.outputs[1]!);
    const workspace = ctx.save(ctx.outputs[2]!);
    return ([gradHy, gradCy]) => {
      if (isGradEnabled()) {
        // createGraph: the fused backward is not differentiable; differentiate the same math in plain ops.
        const [ig, hg, cx, bias] = inputs.map((t) => t());
        const outputs = lstmGates(ig!, hg!, cx!, bias ?? null);
        const grads = gradsWithGraph(outputs, [gradHy, gradCy], [ig, hg, cx, bias], ctx.needsInputGrad);
        return grads.map((g) => g && (() => g));
      }
      let grads: Tensor[] | undefined;
      const run = () => {
        grads ??= lstmCellBackward(gradHy!, gradCy!, inputs[2]!(), cy(), workspace());
        return grads;
      };
      return [() => run()[0]!, () => run()[0]!, () => run()[1]!, () => run()[0]!.sum(0)];
    };
  });
}

function lstmCellKernel(inputs: readonly Tensor[]): TensorView[] {
  const [inputGates, hiddenGates, cxT, biasT] = inputs as [Tensor, Tensor, Tensor, Tensor | undefined];
  const [batch, hidden] = cxT.shape as [number, number];
  const ig = dense(inputGates);
  const hg = dense(hiddenGates);
  const cx = dense(cxT);
  const bias = biasT ? dense(biasT) : undefined;
  const [hyT, hy] = output([batch, hidden], cxT);
  const [cyT, cy] = output([batch, hidden], cxT);
  const [wsT, ws] = output([batch, 4 * hidden], cxT);
  for (let b = 0; b < batch; b++) {
    const row = b * 4 * hidden;
    for (let j = 0; j < hidden; j++) {
      const at = row + j;
      const i = sigmoid(ig[at]! + hg[at]! + (bias ? bias[j]! : 0));
      const f = sigmoid(ig[at + hidden]! + hg[at + hidden]! + (bias ? bias[hidden + j]! : 0));
      const g = Math.tanh(ig[at + 2 * hidden]! + hg[at + 2 * hidden]! + (bias ? bias[2 * hidden + j]! : 0));
      const o = sigmoid(ig[at + 3 * hidden]! + hg[at + 3 * hidden]! + (bias ? bias[3 * hidden + j]! : 0));
      const state = b * hidden + j;
      cy[state] = f * cx[state]! + i * g;
      // tanh of the stored (dtype-rounded) cell state, as torch computes it from cy.
      hy[state] = o * Math.tanh(cy[state]!);
      ws[at] = i;
      ws[at + hidden] = f;
      ws[at + 2 * hidden] = g;
      ws[at + 3 * hidden] = o;
    }
  }
  return [hyT, cyT, wsT];
}

function lstmCellBackwardKernel(inputs: readonly Tensor[]): TensorView[] {
  const [gradHyT, gradCyT, cxT, cyT, wsT] = inputs as [Tensor, Tensor, Tensor, Tensor, Tensor];
  const [batch, hidden] = cxT.shape as [number, number];
  const dhy = dense(gradHyT);
  const dcy = dense(gradCyT);
  const cx = dense(cxT);
  const cy = dense(cyT);
  const ws = dense(wsT);
  const [gradGatesT, dg] = output([batch, 4 * hidden], cxT);
  const [gradCxT, dcx] = output([batch, hidden], cxT);
  for (let b = 0; b < batch; b++) {
    const row = b * 4 * hidden;
    for (let j = 0; j < hidden; j++) {
      const at = b * hidden + j;
      const i = ws[row + j]!;
      const f = ws[row + hidden + j]!;
      const g = ws[row + 2 * hidden + j]!;
      const o = ws[row + 3 * hidden + j]!;
      const tc = Math.tanh(cy[at]!);
      const dc = dcy[at]! + dhy[at]! * o * (1 - tc * tc);
      dg[row + j] = dc * g * i * (1 - i);
      dg[row + hidden + j] = dc * cx[at]! * f * (1 - f);
      dg[row + 2 * hidden + j] = dc * i * (1 - g * g);
      dg[row + 3 * hidden + j] = dhy[at]! * tc * o * (1 - o);
      dcx[at] = dc * f;
    }
  }
  return [gradGatesT, gradCxT];
}

/**
 * One LSTM step from precomputed gate pre-activations: `inputGates` (`x W_ih^T + b_ih`) and `hiddenGates`
 * (`h W_hh^T`), both `[B, 4H]` in torch's i, f, g, o order, plus the optional `bias` (`b_hh`, `[4H]`).
 * Returns `[hy, cy, workspace]` (the activated gates, what {@link lstmCellBackward} reads).
 */
export function lstmCellFused(
  inputGates: Tensor,
  hiddenGates: Tensor,
  cx: Tensor,
  bias: Tensor | null,
): [Tensor, Tensor, Tensor] {
  register();
  const inputs = bias ? [inputGates, hiddenGates, cx, bias] : [inputGates, hiddenGates, cx];
  return runKernelMulti('lstmCell', inputs) as [Tensor, Tensor, Tensor];
}

/** The gradients of one LSTM step's gates `[B, 4H]` and of `cx`, from those of `hy` and `cy`. */
export function lstmCellBackward(
  gradHy: Tensor,
  gradCy: Tensor,
  cx: Tensor,
  cy: Tensor,
  workspace: Tensor,
): [Tensor, Tensor] {
  register();
  return runKernelMulti('lstmCellBackward', [gradHy, gradCy, cx, cy, workspace]) as [Tensor, Tensor];
}
