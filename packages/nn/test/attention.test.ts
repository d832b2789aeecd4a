import '@nn/autograd';
import { type Tensor, tensor } from '@nn/tensor';
import { assertClose, type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import {
  F,
  LayerNorm,
  load,
  type Module,
  MultiheadAttention,
  Transformer,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
} from '../src';

// Fixtures: tooling/fixtures/cases/nn_attention.py (PyTorch 1.13). Module cases carry a torch-written
// safetensors checkpoint, which is what the layers load here.

interface SdpaCase {
  inputs: FixtureTensor[];
  mask: FixtureTensor | null;
  options: { isCausal: boolean; scale?: number };
  output: FixtureTensor;
  gradOutput: FixtureTensor;
  inputGrads: FixtureTensor[];
  maskGrad: FixtureTensor | null;
}

interface ModuleCase {
  checkpoint: string;
  keys: string[];
  dtype: 'float32' | 'float64';
  inputs: FixtureTensor[];
  options: Record<string, FixtureTensor | boolean>;
  output: FixtureTensor;
  weights: FixtureTensor | null;
  gradOutput: FixtureTensor;
  gradWeights: FixtureTensor | null;
  inputGrads: FixtureTensor[];
  paramGrads: Record<string, FixtureTensor>;
}

const { cases } = loadFixtures<SdpaCase | ModuleCase>(new URL('./fixtures/attention.jsonl', import.meta.url));

const decode = (t: FixtureTensor, dtype = t.dtype): Tensor =>
  tensor(fixtureArray(t), { dtype: t.dtype }).reshape(t.shape).to(dtype);
const tolerance = (dtype: string) =>
  dtype === 'float64' ? { rtol: 1e-9, atol: 1e-10 } : { rtol: 1e-4, atol: 2e-5 };

describe('F.scaledDotProductAttention matches the explicit softmax in torch 1.13', () => {
  for (const [name, c] of Object.entries(cases)) {
    if (!name.startsWith('sdpa')) continue;
    it(name, () => {
      const sdpa = c as SdpaCase;
      const [q, k, v] = sdpa.inputs.map((t) => decode(t).requiresGrad_()) as [Tensor, Tensor, Tensor];
      const mask = sdpa.mask ? decode(sdpa.mask) : null;
      if (mask?.dtype !== 'bool') mask?.requiresGrad_();
      const out = F.scaledDotProductAttention(q, k, v, { ...sdpa.options, attnMask: mask });
      const tol = tolerance(q.dtype);
      assertClose(out, sdpa.output, tol, `${name} output`);
      out.mul(decode(sdpa.gradOutput)).sum().backward();
      [q, k, v].forEach((t, i) => {
        assertClose(t.grad!, sdpa.inputGrads[i]!, tol, `${name} grad of input ${i}`);
      });
      if (sdpa.maskGrad) assertClose(mask!.grad!, sdpa.maskGrad, tol, `${name} grad of the mask`);
    });
  }
});

/** The @nn module of each module case, and how it is called. */
const builders: Record<string, [() => Module, 'mha' | 'self' | 'one' | 'two']> = {
  mha: [() => new MultiheadAttention(8, 2), 'mha'],
  mha_self_batch_first_no_weights: [() => new MultiheadAttention(8, 2, { batchFirst: true }), 'self'],
  mha_bool_masks_per_head: [() => new MultiheadAttention(8, 2), 'mha'],
  mha_float_mask_3d_f64: [() => new MultiheadAttention(8, 4, { dtype: 'float64' }), 'mha'],
  mha_kdim_vdim_no_bias: [
    () => new MultiheadAttention(8, 4, { bias: false, kdim: 5, vdim: 3, batchFirst: true }),
    'mha',
  ],
  mha_bias_kv_zero_attn: [() => new MultiheadAttention(8, 2, { addBiasKV: true, addZeroAttn: true }), 'mha'],
  mha_unbatched: [() => new MultiheadAttention(8, 2), 'mha'],
  encoder_layer: [() => new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 'one'],
  encoder_layer_gelu_norm_first_f64: [
    () =>
      new TransformerEncoderLayer(8, 2, {
        dimFeedforward: 16,
        activation: 'gelu',
        normFirst: true,
        batchFirst: true,
        layerNormEps: 1e-6,
        dtype: 'float64',
      }),
    'one',
  ],
  decoder_layer: [() => new TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }), 'two'],
  decoder_layer_gelu_norm_first_f64: [
    () =>
      new TransformerDecoderLayer(8, 4, {
        dimFeedforward: 12,
        activation: 'gelu',
        normFirst: true,
        batchFirst: true,
        dtype: 'float64',
      }),
    'two',
  ],
  encoder: [
    () =>
      new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 2, {
        norm: new LayerNorm(8),
      }),
    'one',
  ],
  decoder: [
    () =>
      new TransformerDecoder(new TransformerDecoderLayer(8, 2, { dimFeedforward: 16, normFirst: true }), 2),
    'two',
  ],
  encoder_gelu_norm_first_batch_first_f64: [
    () =>
      new TransformerEncoder(
        new TransformerEncoderLayer(8, 4, {
          dimFeedforward: 12,
          activation: 'gelu',
          normFirst: true,
          batchFirst: true,
          dtype: 'float64',
        }),
        2,
      ),
    'one',
  ],
  decoder_norm_f64: [
    () =>
      new TransformerDecoder(new TransformerDecoderLayer(8, 2, { dimFeedforward: 16, dtype: 'float64' }), 2, {
        norm: new LayerNorm(8, { dtype: 'float64' }),
      }),
    'two',
  ],
  transformer: [
    () =>
      new Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 1, dimFeedforward: 16 }),
    'two',
  ],
  transformer_gelu_batch_first_f64: [
    () =>
      new Transformer({
        dModel: 8,
        nhead: 4,
        numEncoderLayers: 1,
        numDecoderLayers: 2,
        dimFeedforward: 12,
        activation: 'gelu',
        batchFirst: true,
        normFirst: true,
        dtype: 'float64',
      }),
    'two',
  ],
};

