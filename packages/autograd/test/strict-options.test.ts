import { backward, grad, gradcheck } from '@nn/autograd';
import { tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';

const x = () => tensor([1.5, 2], { requiresGrad: true });

describe('autograd rejects unknown options', () => {
  it("backward options are checked; an options object may take the gradient's place", () => {
    const w = x();
    expect(() =>
      w
        .mul(w)
        .sum()
        .backward({ inptus: [w] } as never),
    ).toThrow("backward: unknown option 'inptus'; did you mean 'inputs'?");
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
