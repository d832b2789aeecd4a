import { backward, checkpoint, detectAnomaly, isAnomalyEnabled, setDetectAnomaly } from '@nn/autograd';
import { manualSeed, randLike, randn, type Tensor, tensor } from '@nn/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';

describe('checkpoint recomputes in backward with the same gradients', () => {
  // a block with a parameter used inside (not an argument) and a random dropout-like mask
  const w = randn([8, 8], { dtype: 'float64' });
  let calls = 0;
  const block = (x: Tensor, weight: Tensor, scale: number) => {
    calls++;
    const mask = randLike(x).gt(0.3).to(x.dtype);
    return x.matmul(weight).tanh().mul(mask).mul(scale);
  };

  function grads(useCheckpoint: boolean) {
    manualSeed(5);
    const x = randn([4, 8], { dtype: 'float64' }).requiresGrad_();
    const weight = w.clone().requiresGrad_();
    const h = useCheckpoint ? checkpoint(block, x, weight, 2) : block(x, weight, 2);
    const loss = h.pow(2).sum();
    loss.backward();
    return { x: x.grad!, weight: weight.grad!, loss: loss.item(), next: randn([1]).item() };
  }

  it('matches the gradients of the plain run, parameters included, and replays the random stream', () => {
    const plain = grads(false);
    calls = 0;
    const cp = grads(true);
    expect(calls).toBe(2); // forward, then the recomputation in backward
    expect(cp.loss).toBe(plain.loss);
    expect(cp.x.tolist()).toEqual(plain.x.tolist());
    expect(cp.weight.tolist()).toEqual(plain.weight.tolist());
    expect(cp.next).toBe(plain.next); // the generator continues where the forward left it
  });

  it('keeps no graph inside the segment and works for array outputs', () => {
    const x = randn([3], { dtype: 'float64' }).requiresGrad_();
    const [a, b] = checkpoint((t: Tensor) => [t.exp(), t.sin()], x);
    expect(String(a!.gradFn)).toBe('<CheckpointFunctionBackward>');
    backward([a!.sum(), b!.sum()]);
    expect(x.grad!.tolist()).toEqual(x.exp().add(x.cos()).tolist());
  });

  it('warns, as torch, when no input requires grad (nothing inside would get a gradient)', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const weight = w.clone().requiresGrad_();
    const out = checkpoint((t: Tensor) => t.matmul(weight), randn([2, 8], { dtype: 'float64' }));
    expect(out.requiresGrad).toBe(false);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('checkpoint: none of the inputs requires grad'),
    );
    warn.mockRestore();
  });

  it('rejects a non-function and non-tensor outputs', () => {
    expect(() => checkpoint(3 as never)).toThrow('checkpoint: the first argument must be the function');
    expect(() => checkpoint((() => 3) as never, tensor([1.5], { requiresGrad: true }))).toThrow(
      'checkpoint: the checkpointed function must return a Tensor or an array of Tensors',
    );
  });
});

describe('anomaly detection', () => {
  afterEach(() => setDetectAnomaly(false));

  it('names the backward node that produced NaN and where its forward op was called', () => {
    const x = tensor([0, 4], { dtype: 'float32', requiresGrad: true });
    let message = '';
    detectAnomaly(() => {
      const y = x.sqrt(); // d sqrt at 0 is inf; times 0 gives NaN
      try {
        y.mul(0).sum().backward();
      } catch (error) {
        message = (error as Error).message;
      }
    });
    expect(message).toContain("backward: Function 'SqrtBackward' returned nan values in its 0th output.");
    expect(message).toContain('The forward op was called at:');
    expect(message).toContain('checkpoint-anomaly.test.ts');
    expect(isAnomalyEnabled()).toBe(false);
  });

  it('is off by default (NaN gradients pass), and setDetectAnomaly switches it', async () => {
    const x = tensor([0, 4], { dtype: 'float32', requiresGrad: true });
    x.sqrt().mul(0).sum().backward();
    expect(Number.isNaN((x.grad!.tolist() as number[])[0])).toBe(true);
    setDetectAnomaly(true);
    const y = x.sqrt();
    expect(() => y.mul(0).sum().backward()).toThrow("Function 'SqrtBackward' returned nan values");
    setDetectAnomaly(false);
    await detectAnomaly(async () => {
      expect(isAnomalyEnabled()).toBe(true);
    });
    expect(isAnomalyEnabled()).toBe(false);
    expect(() => setDetectAnomaly('yes' as never)).toThrow('setDetectAnomaly: mode must be true or false');
  });
});
