import { stack, type Tensor, ValueError, zeros } from '@nn/tensor';
import type { OnnxOp, OpCall } from './onnx-op';

type Kind = 'RNN' | 'LSTM' | 'GRU';

const GATES: Record<Kind, number> = { RNN: 1, LSTM: 4, GRU: 3 };
/** The activations each op computes by default (ONNX's), the only ones supported. */
const DEFAULT_ACTIVATIONS: Record<Kind, string[]> = {
  RNN: ['Tanh'],
  LSTM: ['Sigmoid', 'Tanh', 'Tanh'],
  GRU: ['Sigmoid', 'Tanh'],
};

const fail = (c: OpCall, message: string): never => {
  throw new ValueError('importOnnx', `${c.where}: ${message}`);
};

/** Gate `j` (of `hidden` rows or columns) of a stacked gate tensor, along its last axis. */
const gate = (t: Tensor, j: number, hidden: number) => t.narrow(t.ndim - 1, j * hidden, hidden);

/**
 * ONNX's RNN / LSTM / GRU ops (layout 0, the default activations; RNN also with Relu) as @nn ops, step by
 * step in ONNX's gate order (LSTM i, o, f, c; GRU z, r, h), so autograd records them and an imported model
 * trains. Returns `Y` `[T, D, B, H]`, `Y_h` `[D, B, H]` (and `Y_c`).
 */
const recurrentOp =
  (kind: Kind): OnnxOp =>
  (c) => {
    const [x, w, r, b, seqLens, h0, c0, peep] = c.inputs;
    if (!x || !w || !r) fail(c, 'inputs X, W and R are required');
    if (seqLens) fail(c, 'sequence_lens is not supported; pad the batch to one length');
    if (peep) fail(c, 'peephole weights (input P) are not supported');
    if (c.a.int('layout', 0) !== 0)
      fail(c, 'layout 1 (batch-first) is not supported; transpose around the op');
    if (c.a.has('clip')) fail(c, 'clip is not supported');
    if (c.a.int('input_forget', 0) !== 0) fail(c, 'input_forget 1 is not supported');
    const direction = c.a.string('direction', 'forward');
    const D = direction === 'bidirectional' ? 2 : 1;
    const H = c.a.int('hidden_size', r!.shape[2]);
    const defaults = DEFAULT_ACTIVATIONS[kind];
    const activations = c.a.strings('activations', Array(D).fill(defaults).flat());
    const relu = kind === 'RNN' && activations.every((a) => a === 'Relu');
    const expected = relu ? activations : Array(D).fill(defaults).flat();
    if (activations.join() !== expected.join()) {
      fail(
        c,
        `activations [${activations.join(', ')}] are not supported (only [${defaults.join(', ')}]${kind === 'RNN' ? ' or Relu' : ''})`,
      );
    }
    const beforeReset = c.a.int('linear_before_reset', 0) === 1;
    const G = GATES[kind] * H;
    const [T, B] = x!.shape as [number, number];
    const ys: Tensor[] = [];
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    for (let d = 0; d < D; d++) {
      const reverse = direction === 'reverse' || d === 1;
      const wT = w!.select(0, d).transpose(0, 1); // [in, G]
      const rT = r!.select(0, d).transpose(0, 1); // [H, G]
      const wb = b ? b.select(0, d).narrow(0, 0, G) : null;
      const rb = b ? b.select(0, d).narrow(0, G, G) : null;
      // The input projections of all steps at once: [T, B, G].
      const xw = wb ? x!.matmul(wT).add(wb) : x!.matmul(wT);
      let h = h0 ? h0.select(0, d) : zeros([B, H], { dtype: x!.dtype });
      let cell = c0 ? c0.select(0, d) : zeros([B, H], { dtype: x!.dtype });
      const out: Tensor[] = new Array(T);
      for (let s = 0; s < T; s++) {
        const t = reverse ? T - 1 - s : s;
        const xt = xw.select(0, t);
        const hr = rb ? h.matmul(rT).add(rb) : h.matmul(rT);
        if (kind === 'LSTM') {
          const pre = xt.add(hr);
          const [i, o, f, g] = [0, 1, 2, 3].map((j) => gate(pre, j, H)) as [Tensor, Tensor, Tensor, Tensor];
          cell = f.sigmoid().mul(cell).add(i.sigmoid().mul(g.tanh()));
          h = o.sigmoid().mul(cell.tanh());
        } else if (kind === 'GRU') {
          const z = gate(xt, 0, H)
            .add(gate(hr, 0, H))
            .sigmoid();
          const reset = gate(xt, 1, H)
            .add(gate(hr, 1, H))
            .sigmoid();
          const rh = gate(rT, 2, H);
          const hidden = beforeReset
            ? reset.mul(gate(hr, 2, H))
            : reset
                .mul(h)
                .matmul(rh)
                .add(rb ? gate(rb, 2, H) : 0);
          const n = gate(xt, 2, H).add(hidden).tanh();
          h = n.sub(z.mul(n)).add(z.mul(h));
        } else {
          const pre = xt.add(hr);
          h = relu ? pre.relu() : pre.tanh();
        }
        out[t] = h;
      }
      ys.push(stack(out, 0));
      hs.push(h);
      cs.push(cell);
    }
    const y = stack(ys, 1);
    const yH = stack(hs, 0);
    return kind === 'LSTM' ? [y, yH, stack(cs, 0)] : [y, yH];
  };

/** The recurrent ops importOnnx runs. */
export const recurrentOps: Record<string, OnnxOp> = {
  RNN: recurrentOp('RNN'),
  LSTM: recurrentOp('LSTM'),
  GRU: recurrentOp('GRU'),
};
