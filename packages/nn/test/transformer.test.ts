import '@nn/autograd';
import {
  DTypeError,
  Generator,
  manualSeed,
  ones,
  randn,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
  zeros,
} from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import {
  F,
  LayerNorm,
  MultiheadAttention,
  ReLU,
  Transformer,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
} from '../src';

// Behaviour not covered by the torch fixtures (attention.test.ts): init, names, copies, the fused and
// explicit paths agreeing, dropout, and the errors.

const maxAbsDiff = (a: Tensor, b: Tensor) => a.sub(b).abs().max().item();

describe('MultiheadAttention', () => {
  it("has torch's parameters, in torch's order, with torch's init", () => {
    const mha = new MultiheadAttention(12, 3);
    expect(Object.keys(mha.stateDict())).toEqual([
      'in_proj_weight',
      'in_proj_bias',
      'out_proj.weight',
      'out_proj.bias',
    ]);
    expect(mha.in_proj_weight!.shape).toEqual([36, 12]);
    // xavier_uniform on [3E, E]: bound sqrt(6 / (E + 3E))
    const bound = Math.sqrt(6 / 48);
    expect(mha.in_proj_weight!.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(mha.in_proj_weight!.abs().max().item()).toBeGreaterThan(bound * 0.8);
    expect(mha.in_proj_bias!.abs().sum().item()).toBe(0);
    expect(mha.out_proj.bias!.abs().sum().item()).toBe(0);
    expect(mha.headDim).toBe(4);
    // torch prints its out_proj as NonDynamicallyQuantizableLinear, a Linear subclass
    expect(String(new MultiheadAttention(8, 2))).toBe(
      'MultiheadAttention(\n  (out_proj): Linear(in_features=8, out_features=8, bias=True)\n)',
    );

    const separate = new MultiheadAttention(8, 2, { kdim: 5, vdim: 3, addBiasKV: true, bias: false });
    expect(Object.keys(separate.stateDict())).toEqual([
      'q_proj_weight',
      'k_proj_weight',
      'v_proj_weight',
      'bias_k',
      'bias_v',
      'out_proj.weight',
    ]);
    expect(separate.k_proj_weight!.shape).toEqual([8, 5]);
    expect(separate.v_proj_weight!.shape).toEqual([8, 3]);
    expect(separate.bias_k!.shape).toEqual([1, 1, 8]);
    expect(separate.in_proj_weight).toBe(null);
  });

  it('returns the same output with and without weights (fused and explicit paths), masks included', () => {
    manualSeed(3);
    const mha = new MultiheadAttention(16, 4).eval();
    const x = randn([6, 2, 16]);
    const memory = randn([9, 2, 16]);
    const keyPaddingMask = tensor([
      [false, false, false, false, false, false, false, true, true],
      [false, false, false, false, false, false, false, false, false],
    ]);
    const attnMask = randn([6, 9]);
    const options = { keyPaddingMask, attnMask };
    const [withWeights, weights] = mha.call(x, memory, memory, options);
    const [fused, none] = mha.call(x, memory, memory, { ...options, needWeights: false });
    expect(none).toBe(null);
    expect(maxAbsDiff(withWeights, fused)).toBeLessThan(1e-5);
    expect(weights!.shape).toEqual([2, 6, 9]);
    // averaged weights sum to 1 per query and ignore padded keys
    expect(maxAbsDiff(weights!.sum(-1), ones([2, 6]))).toBeLessThan(1e-5);
    expect(weights!.select(0, 0).narrow(1, 7, 2).abs().sum().item()).toBe(0);
    const [, perHead] = mha.call(x, memory, memory, { ...options, averageAttnWeights: false });
    expect(perHead!.shape).toEqual([2, 4, 6, 9]);
    expect(maxAbsDiff(perHead!.mean(1), weights!)).toBeLessThan(1e-6);
  });

  it('isCausal equals the explicit subsequent mask, alone and with a key padding mask', () => {
    manualSeed(4);
    const mha = new MultiheadAttention(8, 2, { batchFirst: true });
    const x = randn([2, 5, 8]);
    const mask = Transformer.generateSquareSubsequentMask(5);
    const [causal] = mha.call(x, x, x, { isCausal: true, needWeights: false });
    const [explicit] = mha.call(x, x, x, { attnMask: mask });
    expect(maxAbsDiff(causal, explicit)).toBeLessThan(1e-5);
    const keyPaddingMask = tensor([
      [false, false, false, false, true],
      [false, false, false, false, false],
    ]);
    const [a] = mha.call(x, x, x, { isCausal: true, keyPaddingMask });
    const [b] = mha.call(x, x, x, { attnMask: mask, keyPaddingMask });
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-6);
  });

  it('drops attention weights in training only', () => {
    const mha = new MultiheadAttention(8, 2, { dropout: 0.5 });
    const x = randn([4, 3, 8]);
    const [, w1] = mha.call(x, x, x);
    expect((w1!.reshape(-1).tolist() as number[]).some((v) => v === 0)).toBe(true);
    mha.eval();
    const [e1] = mha.call(x, x, x);
    const [e2] = mha.call(x, x, x, { needWeights: false });
    expect(maxAbsDiff(e1, e2)).toBeLessThan(1e-6);
  });

  it('rejects bad input naming the layer, the shapes and the fix', () => {
    expect(() => new MultiheadAttention(10, 3)).toThrow(
      /MultiheadAttention: embedDim 10 must be divisible by numHeads 3/,
    );
    expect(() => new MultiheadAttention(8, 2, { batch_first: true } as never)).toThrow(
      /did you mean 'batchFirst'/,
    );
    const mha = new MultiheadAttention(8, 2);
    const x = randn([4, 2, 8]);
    expect(() => mha.call(randn([4, 2, 6]), x, x)).toThrow(ShapeError);
    expect(() => mha.call(randn([4, 2, 6]), x, x)).toThrow(/query has 6 features but the layer expects 8/);
    expect(() => mha.call(x, randn([5, 3, 8]), randn([5, 3, 8]))).toThrow(/same batch size N/);
    expect(() => mha.call(x, randn([5, 2, 8]), randn([6, 2, 8]))).toThrow(/same sequence length S/);
    expect(() => mha.call(x, x, x, { attnMask: zeros([4, 5]) })).toThrow(
      /2-D attnMask is \[4,5\] but should be \[L, S\] = \[4, 4\]/,
    );
    expect(() => mha.call(x, x, x, { keyPaddingMask: zeros([4, 2], { dtype: 'bool' }) })).toThrow(
      /keyPaddingMask is \[4,2\] but should be \[N, S\] = \[2, 4\]/,
    );
    expect(() => mha.call(x, x, x, { attnMask: zeros([4, 4], { dtype: 'int32' }) })).toThrow(DTypeError);
    expect(() => mha.call(x.double(), x.double(), x.double())).toThrow(
      /query is float64 but the layer's weights are float32/,
    );
    expect(() => mha.call(randn([2, 4, 2, 8]), x, x)).toThrow(
      /expected a batched 3-D \[L, N, E\] or unbatched 2-D/,
    );
  });
});

