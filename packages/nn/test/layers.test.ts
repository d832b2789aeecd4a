import '@nn/autograd';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Bilinear,
  CELU,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  Dropout,
  Dropout2d,
  ELU,
  Embedding,
  Flatten,
  GELU,
  GLU,
  GroupNorm,
  Hardshrink,
  Hardsigmoid,
  Hardswish,
  Hardtanh,
  Identity,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSigmoid,
  LogSoftmax,
  MaxPool2d,
  Mish,
  type Module,
  PReLU,
  ReLU,
  ReLU6,
  RReLU,
  SELU,
  Sigmoid,
  SiLU,
  Softmax,
  Softmax2d,
  Softmin,
  Softplus,
  Softshrink,
  Softsign,
  Tanh,
  Tanhshrink,
  Threshold,
  Unflatten,
} from '@nn/nn';
import { ones } from '@nn/tensor';
import { loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { checkLayerCase, type LayerCase } from './layer-case';

const { cases } = loadFixtures<LayerCase>(new URL('./fixtures/layers.jsonl', import.meta.url));

/** The @nn layer equivalent to each PyTorch case of tooling/fixtures/cases/nn_layers.py. */
const builders: Record<string, () => Module> = {
  linear: () => new Linear(5, 3),
  linear_nobias_3d: () => new Linear(5, 3, { bias: false }),
  bilinear: () => new Bilinear(4, 3, 2),
  identity: () => new Identity(),
  flatten: () => new Flatten(),
  unflatten: () => new Unflatten(1, [2, 3]),
  conv1d: () => new Conv1d(3, 4, 3, { stride: 2, padding: 1 }),
  conv2d: () => new Conv2d(3, 4, 3, { padding: 1 }),
  conv2d_groups: () => new Conv2d(4, 6, [3, 2], { stride: [2, 1], dilation: [1, 2], groups: 2, bias: false }),
  conv2d_same: () => new Conv2d(2, 3, 4, { padding: 'same', dilation: 2 }),
  conv_transpose2d: () => new ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }),
  max_pool2d: () => new MaxPool2d(2),
  max_pool2d_ceil: () => new MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
  avg_pool2d: () => new AvgPool2d(3, { stride: 2, padding: 1 }),
  avg_pool2d_exclude_pad: () => new AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }),
  adaptive_avg_pool2d: () => new AdaptiveAvgPool2d([2, 3]),
  batch_norm1d: () => new BatchNorm1d(4),
  batch_norm1d_3d: () => new BatchNorm1d(4),
  batch_norm1d_cumulative: () => new BatchNorm1d(4, { momentum: null }),
  batch_norm1d_no_stats: () => new BatchNorm1d(4, { trackRunningStats: false, affine: false }),
  batch_norm2d: () => new BatchNorm2d(3, { momentum: 0.3 }),
  layer_norm: () => new LayerNorm([3, 4]),
  group_norm: () => new GroupNorm(2, 4),
  embedding: () => new Embedding(10, 3, { paddingIdx: 1 }),
  dropout_eval: () => new Dropout(0.3),
  relu: () => new ReLU(),
  leaky_relu: () => new LeakyReLU(0.2),
  prelu: () => new PReLU(3),
  prelu_shared: () => new PReLU(),
  elu: () => new ELU(0.7),
  selu: () => new SELU(),
  gelu: () => new GELU(),
  gelu_tanh: () => new GELU({ approximate: 'tanh' }),
  silu: () => new SiLU(),
  mish: () => new Mish(),
  sigmoid: () => new Sigmoid(),
  tanh: () => new Tanh(),
  hardtanh: () => new Hardtanh(-0.5, 0.8),
  softplus: () => new Softplus({ beta: 2, threshold: 5 }),
  softmax: () => new Softmax(1),
  log_softmax: () => new LogSoftmax(-1),
  conv1d_reflect: () => new Conv1d(2, 3, 3, { padding: 2, paddingMode: 'reflect' }),
  conv1d_replicate: () => new Conv1d(2, 3, 3, { stride: 2, padding: 1, paddingMode: 'replicate' }),
  conv1d_circular_same: () => new Conv1d(2, 3, 4, { padding: 'same', paddingMode: 'circular' }),
  conv2d_reflect: () => new Conv2d(2, 3, 3, { padding: [1, 2], paddingMode: 'reflect' }),
  conv2d_replicate_same: () =>
    new Conv2d(2, 3, [2, 4], { padding: 'same', dilation: [2, 1], paddingMode: 'replicate' }),
  conv2d_circular: () =>
    new Conv2d(4, 6, 3, { stride: [1, 2], padding: [2, 1], groups: 2, paddingMode: 'circular' }),
  conv2d_circular_same: () => new Conv2d(2, 3, [2, 4], { padding: 'same', paddingMode: 'circular' }),
  ...withF64({
    relu6: () => new ReLU6(),
    hardswish: () => new Hardswish(),
    hardsigmoid: () => new Hardsigmoid(),
    threshold: () => new Threshold(0.1, 20),
    celu: () => new CELU(0.7),
    rrelu_eval: () => new RReLU(0.1, 0.3),
    hardshrink: () => new Hardshrink(0.3),
    softshrink: () => new Softshrink(0.3),
    log_sigmoid: () => new LogSigmoid(),
    softsign: () => new Softsign(),
    tanhshrink: () => new Tanhshrink(),
    glu: () => new GLU(1),
    glu_last: () => new GLU(),
    softmin: () => new Softmin(1),
    softmax2d: () => new Softmax2d(),
    softmax2d_3d: () => new Softmax2d(),
    silu_act: () => new SiLU(),
    mish_act: () => new Mish(),
  }),
};

