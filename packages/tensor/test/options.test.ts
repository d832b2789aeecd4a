import { describe, expect, it } from 'vitest';
import { checkOptions, conv2d, type OptionKeys, tensor, ValueError, zeros } from '../src';

interface AdamLike {
  lr?: number;
  weightDecay?: number;
  betas?: [number, number];
}
const KEYS: OptionKeys<AdamLike> = { lr: true, weightDecay: true, betas: true };

describe('checkOptions', () => {
  it('returns the options (or {} for undefined) when every key is known', () => {
    const options = { lr: 0.1, weightDecay: 0 };
    expect(checkOptions('Adam', options, KEYS)).toBe(options);
    expect(checkOptions<AdamLike>('Adam', undefined, KEYS)).toEqual({});
    expect(checkOptions<AdamLike>('Adam', Object.create(null), KEYS)).toEqual({});
  });

  it('names the function, the key and the nearest valid one', () => {
    const wrong = { weight_decay: 0.1 } as AdamLike;
    expect(() => checkOptions('Adam', wrong, KEYS)).toThrow(ValueError);
    expect(() => checkOptions('Adam', wrong, KEYS)).toThrow(
      "Adam: unknown option 'weight_decay'; did you mean 'weightDecay'?",
    );
    expect(() => checkOptions('Adam', { beta: [0.9, 0.99] } as AdamLike, KEYS)).toThrow(
      "did you mean 'betas'?",
    );
    expect(() => checkOptions('Adam', { momentum: 0.9 } as AdamLike, KEYS)).toThrow(
      "Adam: unknown option 'momentum'; valid options are { lr, weightDecay, betas }",
    );
  });

  it('an undefined value counts as absent', () => {
    expect(checkOptions('Adam', { lr: 1, typo: undefined } as AdamLike, KEYS)).toEqual({
      lr: 1,
      typo: undefined,
    });
  });

  it('a boolean, number, array or class instance where an options object is expected is an error', () => {
    expect(() => checkOptions('sum', true as unknown as AdamLike, KEYS)).toThrow(
      'sum: expected an options object { lr, weightDecay, betas }, got boolean true',
    );
    expect(() => checkOptions('sum', 3 as unknown as AdamLike, KEYS)).toThrow('got number 3');
    expect(() => checkOptions('sum', [1] as unknown as AdamLike, KEYS)).toThrow('got an array of length 1');
    expect(() => checkOptions('sum', tensor([1]) as unknown as AdamLike, KEYS)).toThrow('got a Tensor');
    expect(() => checkOptions('sum', null as unknown as AdamLike, KEYS)).toThrow('got null');
  });
});

describe('tensor ops reject unknown options', () => {
  const x = tensor([
    [1, 2],
    [3, 4],
  ]);

  it('a positional keepdim is an error; { keepdim: true } works', () => {
    expect(() => x.sum(1, true as never)).toThrow(
      'sum: expected an options object { keepdim, dtype }, got boolean true',
    );
    expect(x.sum(1, { keepdim: true }).shape).toEqual([2, 1]);
    expect(() => x.float().mean(0, { keep_dim: true } as never)).toThrow(
      "mean: unknown option 'keep_dim'; did you mean 'keepdim'?",
    );
  });

  it('names the op for elementwise, sorting, creation and conv options', () => {
    expect(() => x.add(1, { scale: 2 } as never)).toThrow(
      "add: unknown option 'scale'; valid options are { alpha }",
    );
    expect(() => x.div(2, { rounding_mode: 'floor' } as never)).toThrow("did you mean 'roundingMode'?");
    expect(() => x.sort(0, { reverse: true } as never)).toThrow("sort: unknown option 'reverse'");
    expect(() => tensor([1, 2], { requires_grad: true } as never)).toThrow(
      "tensor: unknown option 'requires_grad'; did you mean 'requiresGrad'?",
    );
    expect(() => zeros([2], { dtpye: 'int32' } as never)).toThrow(
      "zeros: unknown option 'dtpye'; did you mean 'dtype'?",
    );
    expect(() =>
      conv2d(zeros([1, 1, 3, 3]), zeros([1, 1, 2, 2]), undefined, { strides: 2 } as never),
    ).toThrow("conv2d: unknown option 'strides'; did you mean 'stride'?");
  });
});
