import '@nn/autograd';
import { gradgradcheck } from '@nn/autograd';
import {
  AdaptiveMaxPool2d,
  AvgPool1d,
  AvgPool3d,
  Conv3d,
  ConvTranspose1d,
  ConvTranspose2d,
  F,
  Fold,
  LPPool1d,
  LPPool2d,
  MaxPool1d,
  MaxPool3d,
  MaxUnpool2d,
  PixelShuffle,
  PixelUnshuffle,
  Unfold,
  Upsample,
  UpsamplingBilinear2d,
} from '@nn/nn';
import { arange, DTypeError, ones, randn, ShapeError, tensor, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';

// Expected values and messages were checked against PyTorch 1.13.
describe('interpolate', () => {
  const x = arange(4).reshape([1, 1, 2, 2]).float();

  it('resizes as PyTorch on a small known case', () => {
    expect(F.interpolate(x, { size: 3, mode: 'bilinear', alignCorners: true }).tolist()).toEqual([
      [
        [
          [0, 0.5, 1],
          [1, 1.5, 2],
          [2, 2.5, 3],
        ],
      ],
    ]);
    expect(F.interpolate(x, { scaleFactor: 2 }).shape).toEqual([1, 1, 4, 4]);
    expect(F.interpolate(arange(3).reshape([1, 1, 3]), { size: 6 }).tolist()).toEqual([[[0, 0, 1, 1, 2, 2]]]);
  });

  it('rejects the combinations PyTorch rejects, naming the fix', () => {
    expect(() => F.interpolate(x, { size: 3, scaleFactor: 2 })).toThrow(
      'interpolate: only one of size or scale_factor should be defined',
    );
    expect(() => F.interpolate(x)).toThrow('either size or scale_factor should be defined');
    expect(() => F.interpolate(x, { size: 3, alignCorners: true })).toThrow(
      'align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear',
    );
    expect(() => F.interpolate(x, { size: 3, mode: 'linear' })).toThrow(ShapeError);
    expect(() => F.interpolate(x, { size: 3, mode: 'trilinear' })).toThrow(
      'Got 4D input [1,1,2,2], but trilinear mode needs 5D input',
    );
    expect(() => F.interpolate(x.flatten(), { size: 3 })).toThrow(
      /Only 3D, 4D and 5D input Tensors supported/,
    );
    expect(() => F.interpolate(x, { size: [3, 3, 3] })).toThrow(
      /must have the same number of spatial dimensions.*\[2,2\] and output size \[3,3,3\]/,
    );
    expect(() => F.interpolate(x, { size: 3, recomputeScaleFactor: true })).toThrow(
      'recompute_scale_factor is not meaningful with an explicit size.',
    );
    expect(() => F.interpolate(x, { scaleFactor: 0.1 })).toThrow(/sizes should be positive integers/);
    expect(() => F.interpolate(x, { size: 2.5 })).toThrow(/sizes should be positive integers.*\[2.5,2.5\]/);
    expect(() => F.interpolate(x, { size: 3, mode: 'cubic' as never })).toThrow(ValueError);
    expect(() => F.interpolate(x.int(), { size: 3, mode: 'bilinear' })).toThrow(DTypeError);
    expect(F.interpolate(x.int(), { size: 3 }).dtype).toBe('int32');
  });

  it('antialiases downscaling as PyTorch: the filter widened by the scale, weights normalised', () => {
    // Halving [0, 1, 2, 3]: the triangle filter stretched to 4 px gives weights (3, 3, 1) / 7 and (1, 3, 3) / 7.
    const row = arange(4).reshape([1, 1, 1, 4]).float();
    const got = F.interpolate(row, { size: [1, 2], mode: 'bilinear', antialias: true });
    const [a, b] = got.squeeze().tolist() as number[];
    expect(a).toBeCloseTo(5 / 7, 6);
    expect(b).toBeCloseTo(16 / 7, 6);
    // antialias: false is the plain mode, which only samples the two middle pixels of each pair.
    expect(
      F.interpolate(row, { size: [1, 2], mode: 'bilinear', antialias: false })
        .squeeze()
        .tolist(),
    ).toEqual([0.5, 2.5]);
  });

  it('antialias passes gradgradcheck (its backward is differentiable too)', () => {
    const img = randn([1, 2, 7, 6], { dtype: 'float64' }).requiresGrad_();
    for (const mode of ['bilinear', 'bicubic'] as const) {
      expect(gradgradcheck((t) => F.interpolate(t, { size: [3, 4], mode, antialias: true }), [img])).toBe(
        true,
      );
    }
  });

  it('rejects antialias outside bilinear and bicubic on 4-D input, as PyTorch', () => {
    const message = /interpolate: Anti-alias option is only supported for bilinear and bicubic modes/;
    expect(() => F.interpolate(x, { size: 1, antialias: true })).toThrow(message);
    expect(() => F.interpolate(x, { size: 1, mode: 'area', antialias: true })).toThrow(ValueError);
    expect(() => F.interpolate(randn([1, 1, 4]), { size: 2, mode: 'linear', antialias: true })).toThrow(
      /mode 'linear' with 3D input \[1,1,4\]/,
    );
    expect(() =>
      F.interpolate(randn([1, 1, 4, 4, 4]), { size: 2, mode: 'bilinear', antialias: true }),
    ).toThrow(message);
    expect(() => F.interpolate(x.int(), { size: 1, mode: 'bicubic', antialias: true })).toThrow(DTypeError);
    // torch.nn.Upsample has no antialias argument either.
    expect(() => new Upsample({ size: 1, mode: 'bilinear', antialias: true } as never)).toThrow(
      /Upsample.*antialias/,
    );
  });

  it('Upsample is strict about options and prints as PyTorch', () => {
    expect(() => new Upsample({ scale: 2 } as never)).toThrow(/Upsample.*scale/);
    expect(String(new Upsample({ scaleFactor: 2, mode: 'bilinear' }))).toBe(
      'Upsample(scale_factor=2.0, mode=bilinear)',
    );
    expect(String(new Upsample({ size: [3, 4] }))).toBe('Upsample(size=(3, 4), mode=nearest)');
    expect(String(new UpsamplingBilinear2d({ scaleFactor: 2 }))).toBe(
      'UpsamplingBilinear2d(scale_factor=2.0, mode=bilinear)',
    );
    expect(() => new UpsamplingBilinear2d({ mode: 'nearest' } as never)).toThrow(
      /UpsamplingBilinear2d.*mode/,
    );
  });
});

describe('Conv3d and ConvTranspose1d', () => {
  it('have PyTorch parameter shapes, stateDict keys and repr', () => {
    const conv = new Conv3d(2, 4, [3, 2, 1], { groups: 2 });
    expect(Object.keys(conv.stateDict())).toEqual(['weight', 'bias']);
    expect(conv.weight.shape).toEqual([4, 1, 3, 2, 1]);
    expect(String(new Conv3d(2, 3, 3))).toBe('Conv3d(2, 3, kernel_size=(3, 3, 3), stride=(1, 1, 1))');
    const up = new ConvTranspose1d(2, 6, 3, { stride: 2, groups: 2, bias: false });
    expect(Object.keys(up.stateDict())).toEqual(['weight']);
    expect(up.weight.shape).toEqual([2, 3, 3]);
    expect(String(new ConvTranspose1d(2, 3, 3, { stride: 2 }))).toBe(
      'ConvTranspose1d(2, 3, kernel_size=(3,), stride=(2,))',
    );
  });

  it('draw PyTorch default init (He uniform with a = sqrt(5): |w| <= 1 / sqrt(fan_in))', () => {
    const conv = new Conv3d(3, 8, 3);
    const bound = 1 / Math.sqrt(3 * 27);
    expect(conv.weight.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(conv.weight.abs().max().item()).toBeGreaterThan(bound * 0.8);
  });

  it('report bad input naming the layer and the shapes', () => {
    expect(() => new Conv3d(2, 3, 3).call(randn([1, 3, 4, 4, 4]))).toThrow(
      /conv3d: .*expected input\[.*\] to have 2 channels/,
    );
    expect(() => new Conv3d(2, 3, 3).call(randn([1, 2, 2, 4, 4]))).toThrow(
      /conv3d: calculated padded input depth 2 is smaller than the dilated kernel depth 3/,
    );
    expect(() => new Conv3d(2, 3, 3).call(randn([2, 4, 4]))).toThrow(/conv3d: expected 4D .* or 5D/);
    expect(() => new ConvTranspose1d(2, 3, 3, { outputPadding: 2, stride: 2 })).toThrow(
      'ConvTranspose1d: output_padding (2,) must be smaller than either stride (2,) or dilation (1,)',
    );
    expect(() => new ConvTranspose1d(2, 3, 3).call(randn([1, 3, 5]))).toThrow(/^convTranspose1d: /);
    expect(() => new Conv3d(2, 3, 3, { stride: 2, padding: 'same' })).toThrow(/not supported for strided/);
    const w = randn([3, 2, 3, 3, 3]);
    expect(() => F.conv3d(randn([1, 2, 4, 4, 4]), w, null, { stride: [1, 0, 1] })).toThrow(
      /conv3d: stride and dilation must be positive/,
    );
    expect(() => F.conv3d(randn([1, 2, 4, 4, 4]), w, null, { padding: [1, 1] as never })).toThrow(
      'conv3d: padding must be a non-negative integer or 3 of them, got 1,1',
    );
  });
});

describe('transposed convolutions with an output size (PyTorch forward(input, output_size))', () => {
  it('pick the output padding that gives the size, and reject sizes out of reach', () => {
    const up = new ConvTranspose1d(2, 3, 3, { stride: 3 });
    const x = randn([1, 2, 4]);
    const sized = up.call(x, [14]);
    expect(sized.shape).toEqual([1, 3, 14]);
    const padded = new ConvTranspose1d(2, 3, 3, { stride: 3, outputPadding: 2 });
    padded.loadStateDict(up.stateDict());
    expect(sized.sub(padded.call(x)).abs().max().item()).toBe(0);
    expect(up.call(x, [1, 3, 12]).shape).toEqual([1, 3, 12]);
    expect(() => up.call(x, [15])).toThrow(
      'ConvTranspose1d: requested an output size of (15,), but valid sizes range from (12,) to (14,) (for an input of (4,))',
    );
    expect(() => up.call(x, [1, 2, 3, 4])).toThrow(
      'for 3D input, output_size must have 1 or 3 elements (got 4)',
    );
    const up2 = new ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1 });
    expect(up2.call(randn([1, 2, 4, 4]), [1, 3, 8, 8]).shape).toEqual([1, 3, 8, 8]);
  });
});

