import { GRU, LSTM, Module, RNN, type RNNBase } from '@nn/nn';
import { manualSeed, randn, type Tensor } from '@nn/tensor';
import { assertClose } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { exportOnnx, importOnnx } from '../src/index';
import { decodeModel, encodeModel } from '../src/proto/onnx-schema';
import { maxAbsDiff, runOrt } from './ort';

/** The layer's outputs flattened, states batch-first (for a dynamic batch): `[output, hN(, cN)]`. */
class Outputs extends Module {
  constructor(readonly rnn: RNNBase) {
    super();
  }

  override forward(x: Tensor): Tensor[] {
    const [y, ...states] = (this.rnn.call as (x: Tensor) => unknown[])(x).flat() as Tensor[];
    return [y!, ...states.map((s) => s.transpose(0, 1))];
  }
}

const layers: [string, () => RNNBase][] = [
  [
    'LSTM (2 layers, bidirectional, batchFirst)',
    () => new LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true }),
  ],
  [
    'GRU (2 layers, bidirectional, batchFirst)',
    () => new GRU(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true }),
  ],
  ['RNN (relu, no bias)', () => new RNN(3, 4, { nonlinearity: 'relu', bias: false, batchFirst: true })],
];

describe('importOnnx: ONNX RNN / LSTM / GRU ops', () => {
  for (const [name, make] of layers) {
    it(`${name}: export -> import gives the same outputs at another batch size, and trains`, () => {
      manualSeed(5);
      const model = new Outputs(make());
      const imported = importOnnx(exportOnnx(model, [randn([2, 5, 3])], { dynamicBatch: true }));
      const x = randn([4, 5, 3]);
      const got = imported.call(x) as Tensor[];
      const want = model.call(x);
      expect(got).toHaveLength(want.length);
      for (const [i, w] of want.entries()) assertClose(got[i]!, w, { atol: 1e-5 }, `output ${i}`);
      // Its weights are parameters (named after the layer, in ONNX's layout) gradients reach.
      expect(Object.keys(imported.stateDict())).toEqual(expect.arrayContaining(['rnn.W_l0', 'rnn.R_l0']));
      got[0]!.sum().backward();
      const grads = imported.parameters().map((p) => p.grad);
      expect(grads.length).toBeGreaterThanOrEqual(2);
      for (const g of grads) expect(g?.abs().sum().item()).toBeGreaterThan(0);
    });
  }

  it("GRU with linear_before_reset 0 (the ONNX default, not torch's) computes what onnxruntime does", async () => {
    manualSeed(6);
    const model = new Outputs(new GRU(3, 4, { bidirectional: true, batchFirst: true }));
    const proto = decodeModel(exportOnnx(model, [randn([2, 5, 3])]));
    const gru = proto.graph!.node.find((n) => n.opType === 'GRU')!;
    gru.attribute.find((a) => a.name === 'linear_before_reset')!.i = 0n;
    const bytes = encodeModel(proto);
    const x = randn([2, 5, 3]);
    const want = await runOrt(bytes, { input: x });
    const got = importOnnx(bytes).call(x) as Tensor[];
    for (const [i, w] of want.entries()) expect(maxAbsDiff(w, got[i]!)).toBeLessThanOrEqual(1e-5);
    // A different function from torch's GRU: the test above would not pass by accident.
    expect(maxAbsDiff(want[0]!, model.call(x)[0]!)).toBeGreaterThan(1e-3);
  });
});
