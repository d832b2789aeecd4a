// Recurrent layers beyond the numeric fixtures: packing utilities against torch, errors, init, repr, dropout,
// and that the gate math runs as one fused op per step.
import { grad, gradgradcheck } from '@nn/autograd';
import {
  GRU,
  GRUCell,
  LSTM,
  LSTMCell,
  PackedSequence,
  packPaddedSequence,
  packSequence,
  padPackedSequence,
  padSequence,
  RNN,
  RNNCell,
} from '@nn/nn';
import { manualSeed, profile, randn, type Tensor, tensor, zeros } from '@nn/tensor';
import { assertClose, type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

const decode = (t: FixtureTensor): Tensor => tensor(fixtureArray(t), { dtype: t.dtype }).reshape(t.shape);

interface PackingCase {
  sequences: FixtureTensor[];
  padded: FixtureTensor;
  paddedBatchFirst: FixtureTensor;
  packedData: FixtureTensor;
  batchSizes: FixtureTensor;
  sortedIndices: FixtureTensor;
  unsortedIndices: FixtureTensor;
  unpacked: FixtureTensor;
  lengths: FixtureTensor;
}

describe('padSequence / packSequence / padPackedSequence match torch.nn.utils.rnn', () => {
  const c = loadFixtures<PackingCase>(new URL('./fixtures/rnn-packing.jsonl', import.meta.url)).cases
    .packing!;
  const sequences = c.sequences.map(decode);

  it('pads time-major and batch-first with a padding value', () => {
    assertClose(padSequence(sequences), c.padded, {}, 'padded');
    assertClose(
      padSequence(sequences, { batchFirst: true, paddingValue: -1.5 }),
      c.paddedBatchFirst,
      {},
      'bf',
    );
  });

  it('packs an unsorted batch with sortedIndices/unsortedIndices and unpacks it in the original order', () => {
    const packed = packSequence(sequences, { enforceSorted: false });
    assertClose(packed.data, c.packedData, {}, 'data');
    assertClose(packed.batchSizes, c.batchSizes, {}, 'batchSizes');
    assertClose(packed.sortedIndices!, c.sortedIndices, {}, 'sortedIndices');
    assertClose(packed.unsortedIndices!, c.unsortedIndices, {}, 'unsortedIndices');
    const [unpacked, lengths] = padPackedSequence(packed, {
      batchFirst: true,
      paddingValue: 9,
      totalLength: 6,
    });
    assertClose(unpacked, c.unpacked, {}, 'unpacked');
    assertClose(lengths, c.lengths, {}, 'lengths');
  });

  it('a sorted batch has no permutation, and packing is differentiable', () => {
    const x = randn([3, 2, 2]).requiresGrad_();
    const packed = packPaddedSequence(x, [3, 1]);
    expect(packed.sortedIndices).toBeNull();
    expect(packed.unsortedIndices).toBeNull();
    expect(packed.batchSizes.tolist()).toEqual([2, 1, 1]);
    padPackedSequence(packed)[0].sum().backward();
    expect(x.grad!.tolist()).toEqual([
      [
        [1, 1],
        [1, 1],
      ],
      [
        [1, 1],
        [0, 0],
      ],
      [
        [1, 1],
        [0, 0],
      ],
    ]);
  });

  it('rejects bad lengths and lengths, naming the function and the fix', () => {
    const x = zeros([4, 3, 2]);
    expect(() => packPaddedSequence(x, [2, 4, 1])).toThrow(
      /packPaddedSequence: `lengths` array must be sorted in decreasing order .* pass enforceSorted: false/,
    );
    expect(() => packPaddedSequence(x, [4, 0, 1], { enforceSorted: false })).toThrow(
      /Length of all samples has to be greater than 0/,
    );
    expect(() => packPaddedSequence(x, [4, 2])).toThrow(/expected 3 lengths for input shape \[4,3,2\]/);
    expect(() => packPaddedSequence(x, [5, 2, 1])).toThrow(/a length \(5\) exceeds the 4 time steps/);
    expect(() => padPackedSequence(packPaddedSequence(x, [4, 2, 1]), { totalLength: 3 })).toThrow(
      /padPackedSequence: Expected total_length to be at least the length of the longest sequence/,
    );
    expect(() => padSequence([zeros([2, 3]), zeros([2, 4])])).toThrow(
      /padSequence: every sequence must be \[L, 3\]/,
    );
    expect(() => packPaddedSequence(x, [4, 2, 1], { sorted: true } as never)).toThrow(
      /packPaddedSequence: unknown option 'sorted'/,
    );
  });
});

describe('recurrent layers: construction, parameters, repr', () => {
  it('names parameters as torch, in its order, with torch init bounds', () => {
    manualSeed(0);
    const lstm = new LSTM(3, 16, { numLayers: 2, bidirectional: true, projSize: 4 });
    const names = lstm.namedParameters().map(([n, p]) => `${n} ${p.shape.join('x')}`);
    expect(names.slice(0, 5)).toEqual([
      'weight_ih_l0 64x3',
      'weight_hh_l0 64x4',
      'bias_ih_l0 64',
      'bias_hh_l0 64',
      'weight_hr_l0 4x16',
    ]);
    expect(names).toContain('weight_ih_l1_reverse 64x8');
    expect(names).toHaveLength(20);
    for (const [, p] of lstm.namedParameters()) {
      const values = Array.from(p.dataSync());
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(0.25);
      expect(new Set(values).size).toBe(values.length);
    }
  });

  it('prints as torch', () => {
    expect(
      String(new LSTM(10, 20, { numLayers: 2, batchFirst: true, dropout: 0.5, bidirectional: true })),
    ).toBe('LSTM(10, 20, num_layers=2, batch_first=True, dropout=0.5, bidirectional=True)');
    expect(String(new LSTM(10, 20, { projSize: 5, bias: false }))).toBe(
      'LSTM(10, 20, proj_size=5, bias=False)',
    );
    expect(String(new GRU(4, 8))).toBe('GRU(4, 8)');
    expect(String(new RNNCell(4, 8, { nonlinearity: 'relu', bias: false }))).toBe(
      'RNNCell(4, 8, bias=False, nonlinearity=relu)',
    );
    expect(String(new LSTMCell(4, 8))).toBe('LSTMCell(4, 8)');
  });

  it('rejects bad options, naming the layer', () => {
    expect(() => new LSTM(3, 4, { projSize: 4 })).toThrow(
      'LSTM: projSize (4) has to be smaller than hiddenSize (4)',
    );
    expect(() => new GRU(3, 4, { dropout: 1.5 })).toThrow(
      /GRU: dropout should be a number in range \[0, 1\]/,
    );
    expect(() => new RNN(3, 4, { nonlinearity: 'sigmoid' as never })).toThrow(
      /RNN: Unknown nonlinearity 'sigmoid'/,
    );
    expect(() => new RNN(3, 0)).toThrow('RNN: hiddenSize must be an integer >= 1, got 0');
    expect(() => new LSTM(3, 4, { numLayer: 2 } as never)).toThrow(
      /LSTM: unknown option 'numLayer'; did you mean 'numLayers'\?/,
    );
    expect(() => new GRU(3, 4, { projSize: 2 } as never)).toThrow(/GRU: unknown option 'projSize'/);
  });

  it('warns, as torch, that dropout with one layer does nothing', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    new LSTM(3, 4, { dropout: 0.2 });
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/LSTM: dropout option adds dropout after all but last/),
    );
    warn.mockRestore();
  });
});

