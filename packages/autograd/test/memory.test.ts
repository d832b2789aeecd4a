import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Tensor, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import '@nn/autograd';

// A gc() handle without --expose-gc on the command line.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Lets pending jobs finish (WeakRefs stay alive until then), then collects. */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
  }
}

describe('memory', () => {
  it('after backward, saved intermediates are freed even while the output is alive', async () => {
    const x = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    let hidden: Tensor | undefined = x.exp();
    const saved = new WeakRef(hidden);
    const y = hidden.mul(x).tanh().sum();
    hidden = undefined;
    await collect();
    expect(saved.deref()).toBeDefined();
    y.backward();
    await collect();
    expect(saved.deref()).toBeUndefined();
    expect(x.grad).not.toBe(null);
  });

  it('after dropping the output nothing of the graph stays reachable', async () => {
    const x = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const refs: WeakRef<object>[] = [];
    const finalized: string[] = [];
    const registry = new FinalizationRegistry<string>((name) => finalized.push(name));
    (() => {
      const h = x.mul(2).exp();
      const y = h.slice(0, 1).square().sum();
      for (const t of [h, y]) refs.push(new WeakRef(t));
      refs.push(new WeakRef(y.gradFn as object), new WeakRef(h.gradFn as object));
      registry.register(y.gradFn as object, 'SumBackward');
      y.backward();
    })();
    await collect();
    await collect();
    expect(refs.map((r) => r.deref())).toEqual(refs.map(() => undefined));
    expect(finalized).toEqual(['SumBackward']);
    expect(x.grad).not.toBe(null);
  });

  it('with retainGraph the graph lives as long as the output', async () => {
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    let y: Tensor | undefined = x.exp().sum();
    const node = new WeakRef(y.gradFn as object);
    y.backward(undefined, { retainGraph: true });
    await collect();
    expect(node.deref()).toBeDefined();
    y.backward();
    y = undefined;
    await collect();
    expect(node.deref()).toBeUndefined();
  });
});