describe('pooling layers', () => {
  it('break ties and NaNs as PyTorch: the first maximum wins', () => {
    const [values, indices] = new MaxPool3d(2, { returnIndices: true }).call(ones([1, 1, 2, 2, 2]));
    expect(values.tolist()).toEqual([[[[[1]]]]]);
    expect(indices.tolist()).toEqual([[[[[0]]]]]);
    const withNaN = tensor([1, Number.NaN, 3, 2], { dtype: 'float32' }).reshape([1, 1, 4]);
    expect(new MaxPool1d(2).call(withNaN).tolist()).toEqual([[[Number.NaN, 3]]]);
    const [, at] = new AdaptiveMaxPool2d(1, { returnIndices: true }).call(
      tensor(
        [
          [
            [
              [2, 5],
              [5, 1],
            ],
          ],
        ],
        { dtype: 'float32' },
      ),
    );
    expect(at.tolist()).toEqual([[[[1]]]]);
  });

  it('name the layer the user called in errors, with the shapes', () => {
    expect(() => new MaxPool1d(5).call(randn([1, 2, 3]))).toThrow(/^maxPool1d: .*too small/);
    expect(() => new MaxPool1d(2).call(randn([1, 2, 3, 4]))).toThrow(
      'maxPool1d: expected 2D (C, L) or 3D (N, C, L) input, got [1,2,3,4]',
    );
    expect(() => new AvgPool3d(2, { padding: 2 }).call(randn([1, 1, 4, 4, 4]))).toThrow(
      /^avgPool3d: pad should be at most half of effective kernel size/,
    );
    expect(() => new AvgPool3d(2, { divisorOverride: 0 }).call(randn([1, 1, 4, 4, 4]))).toThrow(
      'avgPool3d: divisor must be not zero',
    );
    expect(() => new MaxPool3d(2).call(randn([4, 4, 4]))).toThrow(/maxPool3d: expected 4D .* or 5D/);
    expect(() => new AdaptiveMaxPool2d(0).call(randn([1, 2, 4, 4]))).toThrow(
      /adaptiveMaxPool2d: output_size must be positive/,
    );
    expect(() => new LPPool2d(2, 3).call(randn([1, 1, 2, 2]))).toThrow(/^lpPool2d: /);
  });

  it('are strict about options and print as PyTorch', () => {
    expect(() => new MaxPool1d(2, { returnIndex: true } as never)).toThrow(/MaxPool1d.*returnIndex/);
    expect(() => new AvgPool1d(2, { divisorOverride: 2 } as never)).toThrow(/AvgPool1d.*divisorOverride/);
    expect(() => new AdaptiveMaxPool2d(2, { indices: true } as never)).toThrow(/AdaptiveMaxPool2d/);
    expect(() => new LPPool2d(2, 2, { padding: 1 } as never)).toThrow(/LPPool2d.*padding/);
    expect(String(new MaxPool1d(3))).toBe(
      'MaxPool1d(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False)',
    );
    expect(String(new MaxPool3d(2))).toBe(
      'MaxPool3d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)',
    );
    expect(String(new AvgPool1d(3))).toBe('AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))');
    expect(String(new AvgPool3d(2))).toBe('AvgPool3d(kernel_size=2, stride=2, padding=0)');
    expect(String(new AdaptiveMaxPool2d([3, null]))).toBe('AdaptiveMaxPool2d(output_size=(3, None))');
    expect(String(new LPPool2d(2, 3))).toBe(
      'LPPool2d(norm_type=2, kernel_size=3, stride=None, ceil_mode=False)',
    );
    expect(String(new LPPool1d(1.5, 3))).toBe(
      'LPPool1d(norm_type=1.5, kernel_size=3, stride=None, ceil_mode=False)',
    );
    expect(String(new MaxUnpool2d(2))).toBe('MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))');
  });

  it('MaxUnpool2d restores a floored size with outputSize and checks it', () => {
    const x = randn([1, 1, 7, 7]);
    const { values, indices } = F.maxPool2dWithIndices(x, 2);
    const unpool = new MaxUnpool2d(2);
    const restored = unpool.call(values, indices, [7, 7]);
    expect(restored.shape).toEqual([1, 1, 7, 7]);
    // Every pooled maximum is back at its place, zeros elsewhere.
    expect(restored.sum().item()).toBeCloseTo(values.sum().item() as number, 5);
    expect(restored.flatten().gather(0, indices.flatten()).tolist()).toEqual(values.flatten().tolist());
    expect(() => unpool.call(values, indices, [9, 9])).toThrow(
      'maxUnpool2d: invalid output_size [9,9] (dim 0 must be between 4 and 8)',
    );
    expect(() => unpool.call(values, indices.flatten())).toThrow(
      /maxUnpool2d: expected indices of the input's shape/,
    );
  });
});

