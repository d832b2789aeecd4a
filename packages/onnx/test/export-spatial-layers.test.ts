import {
  AdaptiveAvgPool1d,
  AdaptiveMaxPool2d,
  AvgPool1d,
  AvgPool3d,
  Conv3d,
  ConvTranspose1d,
  F,
  Fold,
  LPPool2d,
  MaxPool1d,
  MaxPool3d,
  Module,
  PixelShuffle,
  PixelUnshuffle,
  Unfold,
  Upsample,
} from '@nn/nn';
import { manualSeed, randn, type Tensor } from '@nn/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../src/index';
import { callModel, maxAbsDiff, runOrt } from './ort';

/** A model resizing with `F.interpolate(..., antialias: true)` (nn.Upsample has no antialias option). */
class AntialiasedResize extends Module {
  constructor(private readonly mode: 'bilinear' | 'bicubic') {
    super();
  }
  override forward(x: Tensor): Tensor {
    return F.interpolate(x, { size: [3, 5], mode: this.mode, antialias: true });
  }
}

// These layers are composites of mapped ops (gathers, 2-D convolutions and pools, reshapes), so they export
// as those ops and ONNX Runtime reproduces them.
const exported: [string, () => Module, number[]][] = [
  ['Upsample nearest', () => new Upsample({ scaleFactor: 2 }), [1, 2, 3, 4]],
  [
    'Upsample bilinear',
    () => new Upsample({ size: [5, 7], mode: 'bilinear', alignCorners: true }),
    [1, 2, 3, 4],
  ],
  ['Upsample bicubic', () => new Upsample({ scaleFactor: 1.5, mode: 'bicubic' }), [1, 1, 4, 4]],
  ['antialiased bilinear interpolate', () => new AntialiasedResize('bilinear'), [1, 2, 7, 9]],
  ['antialiased bicubic interpolate', () => new AntialiasedResize('bicubic'), [1, 1, 6, 11]],
  ['Conv3d', () => new Conv3d(2, 3, 3, { padding: 1, stride: [2, 1, 1] }), [1, 2, 4, 5, 5]],
  ['ConvTranspose1d', () => new ConvTranspose1d(2, 3, 3, { stride: 2 }), [1, 2, 5]],
  ['MaxPool1d', () => new MaxPool1d(2), [1, 2, 6]],
  ['AvgPool1d', () => new AvgPool1d(3, { stride: 2, padding: 1 }), [1, 2, 7]],
  ['AdaptiveAvgPool1d', () => new AdaptiveAvgPool1d(3), [1, 2, 6]],
  ['MaxPool3d', () => new MaxPool3d(2), [1, 2, 4, 4, 4]],
  ['AvgPool3d', () => new AvgPool3d(2), [1, 2, 4, 4, 4]],
  ['LPPool2d', () => new LPPool2d(2, 2), [1, 2, 4, 4]],
  ['PixelShuffle', () => new PixelShuffle(2), [1, 8, 3, 3]],
  ['PixelUnshuffle', () => new PixelUnshuffle(2), [1, 2, 4, 6]],
];

describe('exportOnnx of the spatial layers', () => {
  beforeAll(() => manualSeed(0));

  for (const [name, build, shape] of exported) {
    it(`${name} runs in ONNX Runtime as in @nn`, async () => {
      const model = build();
      const x = randn(shape);
      const [got] = await runOrt(exportOnnx(model, [x]), { input: x });
      expect(maxAbsDiff(got!, callModel(model, x))).toBeLessThanOrEqual(1e-5);
    });
  }

  it('fails with the op named for layers whose kernels have no ONNX mapping yet', () => {
    expect(() => exportOnnx(new AdaptiveMaxPool2d(2), [randn([1, 2, 5, 5])])).toThrow(
      /no ONNX mapping for op 'adaptiveMaxPool2d'/,
    );
    expect(() => exportOnnx(new Unfold(2), [randn([1, 2, 4, 4])])).toThrow(/no ONNX mapping for op 'im2col'/);
    expect(() => exportOnnx(new Fold(3, 2), [randn([1, 8, 4])])).toThrow(/no ONNX mapping for op 'col2im'/);
  });
});