describe('recurrent layers: inputs and states', () => {
  afterEach(() => vi.restoreAllMocks());

  it('explains bad inputs and states with the shapes and the fix', () => {
    const lstm = new LSTM(10, 20, { numLayers: 2 });
    expect(() => lstm.call(zeros([5, 3, 7]))).toThrow(
      'LSTM: input.size(-1) must be equal to inputSize. Expected 10, got 7 (input shape [5, 3, 7]); build the layer with inputSize 7 or fix the input',
    );
    expect(() => lstm.call(zeros([5, 3, 10]), [zeros([1, 3, 20]), zeros([2, 3, 20])])).toThrow(
      'LSTM: Expected h0 of shape [2, 3, 20] (numLayers * numDirections, batch, hiddenSize), got [1, 3, 20]',
    );
    expect(() => lstm.call(zeros([5, 10]), [zeros([2, 3, 20]), zeros([2, 3, 20])])).toThrow(
      /LSTM: For unbatched 2-D input, h0 should also be 2-D \[2, 20\], but got 3-D tensor/,
    );
    expect(() => lstm.call(zeros([0, 3, 10]))).toThrow(/LSTM: Expected sequence length to be larger than 0/);
    expect(() => lstm.call(zeros([2, 5, 3, 10]))).toThrow(
      /LSTM: Expected input to be 2-D .* or 3-D .*got 4-D input/,
    );
    expect(() => lstm.call(zeros([5, 3, 10], { dtype: 'float64' }))).toThrow(
      /LSTM: input is float64 but the layer's weights are float32; convert the input with .float\(\)/,
    );
    expect(() => lstm.call(zeros([5, 3, 10]), zeros([2, 3, 20]) as never)).toThrow(
      /LSTM: hx must be a pair \[h0, c0\]/,
    );
    const proj = new LSTM(4, 6, { projSize: 2 });
    expect(() => proj.call(zeros([2, 1, 4]), [zeros([1, 1, 6]), zeros([1, 1, 6])])).toThrow(
      /Expected h0 of shape \[1, 1, 2\] \(numLayers \* numDirections, batch, projSize\)/,
    );
    const cell = new GRUCell(4, 3);
    expect(() => cell.call(zeros([2, 5]))).toThrow(
      'GRUCell: input has inconsistent inputSize: got 5, expected 4',
    );
    expect(() => cell.call(zeros([2, 4]), zeros([3, 3]))).toThrow(
      'GRUCell: Expected hx of shape [2, 3] (batch, hiddenSize) for input [2, 4], got [3, 3]',
    );
  });

  it('batchFirst transposes the input and output, not the states; unbatched input drops the batch dim', () => {
    manualSeed(1);
    const gru = new GRU(3, 4, { batchFirst: true, numLayers: 2 });
    const x = randn([2, 5, 3]);
    const [out, hN] = gru.call(x);
    expect(out.shape).toEqual([2, 5, 4]);
    expect(hN.shape).toEqual([2, 2, 4]);
    const [single, hSingle] = gru.call(x.select(0, 1));
    expect(single.shape).toEqual([5, 4]);
    assertClose(single, out.select(0, 1), { rtol: 1e-6, atol: 1e-7 });
    assertClose(hSingle, hN.select(1, 1), { rtol: 1e-6, atol: 1e-7 });
  });

  it('a packed batch gives each sequence the result of running it alone', () => {
    manualSeed(2);
    const lstm = new LSTM(3, 4, { bidirectional: true });
    const seqs = [randn([2, 3]), randn([5, 3]), randn([3, 3])];
    const [out, [hN, cN]] = lstm.forward(packSequence(seqs, { enforceSorted: false }));
    expect(out).toBeInstanceOf(PackedSequence);
    const [padded] = padPackedSequence(out);
    seqs.forEach((s, b) => {
      const [alone, [h, c]] = lstm.call(s);
      assertClose(
        padded.select(1, b).narrow(0, 0, s.shape[0]!),
        alone,
        { rtol: 1e-5, atol: 1e-6 },
        `output ${b}`,
      );
      assertClose(hN.select(1, b), h, { rtol: 1e-5, atol: 1e-6 }, `hN ${b}`);
      assertClose(cN.select(1, b), c, { rtol: 1e-5, atol: 1e-6 }, `cN ${b}`);
    });
  });

  it('applies dropout between layers in training only', () => {
    manualSeed(3);
    const rnn = new RNN(3, 8, { numLayers: 2, dropout: 0.5 });
    const x = randn([4, 2, 3]);
    const [evalOut] = rnn.eval().call(x);
    const [again] = rnn.call(x);
    assertClose(again, evalOut);
    const [trainOut] = rnn.train().call(x);
    expect(Array.from(trainOut.dataSync())).not.toEqual(Array.from(evalOut.dataSync()));
  });
});