describe('PixelShuffle, Fold and Unfold', () => {
  it('rearrange as PyTorch and invert each other', () => {
    const x = arange(16).reshape([1, 1, 4, 4]).float();
    const down = new PixelUnshuffle(2).call(x);
    expect(down.shape).toEqual([1, 4, 2, 2]);
    expect(down.select(2, 0).select(2, 0).flatten().tolist()).toEqual([0, 1, 4, 5]);
    expect(new PixelShuffle(2).call(down).tolist()).toEqual(x.tolist());
    // fold(unfold(x)) with non-overlapping blocks is x.
    const blocks = new Unfold(2, { stride: 2 }).call(x);
    expect(blocks.shape).toEqual([1, 4, 4]);
    expect(new Fold(4, 2, { stride: 2 }).call(blocks).tolist()).toEqual(x.tolist());
  });

  it('report bad shapes naming the function and the fix', () => {
    expect(() => new PixelShuffle(2).call(randn([1, 6, 2, 2]))).toThrow(
      /pixelShuffle: .*input.size\(-3\)=6 is not divisible by 4/,
    );
    expect(() => new PixelShuffle(2).call(randn([4, 2]))).toThrow(
      /pixelShuffle: expects input to have at least 3/,
    );
    expect(() => new PixelUnshuffle(2).call(randn([1, 1, 3, 4]))).toThrow(
      /pixelUnshuffle: expects height and width to be divisible by downscale_factor/,
    );
    expect(() => new Fold([5, 5], 2).call(randn([1, 7, 16]))).toThrow(
      "fold: expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=7 and kernel_size=[2,2]",
    );
    expect(() => new Fold([5, 5], 2).call(randn([1, 8, 15]))).toThrow(
      /fold: .*calculated number of sliding blocks 4 \* 4 = 16, but got input.size\(2\)=15/,
    );
    expect(() => new Unfold(5).call(randn([1, 1, 3, 3]))).toThrow(/unfold: .*sliding blocks is \[-1,-1\]/);
    expect(() => new Unfold(2).call(randn([3, 3]))).toThrow(/unfold: expected 3D \(unbatched\) or 4D/);
    expect(() => new Unfold(2, { step: 1 } as never)).toThrow(/Unfold.*step/);
    expect(String(new Fold(4, 2))).toBe(
      'Fold(output_size=4, kernel_size=2, dilation=1, padding=0, stride=1)',
    );
    expect(String(new Unfold([2, 3]))).toBe('Unfold(kernel_size=(2, 3), dilation=1, padding=0, stride=1)');
    expect(String(new PixelShuffle(2))).toBe('PixelShuffle(upscale_factor=2)');
  });
});

describe('second derivatives of the new kernels (double backward)', () => {
  const f64 = (shape: number[]) => randn(shape, { dtype: 'float64' }).requiresGrad_();

  it('unfold, fold and adaptive max pooling pass gradgradcheck', () => {
    // A square makes the map nonlinear, so the second derivative runs through each kernel's backward.
    expect(
      gradgradcheck((x) => F.unfold(x.square(), [2, 3], { padding: 1, stride: [2, 1] }), [f64([1, 2, 4, 5])]),
    ).toBe(true);
    expect(gradgradcheck((x) => F.fold(x.square(), [4, 5], 2, { padding: [1, 0] }), [f64([1, 8, 20])])).toBe(
      true,
    );
    expect(gradgradcheck((x) => F.adaptiveMaxPool2d(x.square(), [2, 3]), [f64([1, 2, 5, 7])])).toBe(true);
  });
});