function checkModule(name: string, c: ModuleCase): void {
  const [build, kind] = builders[name]!;
  const module = build().eval();
  const checkpoint = load(Uint8Array.from(Buffer.from(c.checkpoint, 'base64')));
  expect(Object.keys(module.stateDict())).toEqual(c.keys);
  module.loadStateDict(checkpoint);
  const inputs = c.inputs.map((t) => decode(t, c.dtype).requiresGrad_());
  const options = Object.fromEntries(
    Object.entries(c.options).map(([k, v]) => [k, typeof v === 'boolean' ? v : decode(v)]),
  );
  const args = kind === 'self' ? [inputs[0], inputs[0], inputs[0]] : inputs;
  const result = module.call(...(args as never[]), options as never) as Tensor | [Tensor, Tensor | null];
  const [out, weights] = Array.isArray(result) ? result : [result, null];
  const tol = tolerance(c.dtype);
  assertClose(out, c.output, tol, `${name} output`);
  expect(weights === null).toBe(c.weights === null);
  if (weights) assertClose(weights, c.weights!, tol, `${name} attention weights`);
  let loss = out.mul(decode(c.gradOutput, c.dtype)).sum();
  if (weights) loss = loss.add(weights.mul(decode(c.gradWeights!, c.dtype)).sum());
  loss.backward();
  inputs.forEach((x, i) => {
    assertClose(x.grad!, c.inputGrads[i]!, tol, `${name} grad of input ${i}`);
  });
  const params = Object.fromEntries(module.namedParameters());
  expect(Object.keys(params)).toEqual(Object.keys(c.paramGrads));
  for (const [k, g] of Object.entries(c.paramGrads))
    assertClose(params[k]!.grad!, g, tol, `${name} grad of ${k}`);
}

describe('attention layers loaded from torch-written safetensors reproduce torch 1.13 (eval, gradients)', () => {
  for (const [name, c] of Object.entries(cases)) {
    if (name.startsWith('sdpa')) continue;
    it(name, () => checkModule(name, c as ModuleCase));
  }
});
