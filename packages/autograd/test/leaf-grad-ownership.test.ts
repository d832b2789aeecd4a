import { profile, randn, type Tensor, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import '@nn/autograd';

// A leaf's first gradient is the tensor the backward pass made when nothing else can see it (PyTorch's
// AccumulateGrad steals it), and a copy whenever something else can.

const clones = (fn: () => void) => profile(fn).ops.find((o) => o.op === 'clone')?.count ?? 0;

describe("a leaf's first gradient", () => {
  it('is the fresh gradient itself, without a copy', () => {
    const x = randn([16, 8]);
    const w = randn([8, 4], { requiresGrad: true });
    const b = randn([4], { requiresGrad: true });
    expect(clones(() => x.matmul(w).add(b).relu().sum().backward())).toBe(0);
    expect(w.grad!.shape).toEqual([8, 4]);
    expect(b.grad!.shape).toEqual([4]);
  });

  it("is the fresh gradient itself through a view (a linear layer's W.t())", () => {
    const x = randn([16, 8]);
    const w = randn([4, 8], { requiresGrad: true });
    expect(clones(() => x.matmul(w.t()).relu().sum().backward())).toBe(0);
    expect(w.grad!.shape).toEqual([4, 8]);
    expect(w.grad!.isContiguous()).toBe(true);
  });

  it('is a copy when a node passes one gradient on to a leaf and to another node', () => {
    const a = randn([5], { requiresGrad: true });
    const h = a.mul(3); // add hands the same gradient to `a` and to h's node, which runs after
    a.add(h)
      .mul(tensor([1, 2, 3, 4, 5]))
      .sum()
      .backward();
    expect([...(a.grad as Tensor).dataSync()]).toEqual([4, 8, 12, 16, 20]);
  });

  it('is a copy when the same gradient reaches two leaves, so they never alias', () => {
    const a = randn([5], { requiresGrad: true });
    const b = randn([5], { requiresGrad: true });
    const c = tensor([1, 2, 3, 4, 5]);
    // add's backward hands mul's fresh gradient to both leaves.
    a.add(b).mul(c).sum().backward();
    const before = [...(b.grad as Tensor).dataSync()];
    (a.grad as Tensor).add_(100);
    expect([...(b.grad as Tensor).dataSync()]).toEqual(before);
    expect(before).toEqual([1, 2, 3, 4, 5]);
  });

  it('is a copy of the seed gradient a user passed in, which stays theirs', () => {
    const a = randn([3], { requiresGrad: true });
    const seed = tensor([1, 2, 3]);
    a.backward(seed);
    (a.grad as Tensor).add_(1);
    expect([...seed.dataSync()]).toEqual([1, 2, 3]);
  });

  it('is a copy when a hook in the graph could have kept it', () => {
    const a = randn([4], { requiresGrad: true });
    const kept: Tensor[] = [];
    a.registerHook((g) => {
      kept.push(g);
      return undefined;
    });
    a.mul(tensor([1, 2, 3, 4]))
      .sum()
      .backward();
    const seen = [...kept[0]!.dataSync()];
    (a.grad as Tensor).add_(5);
    expect([...kept[0]!.dataSync()]).toEqual(seen);
  });

  it('later gradients still accumulate in place into it', () => {
    const x = randn([6, 3]);
    const w = randn([3, 2], { requiresGrad: true });
    x.matmul(w).sum().backward();
    const first = w.grad as Tensor;
    const once = [...first.dataSync()];
    x.matmul(w).sum().backward();
    expect(w.grad).toBe(first);
    expect([...first.dataSync()]).toEqual(once.map((v) => Math.fround(v + v)));
  });
});
