// The fused gate math of one GRU time step (torch's `_thnn_fused_gru_cell`): one kernel instead of the
// elementwise ops autograd would otherwise record per step.
import { isGradEnabled, registerFormula } from '@nn/autograd';
import {
  defineOp,
  registerKernel,
  registerOp,
  runKernelMulti,
  type Tensor,
  type TensorView,
} from '@nn/tensor';
import { gradsWithGraph, gruGates } from './composite-cells';
import { dense, output, sigmoid } from './dense';

let registered = false;

/** Declares the ops, their CPU kernels and the formula (once, on first use: importing @nn/nn stays pure). */
function register(): void {
  if (registered) return;
  registered = true;
  registerOp(
    'gruCell',
    defineOp({
      summary:
        'one GRU step from precomputed gates `[B, 3H]` (r, z, n): `hy` and the workspace (r, z, n, hidden n)',
      inputs: ['inputGates', 'hiddenGates', 'hx', 'hiddenBias?'],
      outputs: ['hy', 'workspace'],
      dtypeRule: 'the input dtype',
      meta: ([, , h]) => [h!, { shape: [h!.shape[0]!, 4 * h!.shape[1]!], dtype: h!.dtype }],
      differentiable: true,
    }),
  );
  registerOp(
    'gruCellBackward',
    defineOp({
      summary: "gruCell's gradient: the input and hidden gates' gradients `[B, 3H]` and the previous state's",
      inputs: ['gradHy', 'hx', 'workspace'],
      outputs: ['gradInputGates', 'gradHiddenGates', 'gradHx'],
      dtypeRule: "the gradient's dtype",
      meta: ([, h]) => {
        const gates = { shape: [h!.shape[0]!, 3 * h!.shape[1]!], dtype: h!.dtype };
        return [gates, gates, h!];
      },
      differentiable: true,
    }),
  );
  registerKernel('gruCell', 'cpu', gruCellKernel);
  registerKernel('gruCellBackward', 'cpu', gruCellBackwardKernel);
  registerFormula('gruCell', (ctx) => {
    const inputs = ctx.inputs.map((t) => ctx.save(t));
    const workspace = ctx.save(ctx.outputs[1]!);
    return ([gradHy]) => {
      if (isGradEnabled()) {
        // createGraph: the fused backward is not differentiable; differentiate the same math in plain ops.
        const [ig, hg, hx, bias] = inputs.map((t) => t());
        const outputs = [gruGates(ig!, hg!, hx!, bias ?? null)];
        const grads = gradsWithGraph(outputs, [gradHy], [ig, hg, hx, bias], ctx.needsInputGrad);
        return grads.map((g) => g && (() => g));
      }
      let grads: Tensor[] | undefined;
      const run = () => {
        grads ??= gruCellBackward(gradHy!, inputs[2]!(), workspace());
        return grads;
      };
      return [() => run()[0]!, () => run()[1]!, () => run()[2]!, () => run()[1]!.sum(0)];
    };
  });
}

function gruCellKernel(inputs: readonly Tensor[]): TensorView[] {
  const [inputGates, hiddenGates, hxT, biasT] = inputs as [Tensor, Tensor, Tensor, Tensor | undefined];
  const [batch, hidden] = hxT.shape as [number, number];
  const ig = dense(inputGates);
  const hg = dense(hiddenGates);
  const hx = dense(hxT);
  const bias = biasT ? dense(biasT) : undefined;
  const [hyT, hy] = output([batch, hidden], hxT);
  const [wsT, ws] = output([batch, 4 * hidden], hxT);
  for (let b = 0; b < batch; b++) {
    const row = b * 3 * hidden;
    const wrow = b * 4 * hidden;
    for (let j = 0; j < hidden; j++) {
      const hiddenGate = (k: number) => hg[row + k * hidden + j]! + (bias ? bias[k * hidden + j]! : 0);
      const r = sigmoid(ig[row + j]! + hiddenGate(0));
      const z = sigmoid(ig[row + hidden + j]! + hiddenGate(1));
      const hn = hiddenGate(2);
      const n = Math.tanh(ig[row + 2 * hidden + j]! + r * hn);
      const h = hx[b * hidden + j]!;
      hy[b * hidden + j] = (h - n) * z + n;
      ws[wrow + j] = r;
      ws[wrow + hidden + j] = z;
      ws[wrow + 2 * hidden + j] = n;
      ws[wrow + 3 * hidden + j] = hn;
    }
  }
  return [hyT, wsT];
}

function gruCellBackwardKernel(inputs: readonly Tensor[]): TensorView[] {
  const [gradHyT, hxT, wsT] = inputs as [Tensor, Tensor, Tensor];
  const [batch, hidden] = hxT.shape as [number, number];
  const dhy = dense(gradHyT);
  const hx = dense(hxT);
  const ws = dense(wsT);
  const [gradInputT, di] = output([batch, 3 * hidden], hxT);
  const [gradHiddenT, dh] = output([batch, 3 * hidden], hxT);
  const [gradHxT, dhx] = output([batch, hidden], hxT);
  for (let b = 0; b < batch; b++) {
    const row = b * 3 * hidden;
    const wrow = b * 4 * hidden;
    for (let j = 0; j < hidden; j++) {
      const at = b * hidden + j;
      const r = ws[wrow + j]!;
      const z = ws[wrow + hidden + j]!;
      const n = ws[wrow + 2 * hidden + j]!;
      const hn = ws[wrow + 3 * hidden + j]!;
      const g = dhy[at]!;
      const dn = g * (1 - z) * (1 - n * n);
      const dz = g * (hx[at]! - n) * z * (1 - z);
      const dr = dn * hn * r * (1 - r);
      di[row + j] = dr;
      di[row + hidden + j] = dz;
      di[row + 2 * hidden + j] = dn;
      dh[row + j] = dr;
      dh[row + hidden + j] = dz;
      dh[row + 2 * hidden + j] = dn * r;
      dhx[at] = g * z;
    }
  }
  return [gradInputT, gradHiddenT, gradHxT];
}

/**
 * One GRU step from precomputed gate pre-activations: `inputGates` (`x W_ih^T + b_ih`) and `hiddenGates`
 * (`h W_hh^T`), both `[B, 3H]` in torch's r, z, n order, plus the optional `hiddenBias` (`b_hh`, `[3H]`,
 * which the n gate scales by r as torch does). Returns `[hy, workspace]` (what {@link gruCellBackward} reads).
 */
export function gruCellFused(
  inputGates: Tensor,
  hiddenGates: Tensor,
  hx: Tensor,
  hiddenBias: Tensor | null,
): [Tensor, Tensor] {
  register();
  const inputs = hiddenBias ? [inputGates, hiddenGates, hx, hiddenBias] : [inputGates, hiddenGates, hx];
  return runKernelMulti('gruCell', inputs) as [Tensor, Tensor];
}

/** The gradients of one GRU step's input gates, hidden gates (`[B, 3H]` each) and `hx`, from that of `hy`. */
export function gruCellBackward(gradHy: Tensor, hx: Tensor, workspace: Tensor): [Tensor, Tensor, Tensor] {
  register();
  return runKernelMulti('gruCellBackward', [gradHy, hx, workspace]) as [Tensor, Tensor, Tensor];
}
