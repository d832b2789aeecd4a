import { GRU, LSTM, Module, type PackedSequence, packPaddedSequence, RNN, type RNNBase } from '@nn/nn';
import { manualSeed, randn, type Tensor } from '@nn/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../src/index';
import { maxAbsDiff, runOrt } from './ort';

/** A batch-first recurrent layer with its states given and returned batch-first (`[B, L*D, H]`). */
class WithStates extends Module {
  constructor(readonly rnn: RNNBase) {
    super();
  }

  override forward(x: Tensor, h0: Tensor, c0?: Tensor): Tensor[] {
    const h = h0.transpose(0, 1).contiguous();
    if (this.rnn instanceof LSTM) {
      const [y, [hN, cN]] = this.rnn.call(x, [h, c0!.transpose(0, 1).contiguous()]);
      return [y, hN.transpose(0, 1), cN.transpose(0, 1)];
    }
    const [y, hN] = (this.rnn as GRU).call(x, h);
    return [y, hN.transpose(0, 1)];
  }
}

/** The layer on its own, states zero: returns `[output, hN(, cN)]` as the layer does. */
class Plain extends Module {
  constructor(readonly rnn: RNNBase) {
    super();
  }

  override forward(x: Tensor): Tensor[] {
    return (this.rnn.call as (x: Tensor) => unknown[])(x).flat() as Tensor[];
  }
}

const layers: [string, () => RNNBase][] = [
  ['LSTM', () => new LSTM(5, 4, { numLayers: 2, bidirectional: true, batchFirst: true })],
  ['GRU', () => new GRU(5, 4, { numLayers: 2, bidirectional: true, batchFirst: true })],
  [
    'RNN (relu)',
    () => new RNN(5, 4, { numLayers: 2, bidirectional: true, batchFirst: true, nonlinearity: 'relu' }),
  ],
];

describe('exportOnnx: RNN / LSTM / GRU as ONNX ops, run in onnxruntime-node', () => {
  beforeAll(() => manualSeed(0));

  for (const [name, make] of layers) {
    it(`${name}: 2 layers, bidirectional, batchFirst, initial states given, any batch size`, async () => {
      const model = new WithStates(make());
      const isLstm = model.rnn instanceof LSTM;
      const inputs = (b: number) => [
        randn([b, 6, 5]),
        randn([b, 4, 4]),
        ...(isLstm ? [randn([b, 4, 4])] : []),
      ];
      const names = ['x', 'h0', 'c0'].slice(0, isLstm ? 3 : 2);
      const bytes = exportOnnx(model, inputs(2), { dynamicBatch: true, inputNames: names });
      for (const batch of [2, 5]) {
        const xs = inputs(batch);
        const got = await runOrt(bytes, Object.fromEntries(names.map((n, i) => [n, xs[i]!])));
        const want = model.call(...(xs as [Tensor, Tensor, Tensor]));
        expect(got).toHaveLength(want.length);
        for (const [i, w] of want.entries()) expect(maxAbsDiff(got[i]!, w)).toBeLessThanOrEqual(1e-5);
      }
    });
  }

  for (const [name, make] of [
    ['LSTM (time-major, zero states)', () => new LSTM(3, 4)],
    ['GRU (no bias, 3 layers)', () => new GRU(3, 4, { numLayers: 3, bias: false })],
    ['RNN (tanh, unbatched input)', () => new RNN(3, 4, { bidirectional: true })],
  ] as [string, () => RNNBase][]) {
    it(name, async () => {
      const model = new Plain(make());
      const x = name.includes('unbatched') ? randn([7, 3]) : randn([7, 2, 3]);
      const bytes = exportOnnx(model, [x]);
      const got = await runOrt(bytes, { input: x });
      const want = model.call(x);
      expect(got).toHaveLength(want.length);
      for (const [i, w] of want.entries()) expect(maxAbsDiff(got[i]!, w)).toBeLessThanOrEqual(1e-5);
    });
  }

  it('a bare LSTM: its nested [output, [hN, cN]] becomes three graph outputs, as torch.onnx.export writes', async () => {
    const lstm = new LSTM(3, 4, { batchFirst: true });
    const x = randn([2, 6, 3]);
    const bytes = exportOnnx(lstm, [x], { outputNames: ['output', 'hn', 'cn'] });
    const got = await runOrt(bytes, { input: x });
    const [output, [hN, cN]] = lstm.call(x);
    for (const [i, w] of [output, hN, cN].entries()) expect(maxAbsDiff(got[i]!, w)).toBeLessThanOrEqual(1e-5);
  });

  it('rejects projSize and PackedSequence inputs, naming what has no ONNX mapping', () => {
    expect(() => exportOnnx(new Plain(new LSTM(3, 4, { projSize: 2 })), [randn([5, 2, 3])])).toThrow(
      /LSTM with projSize \(2\) has no ONNX mapping.*in module rnn/,
    );
    class Packed extends Module {
      readonly gru = new GRU(3, 4);
      override forward(x: Tensor): Tensor {
        // Module.call is typed by the Tensor overload; the packed one runs the same way.
        const gru = this.gru as unknown as { call(p: PackedSequence): [PackedSequence, Tensor] };
        const [, hN] = gru.call(packPaddedSequence(x, [5, 3]));
        return hN;
      }
    }
    expect(() => exportOnnx(new Packed(), [randn([5, 2, 3])])).toThrow(
      /GRU with a PackedSequence input has no ONNX mapping; export it on a padded/,
    );
  });
});
