import { GRU, LSTM, type Module, PackedSequence, RNN, RNNBase } from '@nn/nn';
import { NNError, type Tensor } from '@nn/tensor';
import type { ModuleExporter, ModuleOutput } from './exporter-types';

/**
 * The torch gate (block of `hiddenSize` rows) each ONNX gate takes: ONNX orders LSTM gates i, o, f, c
 * (torch: i, f, g, o) and GRU gates z, r, h (torch: r, z, n).
 */
const ONNX_GATES = { LSTM: [0, 3, 1, 2], GRU: [1, 0, 2], RNN: [0] } as const;

type Kind = keyof typeof ONNX_GATES;
type MaybeTensor = Tensor | null | undefined;

const kindOf = (m: RNNBase): Kind => (m instanceof LSTM ? 'LSTM' : m instanceof GRU ? 'GRU' : 'RNN');

/**
 * The parameters `ts` (one per direction) with their gate blocks in ONNX's order, stacked on a new leading
 * axis (ONNX's num_directions): the values of W, R or half of B.
 */
function stackGates(ts: readonly Tensor[], kind: Kind, hidden: number): Float32Array | Float64Array {
  const order = ONNX_GATES[kind];
  const first = ts[0]!;
  const size = first.numel();
  const block = hidden * (first.ndim === 2 ? first.shape[1]! : 1);
  const out =
    first.dtype === 'float64' ? new Float64Array(ts.length * size) : new Float32Array(ts.length * size);
  for (const [d, t] of ts.entries()) {
    const values = t.contiguous().dataSync() as Float32Array | Float64Array;
    for (const [j, gate] of order.entries()) {
      out.set(values.subarray(gate * block, (gate + 1) * block), d * size + j * block);
    }
  }
  return out;
}

const unsupported = (m: Module, what: string, fix: string) =>
  new NNError('exportOnnx', `${m.constructor.name} with ${what} has no ONNX mapping; ${fix}`);

/**
 * RNN, LSTM and GRU as ONNX's RNN / LSTM / GRU ops, one per stacked layer (both directions in one op), so
 * the sequence length and batch stay open: weights rearranged into ONNX's gate order, GRU with
 * `linear_before_reset = 1` (torch applies the reset gate after the hidden matmul), batchFirst and unbatched
 * inputs transposed/unsqueezed around the ops. Outputs as torch's: `[output, hN]` (`[output, [hN, cN]]`).
 */
export const recurrent: ModuleExporter = {
  accepts: (m) => m instanceof RNNBase,
  emit(g, module, args) {
    const m = module as RNNBase;
    const kind = kindOf(m);
    if (args[0] instanceof PackedSequence) {
      throw unsupported(m, 'a PackedSequence input', 'export it on a padded [T, B, *] tensor instead');
    }
    if (m.projSize > 0) {
      throw unsupported(
        m,
        `projSize (${m.projSize})`,
        'ONNX LSTM has no projection; export a model without one',
      );
    }
    const x = g.value(args[0] as Tensor);
    // LSTM takes [h0, c0] (or nothing), RNN and GRU h0.
    const [h0, c0]: MaybeTensor[] =
      kind === 'LSTM' ? ((args[1] as MaybeTensor[] | null | undefined) ?? []) : [args[1] as MaybeTensor];
    const unbatched = x.shape.length === 2;
    const batchDim = m.batchFirst ? 0 : 1;
    const D = m.numDirections;
    const H = m.hiddenSize;
    const params = Object.fromEntries(m.namedParameters({ recurse: false }));
    const perDirection = (name: string, k: number) =>
      Array.from({ length: D }, (_, d) => params[`${name}_l${k}${d === 1 ? '_reverse' : ''}`]!);

    // Time-major [T, B, in]; states [L*D, B, H].
    let seq = unbatched
      ? g.node1('Unsqueeze', [x.name, g.int64([1])])
      : m.batchFirst
        ? g.node1('Transpose', [x.name], { perm: [1, 0, 2] })
        : x.name;
    const state = (t: MaybeTensor) => {
      if (t === null || t === undefined) return null;
      const v = g.value(t).name;
      return unbatched ? g.node1('Unsqueeze', [v, g.int64([1])]) : v;
    };
    const [hInit, cInit] = [state(h0), state(c0)];
    const layerSlice = (v: string | null, k: number) =>
      v === null ? '' : g.node1('Slice', [v, g.int64([k * D]), g.int64([(k + 1) * D]), g.int64([0])]);

    const hs: string[] = [];
    const cs: string[] = [];
    for (let k = 0; k < m.numLayers; k++) {
      const wIh = perDirection('weight_ih', k);
      const wHh = perDirection('weight_hh', k);
      const G = ONNX_GATES[kind].length * H;
      const inputs = [
        seq,
        g.floats(stackGates(wIh, kind, H), [D, G, wIh[0]!.shape[1]!], `W_l${k}`),
        g.floats(stackGates(wHh, kind, H), [D, G, H], `R_l${k}`),
      ];
      if (m.bias) {
        const bIh = stackGates(perDirection('bias_ih', k), kind, H);
        const bHh = stackGates(perDirection('bias_hh', k), kind, H);
        // B is [D, 2G]: each direction's input bias, then its hidden bias.
        const b = new (bIh.constructor as Float32ArrayConstructor)(2 * D * G);
        for (let d = 0; d < D; d++) {
          b.set(bIh.subarray(d * G, (d + 1) * G), 2 * d * G);
          b.set(bHh.subarray(d * G, (d + 1) * G), (2 * d + 1) * G);
        }
        inputs.push(g.floats(b, [D, 2 * G], `B_l${k}`));
      } else inputs.push('');
      inputs.push('', layerSlice(hInit, k));
      if (kind === 'LSTM') inputs.push(layerSlice(cInit, k));
      while (inputs[inputs.length - 1] === '') inputs.pop();
      const attrs = {
        hidden_size: H,
        direction: D === 2 ? 'bidirectional' : 'forward',
        linear_before_reset: kind === 'GRU' ? 1 : undefined,
        activations:
          m instanceof RNN
            ? { strings: Array(D).fill(m.nonlinearity === 'relu' ? 'Relu' : 'Tanh') }
            : undefined,
      };
      const [y, yH, yC] = g.node(kind, inputs, attrs, kind === 'LSTM' ? 3 : 2) as [string, string, string?];
      hs.push(yH);
      if (yC) cs.push(yC);
      // Y is [T, D, B, H]; torch's output is [T, B, D*H].
      const yT = g.node1('Transpose', [y], { perm: [0, 2, 1, 3] });
      seq = g.node1('Reshape', [yT, g.int64([0, 0, -1])]);
    }

    const join = (parts: string[]) =>
      parts.length === 1 ? parts[0]! : g.node1('Concat', parts, { axis: 0 });
    const squeeze = (v: string) => (unbatched ? g.node1('Squeeze', [v, g.int64([1])]) : v);
    const output = unbatched
      ? squeeze(seq)
      : m.batchFirst
        ? g.node1('Transpose', [seq], { perm: [1, 0, 2] })
        : seq;
    // The states' batch (axis 1) is open when the input's batch axis is.
    const stateAxis = !unbatched && x.batchAxis === batchDim ? 1 : null;
    const outs: ModuleOutput[] = [
      { name: output, batchAxis: x.batchAxis },
      { name: squeeze(join(hs)), batchAxis: stateAxis },
    ];
    if (kind === 'LSTM') outs.push({ name: squeeze(join(cs)), batchAxis: stateAxis });
    return outs;
  },
};
