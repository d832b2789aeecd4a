import { describe, expect, it } from 'vitest';
import { crossEntropyLoss, DTypeError, IndexError, runKernel, ShapeError, tensor, ValueError } from '../src';

// Reference values from torch 1.13: F.cross_entropy(x, t, reduction='none', ignore_index=...) and
// x.grad after l.backward(gradLoss).
const logits = tensor(
  [
    [1.5, -0.5, 2.0, 0.25],
    [1e4, -1e4, 0, 3],
    [-2, -1, 0.5, 0.5],
    [0.1, 0.2, 0.3, 0.4],
  ],
  { dtype: 'float64' },
);
const target = tensor([2, 0, -100, 3], { dtype: 'int32' });
const gradLoss = tensor([1, 2, 3, -0.5], { dtype: 'float64' });

function expectClose(actual: number[], expected: number[], tolerance = 1e-12): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => {
    expect(Math.abs(v - expected[i]!), `element ${i}`).toBeLessThan(tolerance);
  });
}

describe('crossEntropyLoss matches PyTorch', () => {
  it('per-sample losses, stable for logits of 1e4, 0 at the default ignoreIndex', () => {
    const loss = crossEntropyLoss(logits, target);
    expect([loss.shape, loss.dtype]).toEqual([[4], 'float64']);
    expectClose([...loss.dataSync()], [0.621860395306458, 0, 0, 1.2425355294551628]);
  });

  it('float32 logits, an ignored class inside [0, C), a transposed view', () => {
    const x = logits.t().contiguous().t().float();
    const loss = crossEntropyLoss(x, tensor([1, 1, 0, 1], { dtype: 'int32' }), { ignoreIndex: 1 });
    expect(loss.dtype).toBe('float32');
    expectClose([...loss.dataSync()], [0, 0, 3.335174016462071, 0], 1e-6);
  });

  it('the backward kernel gives gradLoss * (softmax - onehot), zero rows where ignored', () => {
    const grad = runKernel('crossEntropyLossBackward', [gradLoss, logits, target], { ignoreIndex: -100 });
    expect(grad.shape).toEqual([4, 4]);
    expectClose(
      [...grad.dataSync()],
      [
        [0.32567334951326105, 0.04407509499899354, -0.46305542135732924, 0.09330697684507454],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
        [-0.1069191101829922, -0.11816389116076884, -0.13059129607753778, 0.35567429742129886],
      ].flat(),
    );
  });

  it('handles an empty batch', () => {
    expect(crossEntropyLoss(tensor([[], []]).reshape([0, 3]), tensor([], { dtype: 'int32' })).shape).toEqual([
      0,
    ]);
  });
});

describe('crossEntropyLoss errors', () => {
  it('refuses out-of-range targets, naming the value and the class count', () => {
    const bad = tensor([2, 4, 0, 1], { dtype: 'int32' });
    expect(() => crossEntropyLoss(logits, bad)).toThrow(IndexError);
    expect(() => crossEntropyLoss(logits, bad)).toThrow(
      'crossEntropyLoss: target 4 is out of bounds for 4 classes',
    );
    expect(() =>
      runKernel('crossEntropyLossBackward', [gradLoss, logits, bad.neg()], { ignoreIndex: -100 }),
    ).toThrow('crossEntropyLossBackward: target -2 is out of bounds for 4 classes');
  });

  it('refuses bad dtypes, shapes and ignoreIndex', () => {
    expect(() => crossEntropyLoss(target, target)).toThrow(DTypeError);
    expect(() => crossEntropyLoss(logits, logits.select(1, 0))).toThrow(
      'crossEntropyLoss: expected int64 or int32 class indices as target, got logits float64 [4,4], target float64 [4]',
    );
    expect(() => crossEntropyLoss(logits.reshape([2, 2, 4]), target)).toThrow(ShapeError);
    expect(() => crossEntropyLoss(logits, target.narrow(0, 0, 3))).toThrow(
      'crossEntropyLoss: expected logits [N, C] and target [N], got logits float64 [4,4], target int32 [3]',
    );
    expect(() => crossEntropyLoss(logits, target, { ignoreIndex: 0.5 })).toThrow(ValueError);
  });
});
