import { backward, grad, gradcheck } from '@nn/autograd';
import { tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';

const x = () => tensor([1.5, 2], { requiresGrad: true });

describe('autograd rejects unknown options', () => {
  it('backward({ inputs }) is an error, not a silently full backward', () => {
    const w = x();
    expect(() =>
      w
        .mul(w)
        .sum()
        .backward({ inputs: [w] } as never),
    ).toThrow('backward: the gradient must be a Tensor, got an object; options go second');
    expect(() =>
      w
        .mul(w)
        .sum()
        .backward(undefined, { inputs: [w] } as never),
    ).toThrow("backward: unknown option 'inputs'; valid options are { retainGraph, createGraph }");
    expect(() => backward(w.mul(w).sum(), [], { retain_graph: true } as never)).toThrow(
      "backward: unknown option 'retain_graph'; did you mean 'retainGraph'?",
    );
    const y = w.mul(w).sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(w.grad!.tolist()).toEqual([6, 8]);
  });

  it('grad and gradcheck name theirs', () => {
    const w = x();
    expect(() => grad(w.sum(), [w], { create_graph: true } as never)).toThrow(
      "grad: unknown option 'create_graph'; did you mean 'createGraph'?",
    );
    const d = tensor([1.5], { dtype: 'float64', requiresGrad: true });
    expect(() => gradcheck((t) => t.exp(), [d], { tol: 1 } as never)).toThrow(
      "gradcheck: unknown option 'tol'",
    );
  });
});
