import { tensor, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Conv2d, F, Linear, MaxPool2d, save, summary, utils } from '../src';

describe('@nn/nn rejects unknown options', () => {
  it('layers name themselves, the key and the nearest valid one', () => {
    expect(() => new Linear(2, 3, { biass: false } as never)).toThrow(ValueError);
    expect(() => new Linear(2, 3, { biass: false } as never)).toThrow(
      "Linear: unknown option 'biass'; did you mean 'bias'?",
    );
    expect(new Linear(2, 3, { bias: false }).bias).toBe(null);
    expect(() => new Conv2d(1, 1, 3, { padding_mode: 'zeros' } as never)).toThrow(
      "Conv2d: unknown option 'padding_mode'; did you mean 'paddingMode'?",
    );
    expect(() => new BatchNorm1d(4, { track_running_stats: false } as never)).toThrow(
      "did you mean 'trackRunningStats'?",
    );
    expect(() => new MaxPool2d(2, { ceil_mode: true } as never)).toThrow(
      "MaxPool2d: unknown option 'ceil_mode'; did you mean 'ceilMode'?",
    );
  });

  it('functional losses, clipGradNorm_, save and summary name theirs', () => {
    const logits = tensor([[1, 2, 3]]);
    const target = tensor([2], { dtype: 'int32' });
    expect(() => F.crossEntropy(logits, target, { label_smoothing: 0.1 } as never)).toThrow(
      "crossEntropy: unknown option 'label_smoothing'; did you mean 'labelSmoothing'?",
    );
    const w = tensor([3.5, 4], { requiresGrad: true });
    w.mul(w).sum().backward();
    expect(() => utils.clipGradNorm_([w], 1, { max_norm: 1 } as never)).toThrow(
      "clipGradNorm_: unknown option 'max_norm'",
    );
    expect(() => utils.clipGradNorm_([w], { maxNorm: 1 } as never)).toThrow(
      'clipGradNorm_: maxNorm must be a number',
    );
    expect(() => save({ w }, { dtpye: 'float16' } as never)).toThrow("save: unknown option 'dtpye'");
    expect(() => save({ w }, { dtype: 'F16' } as never)).toThrow(
      "save: dtype must be a floating dtype ('float16', 'bfloat16', 'float32' or 'float64'), got F16",
    );
    expect(() => summary(new Linear(2, 3), [1, 2], true as never)).toThrow(
      'summary: expected an options object',
    );
  });
});
