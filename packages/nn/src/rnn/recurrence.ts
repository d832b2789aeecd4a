// The time loop of the recurrent layers and cells. A layer projects every time step's input with ONE GEMM,
// then runs each step as one GEMM against the hidden state plus the cell's fused gate kernel. The whole loop
// of one layer and direction is one autograd node (as cuDNN's RNN): its backward walks the steps back with
// the fused backward kernels and computes the weight gradients as one GEMM over all steps, instead of one
// skinny GEMM per step and a running sum.
import {
  Function as AutogradFunction,
  type FunctionCtx,
  type FunctionGrad,
  isGradEnabled,
} from '@nn/autograd';
import { cat, matmul, type Tensor } from '@nn/tensor';
import { linear } from '../functional/linear';
import { gradsWithGraph, gruGates, lstmGates } from './composite-cells';
import { gruCellBackward, gruCellFused } from './gru-cell-op';
import { lstmCellBackward, lstmCellFused } from './lstm-cell-op';

/** torch's `mode` of a recurrent layer. */
export type RecurrentMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/** The weights of one layer and direction (or of a cell), in torch's layout. */
export interface CellWeights {
  /** `[G * H, in]`. */
  readonly wIh: Tensor;
  /** `[G * H, Hout]`. */
  readonly wHh: Tensor;
  readonly bIh: Tensor | null;
  readonly bHh: Tensor | null;
  /** LSTM projection `[proj, H]`, or null. */
  readonly wHr: Tensor | null;
}

/** A recurrent state: `h`, plus the cell state `c` of an LSTM. */
export interface RecurrentState {
  h: Tensor;
  c: Tensor | null;
}

/** One step's new state and what its backward reads. */
interface StepResult extends RecurrentState {
  /** The fused kernel's workspace (LSTM, GRU). */
  workspace: Tensor | null;
  /** The LSTM hidden state before the projection (`h` itself without one). */
  hy: Tensor;
}

/**
 * One time step from the step's projected input `gates` (`x W_ih^T + b_ih`), with `wHhT` = `W_hh^T` and
 * `wHrT` = `W_hr^T`, through the fused gate kernels or, with `composite`, through ordinary ops (to be
 * differentiated twice).
 */
export function cellStep(
  mode: RecurrentMode,
  gates: Tensor,
  { h, c }: RecurrentState,
  wHhT: Tensor,
  bHh: Tensor | null,
  wHrT: Tensor | null,
  composite = false,
): StepResult {
  const hidden = matmul(h, wHhT);
  switch (mode) {
    case 'LSTM': {
      const [hy, cy, workspace] = composite
        ? [...lstmGates(gates, hidden, c!, bHh), null]
        : lstmCellFused(gates, hidden, c!, bHh);
      return { h: wHrT ? matmul(hy, wHrT) : hy, c: cy, workspace, hy };
    }
    case 'GRU': {
      const [hy, workspace] = composite
        ? [gruGates(gates, hidden, h, bHh), null]
        : gruCellFused(gates, hidden, h, bHh);
      return { h: hy, c: null, workspace, hy };
    }
    default: {
      const pre = gates.add(bHh ? hidden.add(bHh) : hidden);
      const hy = mode === 'RNN_TANH' ? pre.tanh() : pre.relu();
      return { h: hy, c: null, workspace: null, hy };
    }
  }
}

/** What the layer node keeps of one step for its backward. */
interface StepRecord extends StepResult {
  /** The state the step started from (its rows of the running batch). */
  prev: RecurrentState;
}

/** Gradients of one step: the input and hidden gates' (the same tensor for LSTM and RNN) and the previous state's. */
interface StepGrads {
  input: Tensor;
  hidden: Tensor;
  h: Tensor;
  c: Tensor | null;
  /** The gradient of `hy` (LSTM with a projection: for `W_hr`'s gradient). */
  hy: Tensor;
}

function cellStepBackward(
  mode: RecurrentMode,
  gradH: Tensor,
  gradC: Tensor | null,
  step: StepRecord,
  wHh: Tensor,
  wHr: Tensor | null,
): StepGrads {
  switch (mode) {
    case 'LSTM': {
      const gradHy = wHr ? matmul(gradH, wHr) : gradH;
      const [gates, c] = lstmCellBackward(gradHy, gradC!, step.prev.c!, step.c!, step.workspace!);
      return { input: gates, hidden: gates, h: matmul(gates, wHh), c, hy: gradHy };
    }
    case 'GRU': {
      const [input, hidden, direct] = gruCellBackward(gradH, step.prev.h, step.workspace!);
      return { input, hidden, h: matmul(hidden, wHh).add(direct), c: null, hy: gradH };
    }
    default: {
      const y = step.hy;
      const gates = mode === 'RNN_TANH' ? gradH.mul(y.square().neg().add(1)) : gradH.mul(y.gt(0).to(y.dtype));
      return { input: gates, hidden: gates, h: matmul(gates, wHh), c: null, hy: gradH };
    }
  }
}

