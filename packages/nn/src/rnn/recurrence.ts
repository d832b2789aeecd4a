// The time loop shared by the recurrent layers and cells: one GEMM projects every time step's input, then
// each step runs one GEMM against the hidden state and the cell's fused gate kernel.
import { cat, matmul, type Tensor } from '@nn/tensor';
import { linear } from '../functional/linear';
import { gruCellFused } from './gru-cell-op';
import { lstmCellFused } from './lstm-cell-op';
import { SplitRows } from './split-rows';

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

/**
 * One time step from the step's projected input `gates` (`x W_ih^T + b_ih`), with `wHhT` = `W_hh^T` and
 * `wHrT` = `W_hr^T` (transposed once per call, so autograd sums their gradients before transposing back).
 */
export function cellStep(
  mode: RecurrentMode,
  gates: Tensor,
  { h, c }: RecurrentState,
  wHhT: Tensor,
  bHh: Tensor | null,
  wHrT: Tensor | null,
): RecurrentState {
  const hidden = matmul(h, wHhT);
  switch (mode) {
    case 'LSTM': {
      const [hy, cy] = lstmCellFused(gates, hidden, c!, bHh);
      return { h: wHrT ? matmul(hy, wHrT) : hy, c: cy };
    }
    case 'GRU':
      return { h: gruCellFused(gates, hidden, h, bHh), c: null };
    default: {
      const pre = gates.add(bHh ? hidden.add(bHh) : hidden);
      return { h: mode === 'RNN_TANH' ? pre.tanh() : pre.relu(), c: null };
    }
  }
}

const rows = (t: Tensor | null, start: number, count: number): Tensor | null =>
  t && (start === 0 && count === t.shape[0] ? t : t.narrow(0, start, count));

const join = (parts: (Tensor | null)[]): Tensor | null =>
  parts[0] ? (parts.length === 1 ? parts[0] : cat(parts as Tensor[], 0)) : null;

/**
 * Runs one layer in one direction over packed rows `data` (`[sum(batchSizes), in]`, time-major, batch
 * sizes non-increasing: a padded batch is the case of equal sizes) from `state0` (`[B, *]`). Returns the
 * packed outputs `[sum(batchSizes), Hout]` and the final state of every sequence, as torch's
 * `PackedLayer` / `ReversedPackedLayer`: a sequence's final state is taken at its own last step.
 */
export function runLayer(
  mode: RecurrentMode,
  data: Tensor,
  batchSizes: readonly number[],
  w: CellWeights,
  state0: RecurrentState,
  reverse: boolean,
): { output: Tensor; state: RecurrentState } {
  const steps = (SplitRows.apply as (x: Tensor, sizes: readonly number[]) => Tensor[])(
    linear(data, w.wIh, w.bIh),
    batchSizes,
  );
  const wHhT = w.wHh.t();
  const wHrT = w.wHr ? w.wHr.t() : null;
  const outputs: Tensor[] = new Array(steps.length);
  if (!reverse) {
    // Sequences end as the batch shrinks: their rows leave the state and are kept as final states.
    let state = state0;
    const finishedH: Tensor[] = [];
    const finishedC: (Tensor | null)[] = [];
    let running = state0.h.shape[0]!;
    steps.forEach((gates, t) => {
      const size = batchSizes[t]!;
      if (size < running) {
        finishedH.unshift(state.h.narrow(0, size, running - size));
        finishedC.unshift(rows(state.c, size, running - size));
        state = { h: state.h.narrow(0, 0, size), c: rows(state.c, 0, size) };
        running = size;
      }
      state = cellStep(mode, gates, state, wHhT, w.bHh, wHrT);
      outputs[t] = state.h;
    });
    return {
      output: join(outputs)!,
      state: { h: join([state.h, ...finishedH])!, c: join([state.c, ...finishedC]) },
    };
  }
  // Backwards in time the batch grows: sequences start from their initial state at their last step.
  let running = batchSizes[steps.length - 1] ?? 0;
  let state: RecurrentState = { h: rows(state0.h, 0, running)!, c: rows(state0.c, 0, running) };
  for (let t = steps.length - 1; t >= 0; t--) {
    const size = batchSizes[t]!;
    if (size > running) {
      state = {
        h: cat([state.h, state0.h.narrow(0, running, size - running)], 0),
        c: state.c && cat([state.c, state0.c!.narrow(0, running, size - running)], 0),
      };
      running = size;
    }
    state = cellStep(mode, steps[t]!, state, wHhT, w.bHh, wHrT);
    outputs[t] = state.h;
  }
  return { output: join(outputs)!, state };
}
