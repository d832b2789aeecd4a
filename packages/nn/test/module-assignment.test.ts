import { BatchNorm1d, Linear, Module, Parameter, ReLU, Sequential } from '@nn/nn';
import { ones, type Tensor, tensor, ValueError, zeros } from '@nn/tensor';
import { describe, expect, it } from 'vitest';

/** A module whose fields are declared the usual way: a parameter, a buffer, a child and a private field. */
class Scaler extends Module {
  gain = new Parameter(ones([2]));
  inner = new ReLU();
  #calls = 0;

  constructor() {
    super();
    this.registerBuffer('count', zeros([]));
  }

  override forward(x: Tensor): Tensor {
    this.#calls++;
    return this.inner.call(x).mul(this.gain);
  }

  get calls(): number {
    return this.#calls;
  }
}

type Fields = Record<string, unknown>;

describe('Module field assignment (torch.nn.Module.__setattr__)', () => {
  it('refuses a plain tensor or a number over a registered parameter, naming the key and the fix', () => {
    const fc = new Linear(2, 2);
    expect(() => {
      (fc as unknown as Fields).weight = ones([2, 2]);
    }).toThrow(ValueError);
    expect(() => {
      (fc as unknown as Fields).weight = ones([2, 2]);
    }).toThrow(
      /Linear\.weight: cannot assign Tensor \(float32\) as parameter 'weight' \(Parameter or null expected\).*new Parameter/,
    );
    expect(() => {
      (fc as unknown as Fields).bias = 3;
    }).toThrow(/cannot assign number as parameter 'bias'/);
    expect(Object.keys(fc.stateDict())).toEqual(['weight', 'bias']);
  });

  it('takes a new Parameter over a parameter, and null removes it from parameters() and stateDict()', () => {
    const fc = new Linear(2, 2);
    const weight = new Parameter(zeros([2, 2]));
    fc.weight = weight;
    expect(fc.parameters()[0]).toBe(weight);
    (fc as unknown as Fields).bias = null;
    expect(Object.keys(fc.stateDict())).toEqual(['weight']);
    // as torch's None, the name stays a parameter slot: a plain tensor is still refused
    expect(() => {
      (fc as unknown as Fields).bias = zeros([2]);
    }).toThrow(/parameter 'bias'/);
    fc.bias = new Parameter(zeros([2]));
    expect(Object.keys(fc.stateDict())).toEqual(['weight', 'bias']);
  });

  it('delete unregisters the name, after which it is an ordinary field', () => {
    const fc = new Linear(2, 2);
    delete (fc as unknown as Fields).bias;
    (fc as unknown as Fields).bias = zeros([2]);
    expect(fc.namedParameters().map(([n]) => n)).toEqual(['weight']);
    expect(Object.keys(fc.stateDict())).toEqual(['weight']);
  });

  it('refuses a number over a buffer, takes a tensor, and null drops it from stateDict()', () => {
    const bn = new BatchNorm1d(2);
    const fields = bn as unknown as Fields;
    expect(() => {
      fields.running_mean = 0;
    }).toThrow(
      /BatchNorm1d\.running_mean: cannot assign number as buffer 'running_mean' \(Tensor or null expected\).*tensor\(0\)/,
    );
    fields.running_mean = tensor([1, 2], { dtype: 'float32' });
    expect([...bn.stateDict().running_mean!.dataSync()]).toEqual([1, 2]);
    fields.running_mean = null;
    expect(Object.keys(bn.stateDict())).not.toContain('running_mean');
    expect(Object.keys(bn.stateDict())).toContain('running_var');
  });

  it('refuses a non-module over a child module; a module or null is fine', () => {
    const model = new Scaler();
    const fields = model as unknown as Fields;
    expect(() => {
      fields.inner = 'relu';
    }).toThrow(/Scaler\.inner: cannot assign string as child module 'inner' \(Module or null expected\)/);
    fields.inner = new Sequential(new ReLU());
    expect(model.namedModules().map(([n]) => n)).toEqual(['', 'inner', 'inner.0']);
  });

  it('checks class-field initializers too, and subclasses keep their private fields', () => {
    class Broken extends Scaler {
      constructor() {
        super();
        (this as unknown as Fields).gain = ones([2]);
      }
    }
    expect(() => new Broken()).toThrow(/Broken\.gain: cannot assign Tensor/);
    const model = new Scaler();
    expect(model.namedParameters().map(([n]) => n)).toEqual(['gain']);
    expect(Object.keys(model.stateDict())).toEqual(['gain', 'count']);
    model.call(ones([2]));
    expect(model.calls).toBe(1);
  });

  it('a Parameter assigned over a buffer turns it into a parameter', () => {
    const model = new Scaler();
    (model as unknown as Fields).count = new Parameter(zeros([]));
    expect(model.namedParameters().map(([n]) => n)).toEqual(['gain', 'count']);
    expect(model.namedBuffers()).toEqual([]);
  });

  it('registerBuffer refuses a name that is a parameter', () => {
    const fc = new Linear(2, 2);
    expect(() => fc.registerBuffer('bias', zeros([2]))).toThrow(
      /registerBuffer: "bias" is already a parameter/,
    );
  });
});
