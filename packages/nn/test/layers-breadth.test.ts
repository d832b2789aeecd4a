// The layers and nn.utils reparametrizations of issue 18 against PyTorch 1.13 fixtures
// (tooling/fixtures/cases/nn_layers_breadth.py): forward, input and parameter gradients, buffers, f32 and f64.
import '@nn/autograd';
import {
  AlphaDropout,
  BatchNorm3d,
  ConstantPad1d,
  ConstantPad2d,
  ConstantPad3d,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  CosineSimilarity,
  Embedding,
  EmbeddingBag,
  FeatureAlphaDropout,
  InstanceNorm1d,
  InstanceNorm2d,
  InstanceNorm3d,
  Linear,
  LocalResponseNorm,
  Module,
  PairwiseDistance,
  Parameter,
  ReflectionPad1d,
  ReflectionPad2d,
  ReflectionPad3d,
  ReplicationPad1d,
  ReplicationPad2d,
  ReplicationPad3d,
  utils,
  ZeroPad2d,
} from '@nn/nn';
import { rand, type Tensor, zeros } from '@nn/tensor';
import { assertClose, type FixtureTensor, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { checkLayerCase, decode, type LayerCase, type Run } from './layer-case';

const { cases } = loadFixtures<LayerCase>(new URL('./fixtures/layers-breadth.jsonl', import.meta.url));

/** The parametrizations of the `parametrize_symmetric_scale` case, as the generator defines them. */
class Symmetric extends Module {
  override forward(x: Tensor): Tensor {
    return x.triu().add(x.triu(1).mT);
  }
}

class Scale extends Module {
  gain: Parameter;
  constructor(n: number) {
    super();
    this.gain = new Parameter(rand([n, 1]).add(0.5));
  }
  override forward(x: Tensor): Tensor {
    return x.mul(this.gain);
  }
}

/** The @nn module equivalent to each PyTorch case (float32; `_f64` cases reuse it in float64). */
const builders: Record<string, () => Module> = {
  instance_norm1d: () => new InstanceNorm1d(4),
  instance_norm1d_affine_stats: () => new InstanceNorm1d(4, { affine: true, trackRunningStats: true }),
  instance_norm1d_unbatched: () => new InstanceNorm1d(3, { affine: true }),
  instance_norm2d: () => new InstanceNorm2d(3, { affine: true }),
  instance_norm2d_stats: () => new InstanceNorm2d(3, { momentum: 0.3, trackRunningStats: true }),
  instance_norm3d: () => new InstanceNorm3d(2, { affine: true, trackRunningStats: true }),
  batch_norm3d: () => new BatchNorm3d(3),
  batch_norm3d_cumulative: () => new BatchNorm3d(2, { momentum: null, affine: false }),
  local_response_norm: () => new LocalResponseNorm(3),
  local_response_norm_4d: () => new LocalResponseNorm(4, { alpha: 0.01, beta: 0.5, k: 2 }),
  local_response_norm_5d: () => new LocalResponseNorm(2, { alpha: 0.1 }),
  zero_pad2d: () => new ZeroPad2d([1, 2, 0, 3]),
  zero_pad2d_unbatched: () => new ZeroPad2d(1),
  zero_pad2d_crop: () => new ZeroPad2d([-1, 2, 0, -1]),
  constant_pad1d: () => new ConstantPad1d([2, 1], 3.5),
  constant_pad2d: () => new ConstantPad2d(1, -1),
  constant_pad3d: () => new ConstantPad3d([1, 0, 2, 1, 0, 1], 0.5),
  reflection_pad1d: () => new ReflectionPad1d([2, 1]),
  reflection_pad2d: () => new ReflectionPad2d([1, 2, 2, 0]),
  reflection_pad3d: () => new ReflectionPad3d(1),
  replication_pad1d: () => new ReplicationPad1d(3),
  replication_pad2d: () => new ReplicationPad2d([0, 2, 3, 1]),
  replication_pad3d: () => new ReplicationPad3d([1, 2, 0, 1, 2, 0]),
  embedding_bag_mean_2d: () => new EmbeddingBag(10, 3),
  embedding_bag_sum_offsets: () => new EmbeddingBag(10, 3, { mode: 'sum' }),
  embedding_bag_max_offsets: () => new EmbeddingBag(10, 3, { mode: 'max' }),
  embedding_bag_per_sample_weights: () => new EmbeddingBag(10, 3, { mode: 'sum' }),
  embedding_bag_padding_mean: () => new EmbeddingBag(10, 3, { paddingIdx: 2 }),
  embedding_bag_padding_max_last_offset: () =>
    new EmbeddingBag(10, 3, { mode: 'max', paddingIdx: 4, includeLastOffset: true }),
  embedding_bag_2d_per_sample_weights: () => new EmbeddingBag(10, 3, { mode: 'sum', paddingIdx: -1 }),
  embedding_max_norm: () => new Embedding(10, 3, { maxNorm: 1 }),
  embedding_max_norm_p1_padding: () => new Embedding(10, 4, { paddingIdx: 2, maxNorm: 1.5, normType: 1 }),
  embedding_scale_grad_by_freq: () => new Embedding(10, 3, { paddingIdx: 0, scaleGradByFreq: true }),
  embedding_max_norm_inf_scale_freq: () =>
    new Embedding(8, 3, { maxNorm: 0.8, normType: Infinity, scaleGradByFreq: true }),
  embedding_pretrained_options: () =>
    Embedding.fromPretrained(zeros([6, 3]), {
      freeze: false,
      paddingIdx: 5,
      maxNorm: 1,
      scaleGradByFreq: true,
    }),
  embedding_bag_max_norm_mean: () => new EmbeddingBag(10, 3, { maxNorm: 1 }),
  embedding_bag_scale_freq_sum_padding: () =>
    new EmbeddingBag(10, 3, { mode: 'sum', scaleGradByFreq: true, paddingIdx: 2 }),
  embedding_bag_scale_freq_per_sample_weights: () =>
    new EmbeddingBag(10, 3, { mode: 'sum', scaleGradByFreq: true }),
  embedding_bag_scale_freq_mean_2d_max_norm: () =>
    new EmbeddingBag(10, 3, { maxNorm: 1, scaleGradByFreq: true }),
  embedding_bag_max_norm_max_p3: () => new EmbeddingBag(10, 3, { mode: 'max', maxNorm: 1.2, normType: 3 }),
  embedding_bag_pretrained_options: () =>
    EmbeddingBag.fromPretrained(zeros([6, 3]), {
      freeze: false,
      mode: 'sum',
      maxNorm: 1,
      scaleGradByFreq: true,
      includeLastOffset: true,
    }),
  cosine_similarity: () => new CosineSimilarity(),
  cosine_similarity_eps: () => new CosineSimilarity({ dim: -1, eps: 0.5 }),
  cosine_similarity_broadcast: () => new CosineSimilarity({ dim: 0 }),
  pairwise_distance: () => new PairwiseDistance(),
  pairwise_distance_p1_keepdim: () => new PairwiseDistance({ p: 1, eps: 1e-3, keepdim: true }),
  pairwise_distance_p3: () => new PairwiseDistance({ p: 3 }),
  pairwise_distance_inf: () => new PairwiseDistance({ p: Infinity }),
  alpha_dropout_eval: () => new AlphaDropout(0.3),
  feature_alpha_dropout_eval: () => new FeatureAlphaDropout(0.3),
  weight_norm_linear: () => utils.weightNorm(new Linear(5, 3)),
  weight_norm_conv_dim1: () => utils.weightNorm(new Conv1d(2, 3, 3), { dim: 1 }),
  weight_norm_whole: () => utils.weightNorm(new Linear(4, 3), { dim: null }),
  spectral_norm_linear: () => utils.spectralNorm(new Linear(5, 4)),
  spectral_norm_conv_iters: () => utils.spectralNorm(new Conv2d(2, 3, 3), { nPowerIterations: 3 }),
  spectral_norm_conv_transpose: () => utils.spectralNorm(new ConvTranspose2d(3, 2, 2)),
  parametrize_symmetric_scale: () => {
    const m = new Linear(4, 4);
    utils.parametrize.registerParametrization(m, 'weight', new Symmetric());
    return utils.parametrize.registerParametrization(m, 'weight', new Scale(4));
  },
  prune_l1: () => utils.prune.l1Unstructured(new Linear(5, 3), 'weight', 0.4),
  prune_l1_bias_count: () => utils.prune.l1Unstructured(new Linear(5, 3), 'bias', 2),
};

function check(name: string, mode: 'train' | 'eval', c: LayerCase, want: Run): void {
  const f64 = name.endsWith('_f64');
  const layer = builders[f64 ? name.slice(0, -4) : name]!();
  checkLayerCase(f64 ? layer.double() : layer, name, mode, c, want);
}

/** Cases of the file that are not layer runs (masks, printed reprs): tested below and in layers-breadth-api. */
const NOT_LAYER_CASES = ['prune_l1_masks', 'reprs'];

describe('issue-18 layers and reparametrizations match PyTorch 1.13 (f32 and f64)', () => {
  for (const [name, c] of Object.entries(cases)) {
    if (NOT_LAYER_CASES.includes(name)) continue;
    for (const mode of ['train', 'eval'] as const) {
      const want = c[mode];
      if (want) it(`${name} (${mode})`, () => check(name, mode, c, want));
    }
  }

  it('every fixture case has a builder', () => {
    const names = Object.keys(cases).filter((n) => !NOT_LAYER_CASES.includes(n));
    expect(names.filter((n) => !builders[n.replace(/_f64$/, '')])).toEqual([]);
  });
});

describe('prune.l1Unstructured masks', () => {
  const c = cases.prune_l1_masks as unknown as Record<
    'weight' | 'first' | 'second' | 'halfWeight' | 'halfMask',
    FixtureTensor
  >;
  it('match torch for a fraction, then a count among the kept entries, and round half to even', () => {
    const plain = new Linear(6, 5);
    plain.loadStateDict({ weight: decode(c.weight), bias: plain.bias!.detach() });
    const layer = utils.prune.l1Unstructured(plain, 'weight', 0.3);
    assertClose(layer.weight_mask, c.first, { rtol: 0, atol: 0 }, 'first mask');
    utils.prune.l1Unstructured(layer, 'weight', 4);
    assertClose(layer.weight_mask, c.second, { rtol: 0, atol: 0 }, 'second mask');
    const halfLayer = new Linear(5, 1);
    halfLayer.loadStateDict({ weight: decode(c.halfWeight), bias: halfLayer.bias!.detach() });
    const half = utils.prune.l1Unstructured(halfLayer, 'weight', 0.5);
    assertClose(half.weight_mask, c.halfMask, { rtol: 0, atol: 0 }, 'half mask');
  });
});
