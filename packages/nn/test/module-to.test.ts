import '@nn/autograd';
import { BatchNorm1d, Linear, type Module, Parameter, Sequential } from '@nn/nn';
import { Adam, SGD } from '@nn/optim';
import { DTypeError, ones, type Tensor, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';

function squaredOutput(model: Module & { call(x: Tensor): Tensor }, x: Tensor): Tensor {
  return model.call(x).square().sum();
}

describe('Module.to keeps Parameter identity (torch param.data = ...)', () => {
  it('an Adam built before model.double() still updates the model', () => {
    const model = new Linear(3, 2);
    const optimizer = new Adam(model.parameters(), { lr: 0.1 });
    const params = model.parameters();
    const before = model.weight.detach().clone();

    expect(model.double()).toBe(model);
    expect(model.parameters()).toEqual(params);
    expect(model.parameters().every((p, i) => p === params[i])).toBe(true);
    expect(optimizer.paramGroups[0]!.params[0]).toBe(model.weight);
    expect(model.weight.dtype).toBe('float64');
    expect(model.weight.requiresGrad).toBe(true);
    expect(model.weight.isLeaf).toBe(true);

    squaredOutput(model, ones([4, 3], { dtype: 'float64' })).backward();
    optimizer.step();
    expect(model.weight.dtype).toBe('float64');
    const moved = model.weight.sub(before.double()).abs().max().item();
    // Adam's first step moves every weight with a non-zero gradient by about lr
    expect(moved).toBeGreaterThan(0.05);
  });

  it('converts the values, and converts .grad in place too', () => {
    const model = new Linear(2, 2);
    model.weight.grad = tensor([
      [0.5, 2],
      [3, 4],
    ]);
    const grad = model.weight.grad;
    const values = [...model.weight.dataSync()];
    model.double();
    expect([...model.weight.dataSync()]).toEqual(values);
    expect(model.weight.grad).toBe(grad);
    expect(grad.dtype).toBe('float64');
    expect([...grad.dataSync()]).toEqual([0.5, 2, 3, 4]);
    model.float();
    expect(model.weight.dtype).toBe('float32');
    expect(grad.dtype).toBe('float32');
  });

  it('an SGD built before float() -> double() -> float() keeps training the same tensors', () => {
    const model = new Sequential(new Linear(2, 3), new Linear(3, 1));
    const optimizer = new SGD(model.parameters(), { lr: 0.5 });
    const last = model.at(1) as Linear;
    const bias = Number(last.bias!.item());
    model.double().float();
    squaredOutput(model, ones([1, 2])).backward();
    optimizer.step();
    expect(last.bias!.grad).not.toBeNull();
    expect(last.bias!.item()).toBeCloseTo(bias - 0.5 * Number(last.bias!.grad!.item()), 6);
  });

  it('converts a parameter shared by two modules once, keeps frozen ones frozen and leaves buffers replaced', () => {
    const a = new Linear(2, 2);
    const b = new Linear(2, 2);
    b.weight = a.weight;
    const bn = new BatchNorm1d(2);
    bn.weight!.requiresGrad_(false);
    const model = new Sequential(a, b, bn);
    const runningMean = bn.runningMean;
    model.double();
    expect(b.weight).toBe(a.weight);
    expect(a.weight.dtype).toBe('float64');
    expect(bn.weight!.requiresGrad).toBe(false);
    expect(bn.weight!.dtype).toBe('float64');
    // PyTorch replaces buffers (self._buffers[key] = fn(buf)); integer buffers keep their dtype
    expect(bn.runningMean).not.toBe(runningMean);
    expect(bn.runningMean!.dtype).toBe('float64');
    expect(bn.numBatchesTracked!.dtype).toBe('int32');
  });

  it('refuses a non-floating dtype, naming the module', () => {
    const model = new Linear(2, 2);
    expect(() => model.to('int32')).toThrow(DTypeError);
    expect(() => model.to({ dtype: 'bool' })).toThrow(/Linear\.to: .*floating dtypes, got bool/);
    expect(model.weight.dtype).toBe('float32');
  });

  it('returns the same Parameter objects when nothing changes', () => {
    const model = new Linear(2, 2);
    const weight = model.weight;
    const storage = weight.storage;
    model.to({ device: 'cpu', dtype: 'float32' });
    expect(model.weight).toBe(weight);
    expect(model.weight.storage).toBe(storage);
    expect(model.weight).toBeInstanceOf(Parameter);
  });
});