const rows = (t: Tensor, start: number, count: number): Tensor =>
  start === 0 && count === t.shape[0] ? t : t.narrow(0, start, count);
const rowsOrNull = (t: Tensor | null, start: number, count: number): Tensor | null =>
  t && rows(t, start, count);
const join = (parts: readonly Tensor[]): Tensor => (parts.length === 1 ? parts[0]! : cat(parts, 0));

/** Splits packed rows `[sum(batchSizes), *]` into its time steps (views). */
function splitSteps(x: Tensor, batchSizes: readonly number[]): Tensor[] {
  let start = 0;
  return batchSizes.map((size) => {
    start += size;
    return rows(x, start - size, size);
  });
}

interface LayerConfig {
  mode: RecurrentMode;
  batchSizes: readonly number[];
  reverse: boolean;
}

interface LayerCtx {
  config: LayerConfig;
  steps: StepRecord[];
  /** Which of the {@link LayerInputs} were given (saved tensors skip the nulls). */
  present: boolean[];
}

/** The layer's tensors, in the order the layer node takes them. */
type LayerInputs = [
  gates: Tensor,
  wHh: Tensor,
  bHh: Tensor | null,
  wHr: Tensor | null,
  h0: Tensor,
  c0: Tensor | null,
];

/**
 * The time loop of one layer and direction over packed rows; `onStep` sees each step's record. Returns
 * the packed outputs and the final state of every sequence (a sequence's final state is taken at its own
 * last step, as torch's `PackedLayer` / `ReversedPackedLayer`).
 */
function unroll(
  { mode, batchSizes, reverse }: LayerConfig,
  [gates, wHh, bHh, wHr, h0, c0]: LayerInputs,
  composite: boolean,
  onStep?: (t: number, step: StepRecord) => void,
): { output: Tensor; final: RecurrentState } {
  const inputs = splitSteps(gates, batchSizes);
  const wHhT = wHh.t();
  const wHrT = wHr ? wHr.t() : null;
  const outputs: Tensor[] = new Array(inputs.length);
  const run = (t: number, prev: RecurrentState): StepResult => {
    const result = cellStep(mode, inputs[t]!, prev, wHhT, bHh, wHrT, composite);
    onStep?.(t, { ...result, prev });
    outputs[t] = result.h;
    return result;
  };
  let final: RecurrentState;
  if (!reverse) {
    // Sequences end as the batch shrinks: their rows leave the state and are kept as final states.
    let state: RecurrentState = { h: h0, c: c0 };
    const finishedH: Tensor[] = [];
    const finishedC: Tensor[] = [];
    let running = h0.shape[0]!;
    inputs.forEach((_, t) => {
      const size = batchSizes[t]!;
      if (size < running) {
        finishedH.unshift(state.h.narrow(0, size, running - size));
        if (state.c) finishedC.unshift(state.c.narrow(0, size, running - size));
        state = { h: rows(state.h, 0, size), c: rowsOrNull(state.c, 0, size) };
        running = size;
      }
      state = run(t, state);
    });
    final = { h: join([state.h, ...finishedH]), c: state.c && join([state.c, ...finishedC]) };
  } else {
    // Backwards in time the batch grows: sequences start from their initial state at their last step.
    let running = batchSizes[inputs.length - 1] ?? 0;
    let state: RecurrentState = { h: rows(h0, 0, running), c: rowsOrNull(c0, 0, running) };
    for (let t = inputs.length - 1; t >= 0; t--) {
      const size = batchSizes[t]!;
      if (size > running) {
        state = {
          h: cat([state.h, h0.narrow(0, running, size - running)], 0),
          c: state.c && cat([state.c, c0!.narrow(0, running, size - running)], 0),
        };
        running = size;
      }
      state = run(t, state);
    }
    final = state;
  }
  return { output: join(outputs), final };
}

/**
 * The recurrence of one layer and direction as one autograd node: inputs are the projected gates of every
 * step (packed rows), `W_hh`, `b_hh`, `W_hr` and the initial states; outputs the packed hidden states and
 * the final state of every sequence (a sequence's final state is taken at its own last step, as torch's
 * `PackedLayer` / `ReversedPackedLayer`).
 */
class Recurrence extends AutogradFunction {
  static override forward(
    ctx: FunctionCtx,
    gates: Tensor,
    wHh: Tensor,
    bHh: Tensor | null,
    wHr: Tensor | null,
    h0: Tensor,
    c0: Tensor | null,
    config: LayerConfig,
  ): Tensor[] {
    const steps: StepRecord[] = [];
    const inputs: LayerInputs = [gates, wHh, bHh, wHr, h0, c0];
    const { output, final } = unroll(config, inputs, false, (t, step) => {
      steps[t] = step;
    });
    ctx.saveForBackward(...inputs.filter((t): t is Tensor => t !== null));
    Object.assign(ctx, { config, steps, present: inputs.map((t) => t !== null) } satisfies LayerCtx);
    return final.c ? [output, final.h, final.c] : [output, final.h];
  }