describe('Transformer layers', () => {
  it("have torch's submodule names and stack copies of one layer", () => {
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    expect(Object.keys(layer.stateDict())).toEqual([
      'self_attn.in_proj_weight',
      'self_attn.in_proj_bias',
      'self_attn.out_proj.weight',
      'self_attn.out_proj.bias',
      'linear1.weight',
      'linear1.bias',
      'linear2.weight',
      'linear2.bias',
      'norm1.weight',
      'norm1.bias',
      'norm2.weight',
      'norm2.bias',
    ]);
    const encoder = new TransformerEncoder(layer, 2, { norm: new LayerNorm(8) });
    const state = encoder.stateDict();
    expect(Object.keys(state).filter((k) => k.startsWith('norm.'))).toEqual(['norm.weight', 'norm.bias']);
    // copies start from the layer's values (torch deep-copies it) but own their parameters
    expect(maxAbsDiff(state['layers.0.linear1.weight']!, layer.linear1.weight)).toBe(0);
    expect(maxAbsDiff(state['layers.1.linear1.weight']!, layer.linear1.weight)).toBe(0);
    expect(encoder.layers.at(0)).not.toBe(layer);
    expect((encoder.layers.at(0) as TransformerEncoderLayer).linear1.weight).not.toBe(
      (encoder.layers.at(1) as TransformerEncoderLayer).linear1.weight,
    );
    const decoder = new TransformerDecoder(new TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }), 3);
    expect(Object.keys(decoder.stateDict())).toContain('layers.2.multihead_attn.in_proj_weight');
    expect(Object.keys(decoder.stateDict())).toContain('layers.2.norm3.bias');
  });

  it('Transformer re-draws every matrix Xavier-uniform and keys it as torch', () => {
    manualSeed(0);
    const model = new Transformer({
      dModel: 16,
      nhead: 4,
      numEncoderLayers: 1,
      numDecoderLayers: 1,
      dimFeedforward: 32,
    });
    const keys = Object.keys(model.stateDict());
    expect(keys).toContain('encoder.layers.0.self_attn.in_proj_weight');
    expect(keys).toContain('encoder.norm.weight');
    expect(keys).toContain('decoder.layers.0.multihead_attn.out_proj.weight');
    expect(keys).toContain('decoder.norm.bias');
    // linear1 [32, 16] would be kaiming (bound 1/4) without the reset; xavier's bound is sqrt(6/48)
    const w = (model.encoder as TransformerEncoder).layers.at(0) as TransformerEncoderLayer;
    expect(w.linear1.weight.abs().max().item()).toBeGreaterThan(0.25);
    expect(w.linear1.weight.abs().max().item()).toBeLessThanOrEqual(Math.sqrt(6 / 48));
  });

  it('generateSquareSubsequentMask is -Infinity above the diagonal, 0 elsewhere', () => {
    const inf = Number.NEGATIVE_INFINITY;
    expect(Transformer.generateSquareSubsequentMask(3).tolist()).toEqual([
      [0, inf, inf],
      [0, 0, inf],
      [0, 0, 0],
    ]);
    expect(Transformer.generateSquareSubsequentMask(2, { dtype: 'float64' }).dtype).toBe('float64');
  });

  it('accept a function or module activation, and isCausal as the subsequent mask', () => {
    manualSeed(1);
    const src = randn([2, 5, 8]);
    const relu = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true }).eval();
    const viaModule = relu.clone();
    viaModule.loadStateDict(relu.stateDict());
    const asModule = new TransformerEncoderLayer(8, 2, {
      dimFeedforward: 16,
      batchFirst: true,
      activation: new ReLU(),
    });
    asModule.loadStateDict(relu.stateDict());
    asModule.eval();
    const asFunction = new TransformerEncoderLayer(8, 2, {
      dimFeedforward: 16,
      batchFirst: true,
      activation: F.relu,
    });
    asFunction.loadStateDict(relu.stateDict());
    asFunction.eval();
    const expected = relu.call(src, { srcMask: Transformer.generateSquareSubsequentMask(5) });
    expect(maxAbsDiff(asModule.call(src, { isCausal: true }), expected)).toBeLessThan(1e-5);
    expect(maxAbsDiff(asFunction.call(src, { isCausal: true }), expected)).toBeLessThan(1e-5);
    expect(() => new TransformerEncoderLayer(8, 2, { activation: 'tanh' as never })).toThrow(
      /TransformerEncoderLayer: activation should be 'relu', 'gelu', a function or a module, not tanh/,
    );
  });

  it('train with dropout end to end (gradients reach every parameter)', () => {
    const model = new Transformer({
      dModel: 8,
      nhead: 2,
      numEncoderLayers: 1,
      numDecoderLayers: 1,
      dimFeedforward: 16,
    });
    const generator = new Generator().manualSeed(2);
    const out = model.call(randn([5, 2, 8], { generator }), randn([4, 2, 8], { generator }), {
      tgtIsCausal: true,
    });
    out.square().mean().backward();
    for (const [name, p] of model.namedParameters()) expect(p.grad, name).not.toBe(null);
  });

  it('reject bad input naming the layer, the shapes and the fix', () => {
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    expect(() => layer.call(randn([5, 2, 6]))).toThrow(
      /TransformerEncoderLayer: expected src \[S, N, E\] \(or unbatched \[S, E\]\) with E = dModel = 8, got \[5,2,6\]/,
    );
    expect(() => layer.call(randn([5, 2, 8]), { src_mask: null } as never)).toThrow(/did you mean 'srcMask'/);
    const model = new Transformer({
      dModel: 8,
      nhead: 2,
      numEncoderLayers: 1,
      numDecoderLayers: 1,
      dimFeedforward: 16,
    });
    expect(() => model.call(randn([5, 2, 8]), randn([4, 3, 8]))).toThrow(
      /the batch number of src and tgt must be equal/,
    );
    expect(() => model.call(randn([5, 2, 8]), randn([4, 2, 6]))).toThrow(/must be equal to dModel 8/);
    expect(() => new TransformerEncoder(new LayerNorm(8) as never, 2)).toThrow(
      /encoderLayer must be a TransformerEncoderLayer/,
    );
    expect(() => new TransformerEncoder(layer, -1)).toThrow(ValueError);
  });
});

describe('F.scaledDotProductAttention with dropout', () => {
  it('drops weights reproducibly from a generator and validates dropoutP', () => {
    const q = randn([2, 5, 4]);
    const run = (p: number) =>
      F.scaledDotProductAttention(q, q, q, { dropoutP: p, generator: new Generator().manualSeed(7) });
    expect(maxAbsDiff(run(0.5), run(0.5))).toBe(0);
    expect(maxAbsDiff(run(0.5), run(0))).toBeGreaterThan(0);
    expect(run(1).abs().sum().item()).toBe(0);
    expect(() => F.scaledDotProductAttention(q, q, randn([2, 4, 4]), { dropoutP: 0.1 })).toThrow(
      /scaledDotProductAttention: expected key \[\.\.\., S, E\] and value \[\.\.\., S, Ev\] with the same S/,
    );
    expect(() => run(1.5)).toThrow(
      /scaledDotProductAttention: dropoutP has to be between 0 and 1, but got 1.5/,
    );
  });
});