/** Each builder under its name and under `<name>_f64` (the same layer, float64 fixtures). */
function withF64(table: Record<string, () => Module>): Record<string, () => Module> {
  return Object.fromEntries(
    Object.entries(table).flatMap(([name, build]) => [
      [name, build],
      [`${name}_f64`, build],
    ]),
  );
}

describe('layers match PyTorch (forward, input and parameter gradients, buffers)', () => {
  for (const [name, c] of Object.entries(cases)) {
    for (const mode of ['train', 'eval'] as const) {
      const want = c[mode];
      if (want) it(`${name} (${mode})`, () => checkLayerCase(builders[name]!(), name, mode, c, want));
    }
  }
});

describe('convolution padding modes', () => {
  it('shows a non-zeros padding_mode in the repr, as PyTorch', () => {
    expect(String(new Conv2d(2, 3, 3, { padding: [1, 2], paddingMode: 'circular' }))).toBe(
      'Conv2d(2, 3, kernel_size=(3, 3), stride=(1, 1), padding=(1, 2), padding_mode=circular)',
    );
    expect(String(new Conv1d(2, 3, 4, { padding: 'same', paddingMode: 'reflect' }))).toBe(
      'Conv1d(2, 3, kernel_size=(4,), stride=(1,), padding=same, padding_mode=reflect)',
    );
    expect(new Conv1d(2, 3, 3).paddingMode).toBe('zeros');
    expect(String(new Conv1d(2, 3, 3))).toBe('Conv1d(2, 3, kernel_size=(3,), stride=(1,))');
  });

  it('rejects unknown modes, non-zeros modes on ConvTranspose2d, and pads that wrap twice', () => {
    expect(() => new Conv2d(2, 3, 3, { paddingMode: 'wrap' as never })).toThrow(
      "Conv2d: padding_mode must be one of 'zeros', 'reflect', 'replicate', 'circular', but got padding_mode='wrap'",
    );
    expect(() => new ConvTranspose2d(2, 3, 3, { paddingMode: 'circular' as never })).toThrow(
      'ConvTranspose2d: Only "zeros" padding mode is supported for ConvTranspose2d',
    );
    const conv = new Conv1d(2, 3, 3, { padding: 4, paddingMode: 'circular' });
    expect(() => conv.call(ones([1, 2, 3]))).toThrow(/circular padding would wrap around more than once/);
  });
});

describe('dropout', () => {
  it('zeroes about p of the elements in training and scales the rest by 1 / (1 - p)', () => {
    const x = ones([200, 50]);
    const y = new Dropout(0.3).call(x).dataSync();
    const kept = y.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
    expect(Math.abs(1 - kept.length / y.length - 0.3)).toBeLessThan(0.02);
  });

  it('Dropout2d drops whole channels', () => {
    const y = new Dropout2d(0.5).call(ones([4, 8, 3, 3]));
    const planes = y.reshape([32, 9]).dataSync();
    for (let p = 0; p < 32; p++) {
      const plane = planes.slice(p * 9, p * 9 + 9);
      expect(plane.every((v) => v === plane[0])).toBe(true);
    }
  });

  it('is the identity in eval mode and rejects bad p', () => {
    const x = ones([3]);
    expect(new Dropout(0.9).eval().call(x)).toBe(x);
    expect(() => new Dropout(1.5)).toThrow(/between 0 and 1, but got 1.5/);
  });
});
