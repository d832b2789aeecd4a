import '@nn/autograd';
import { Linear, Module, ReLU, Sequential } from '@nn/nn';
import { randn, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';

const f64 = { dtype: 'float64' } as const;

describe('registerFullBackwardHook (torch.nn.Module.register_full_backward_hook)', () => {
  it('gets the gradients of the inputs and outputs, and its return value replaces the input gradients', () => {
    const layer = new Linear(3, 2, f64);
    const x = randn([4, 3], f64).requiresGrad_();
    const seen: { gradInput: (Tensor | undefined)[]; gradOutput: (Tensor | undefined)[] }[] = [];
    const handle = layer.registerFullBackwardHook((module, gradInput, gradOutput) => {
      expect(module).toBe(layer);
      seen.push({ gradInput, gradOutput });
      return gradInput.map((g) => g?.mul(2));
    });
    const out = layer.call(x);
    out.pow(2).sum().backward();
    expect(seen).toHaveLength(1);
    const gradOut = out.mul(2).detach();
    expect(seen[0]!.gradOutput[0]!.tolist()).toEqual(gradOut.tolist());
    expect(seen[0]!.gradInput[0]!.tolist()).toEqual(gradOut.matmul(layer.weight.detach()).tolist());
    expect(x.grad!.tolist()).toEqual(gradOut.matmul(layer.weight.detach()).mul(2).tolist()); // replaced
    // the parameters' gradients are not affected by the hook
    expect(layer.weight.grad!.tolist()).toEqual(gradOut.t().matmul(x.detach()).tolist());
    handle.remove();
    x.grad = null;
    layer.call(x).pow(2).sum().backward();
    expect(seen).toHaveLength(1);
    expect(x.grad!.tolist()).toEqual(gradOut.matmul(layer.weight.detach()).tolist());
  });

  it('is called with undefined input gradients when no input requires grad (as torch)', () => {
    const net = new Sequential(new Linear(3, 4, f64), new ReLU(), new Linear(4, 1, f64));
    const calls: [(Tensor | undefined)[], (Tensor | undefined)[]][] = [];
    net.registerFullBackwardHook((_m, gi, go) => {
      calls.push([gi, go]);
    });
    net
      .call(randn([5, 3], f64))
      .sum()
      .backward();
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toEqual([undefined]);
    expect(calls[0]![1][0]!.shape).toEqual([5, 1]);
  });

  it('handles several inputs, non-tensor arguments and array outputs', () => {
    class Mix extends Module {
      override forward(a: Tensor, scale: number, b: Tensor): Tensor[] {
        return [a.mul(scale), a.mul(b)];
      }
    }
    const mix = new Mix();
    const a = randn([3], f64).requiresGrad_();
    const b = randn([3], f64); // needs no grad
    let gradInput: (Tensor | undefined)[] = [];
    let gradOutput: (Tensor | undefined)[] = [];
    mix.registerFullBackwardHook((_m, gi, go) => {
      [gradInput, gradOutput] = [gi, go];
    });
    const [p, q] = mix.call(a, 3, b);
    p!.sum().add(q!.sum()).backward();
    expect(gradInput).toHaveLength(3);
    expect(gradInput[1]).toBeUndefined();
    expect(gradInput[2]).toBeUndefined();
    expect(gradInput[0]!.tolist()).toEqual(b.add(3).tolist());
    expect(gradOutput.map((g) => g!.tolist())).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    mix.registerFullBackwardHook(() => [undefined]);
    expect(() => mix.call(a, 3, b)[0]!.sum().backward()).toThrow(
      'Mix backward hook: Backward hook returned an invalid number of grad_input, got 1, but expected 3',
    );
  });
});