describe('the fused gate kernels', () => {
  it('run once per time step (not a dozen ops), forward and backward', () => {
    const lstm = new LSTM(4, 5);
    const x = randn([6, 2, 4]);
    const { ops } = profile(() => lstm.call(x)[0].sum().backward());
    const count = (op: string) => ops.find((o) => o.op === op)?.count ?? 0;
    expect([count('lstmCell'), count('lstmCellBackward')]).toEqual([6, 6]);
    expect([count('sigmoid'), count('tanh')]).toEqual([0, 0]);
    const gru = new GRUCell(4, 5);
    const cellOps = profile(() =>
      gru
        .call(randn([2, 4]))
        .sum()
        .backward(),
    ).ops.map((o) => o.op);
    expect(cellOps).toContain('gruCell');
    expect(cellOps).toContain('gruCellBackward');
    expect(cellOps).not.toContain('sigmoid');
  });

  it('give exact second derivatives (createGraph) by differentiating the same math in plain ops', () => {
    manualSeed(4);
    const f64 = { dtype: 'float64' } as const;
    const x = randn([2, 2, 1], f64).requiresGrad_();
    const lstm = new LSTM(1, 2, { projSize: 1, ...f64 });
    const c0 = randn([1, 2, 2], f64).requiresGrad_();
    const lstmFn = (input: Tensor, c: Tensor) => {
      const [out, [, cN]] = lstm.call(input, [zeros([1, 2, 1], f64), c]);
      return [out, cN];
    };
    expect(gradgradcheck(lstmFn, [x, c0])).toBe(true);
    const gru = new GRU(1, 2, { numLayers: 2, ...f64 });
    const gruFn = (input: Tensor) => {
      const [out, hN] = gru.forward(packPaddedSequence(input, [1, 2], { enforceSorted: false }));
      return [out.data, hN];
    };
    expect(gradgradcheck(gruFn, [x])).toBe(true);
    const rnn = new RNN(1, 2, f64);
    expect(gradgradcheck((input: Tensor) => rnn.call(input)[0], [x])).toBe(true);
    const step = randn([2, 2], f64).requiresGrad_(); // [batch, inputSize]
    const lstmCell = new LSTMCell(2, 3, f64);
    expect(gradgradcheck((input: Tensor) => lstmCell.call(input, lstmCell.call(input)), [step])).toBe(true);
    const gruCell = new GRUCell(2, 3, f64);
    expect(gradgradcheck((input: Tensor) => gruCell.call(input, gruCell.call(input)), [step])).toBe(true);
    // The weights' second derivatives too: d/dW of (dL/dx).
    const [dx] = grad(lstm.call(x)[0].square().sum(), [x], { createGraph: true });
    dx!.sum().backward();
    expect(lstm.namedParameters().every(([, p]) => p.grad !== null)).toBe(true);
  });
});