  static override backward(
    ctx: FunctionCtx,
    gradOutput: Tensor,
    gradHN: Tensor,
    gradCN?: Tensor,
  ): FunctionGrad[] {
    const { config, steps, present } = ctx as unknown as LayerCtx;
    const { mode, batchSizes, reverse } = config;
    const saved = ctx.savedTensors;
    const inputs = present.map((given) => (given ? saved.shift()! : null)) as LayerInputs;
    if (isGradEnabled()) return differentiableBackward(ctx, config, inputs, [gradOutput, gradHN, gradCN]);
    const [, wHh, bHh, wHr] = inputs;
    const gradOutputs = splitSteps(gradOutput, batchSizes);
    const count = steps.length;
    const grads: StepGrads[] = new Array(count);
    const gradTotal: Tensor[] = new Array(count);
    const back = (t: number, gradH: Tensor, gradC: Tensor | null): StepGrads => {
      gradTotal[t] = gradH.add(gradOutputs[t]!);
      grads[t] = cellStepBackward(mode, gradTotal[t]!, gradC, steps[t]!, wHh, wHr);
      return grads[t]!;
    };
    let gradH0: Tensor;
    let gradC0: Tensor | null = null;
    const cN = gradCN ?? null;
    if (!reverse) {
      // Walking back in time the batch grows again: the final states' gradients join where sequences ended.
      let running = batchSizes[count - 1] ?? 0;
      let gradH = rows(gradHN, 0, running);
      let gradC = rowsOrNull(cN, 0, running);
      for (let t = count - 1; t >= 0; t--) {
        const size = batchSizes[t]!;
        if (size > running) {
          gradH = cat([gradH, gradHN.narrow(0, running, size - running)], 0);
          gradC = gradC && cat([gradC, cN!.narrow(0, running, size - running)], 0);
          running = size;
        }
        ({ h: gradH, c: gradC } = back(t, gradH, gradC));
      }
      gradH0 = gradH;
      gradC0 = gradC;
    } else {
      // The reversed layer's steps ran from the last; each sequence's first processed step took rows of h0.
      let gradH = gradHN;
      let gradC = cN;
      const piecesH: Tensor[] = [];
      const piecesC: Tensor[] = [];
      for (let t = 0; t < count; t++) {
        const size = batchSizes[t]!;
        const next = batchSizes[t + 1] ?? 0;
        const g = back(t, gradH, gradC);
        if (next < size) {
          piecesH.unshift(g.h.narrow(0, next, size - next));
          if (g.c) piecesC.unshift(g.c.narrow(0, next, size - next));
        }
        gradH = rows(g.h, 0, next);
        gradC = rowsOrNull(g.c, 0, next);
      }
      gradH0 = join(piecesH);
      gradC0 = piecesC.length > 0 ? join(piecesC) : null;
    }
    // The weight gradients over all steps at once: one GEMM each.
    const hiddenGrads = join(grads.map((g) => g.hidden));
    const gradWHh = matmul(hiddenGrads.t(), join(steps.map((s) => s.prev.h)));
    const gradWHr = wHr ? matmul(join(gradTotal).t(), join(steps.map((s) => s.hy))) : null;
    const inputGrads = mode === 'GRU' ? join(grads.map((g) => g.input)) : hiddenGrads;
    return [
      inputGrads,
      gradWHh,
      bHh ? hiddenGrads.sum(0) : undefined,
      gradWHr ?? undefined,
      gradH0,
      gradC0 ?? undefined,
      undefined,
    ];
  }
}

/**
 * The layer node's backward under `createGraph`: the steps are recomputed from the saved inputs with
 * ordinary ops and differentiated with a graph, so second derivatives are exact (the fused backward is not
 * differentiable).
 */
function differentiableBackward(
  ctx: FunctionCtx,
  config: LayerConfig,
  inputs: LayerInputs,
  gradOutputs: (Tensor | undefined)[],
): FunctionGrad[] {
  const { output, final } = unroll(config, inputs, true);
  const outputs = final.c ? [output, final.h, final.c] : [output, final.h];
  return [...gradsWithGraph(outputs, gradOutputs, inputs, ctx.needsInputGrad), undefined];
}

/**
 * Runs one layer in one direction over packed rows `data` (`[sum(batchSizes), in]`, time-major, batch
 * sizes non-increasing: a padded batch is the case of equal sizes) from `state0` (`[B, *]`). Returns the
 * packed outputs `[sum(batchSizes), Hout]` and the final state of every sequence.
 */
export function runLayer(
  mode: RecurrentMode,
  data: Tensor,
  batchSizes: readonly number[],
  w: CellWeights,
  state0: RecurrentState,
  reverse: boolean,
): { output: Tensor; state: RecurrentState } {
  const gates = linear(data, w.wIh, w.bIh);
  const apply = Recurrence.apply.bind(Recurrence) as (...args: unknown[]) => Tensor[];
  const [output, h, c] = apply(gates, w.wHh, w.bHh, w.wHr, state0.h, state0.c, { mode, batchSizes, reverse });
  return { output: output!, state: { h: h!, c: c ?? null } };
}
