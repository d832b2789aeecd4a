import { DTypeError, IndexError, NNError, ShapeError, tensor, ValueError, zeros } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Embedding, F, Linear, Module, ReLU, Sequential, summary } from '../src';

const int32 = (values: number[] | number[][]) => tensor(values, { dtype: 'int32' });

describe('errors point at what the user called', () => {
  it('an int32 input to Linear names the layer and suggests .float()', () => {
    expect(() => new Linear(3, 2).call(int32([[1, 2, 3]]))).toThrow(DTypeError);
    expect(() => new Linear(3, 2).call(int32([[1, 2, 3]]))).toThrow(
      "Linear: input is int32 but the layer's weight is float32; convert the input with .float()",
    );
  });

  it('float labels to crossEntropy name the dtype, not a size mismatch', () => {
    expect(() => F.crossEntropy(tensor([[1.5, 2, 3]]), tensor([2], { dtype: 'float32' }))).toThrow(
      'crossEntropy: got float32 target [1] for input [1,3]: class indices must be int64 or int32 (convert with .long()), ' +
        "class probabilities must have the input's shape",
    );
  });

  it('out-of-range classes and embedding indices name nllLoss / crossEntropy / Embedding', () => {
    const logp = tensor([[0.1, 0.2, 0.7]]).log();
    expect(() => F.nllLoss(logp, int32([5]))).toThrow(IndexError);
    expect(() => F.nllLoss(logp, int32([5]))).toThrow('nllLoss: target 5 is out of bounds for 3 classes');
    expect(() => F.crossEntropy(logp, int32([3]), { weight: tensor([1, 1, 1.5]) })).toThrow(
      'crossEntropy: target 3 is out of bounds for 3 classes',
    );
    expect(() => F.crossEntropy(logp, int32([-3]))).toThrow(
      'crossEntropy: target -3 is out of bounds for 3 classes',
    );
    expect(() => new Embedding(3, 2).call(int32([1, 5]))).toThrow(
      'embedding: index 5 is out of range for an embedding of 3 rows (indices must be in [0, 3))',
    );
  });

  it('a shape error inside a Sequential or a custom Module names the module path', () => {
    const classifier = new Sequential(new Linear(4, 128), new ReLU(), new Linear(64, 10));
    const x = zeros([2, 4]);
    expect(() => classifier.call(x)).toThrow(ShapeError);
    expect(() => classifier.call(x)).toThrow(
      /\(in 2: Linear\(in_features=64, out_features=10, bias=True\)\)$/,
    );
    class Net extends Module {
      features = new Linear(4, 4);
      classifier = classifier;
      override forward(t: ReturnType<typeof zeros>) {
        return this.classifier.call(this.features.call(t));
      }
    }
    const net = new Net();
    let error: unknown;
    try {
      net.call(x);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NNError);
    expect((error as Error).message).toMatch(
      /^linear: .*\(in classifier\.2: Linear\(in_features=64, out_features=10, bias=True\)\)$/,
    );
    // The message is annotated once, however deep the call stack.
    expect((error as Error).message.match(/\(in /g)).toHaveLength(1);
  });

  it('non-tensor values in loadStateDict are a ValueError naming the key', () => {
    expect(() => new Linear(3, 2).loadStateDict({ weight: [1, 2] as never, bias: zeros([2]) })).toThrow(
      'loadStateDict: state dict entry "weight" is an array, not a Tensor',
    );
    expect(() => new Linear(3, 2).loadStateDict({ weight: zeros([2, 3]), bias: 3 as never })).toThrow(
      ValueError,
    );
  });

  it('zeros([1e6, 1e6]) is our error, not a RangeError', () => {
    expect(() => zeros([1e6, 1e6])).toThrow(ValueError);
    expect(() => zeros([1e6, 1e6])).toThrow(
      'zeros: shape [1000000,1000000] has 1000000000000 elements of float32',
    );
  });
});

describe('summary', () => {
  it('does not change BatchNorm running statistics or the training mode', () => {
    const model = new Sequential(new Linear(3, 4), new BatchNorm1d(4));
    model.call(
      tensor([
        [1.5, 2, 3],
        [4, 5, 6],
      ]),
    );
    const bn = model.at(1) as BatchNorm1d;
    const before = [bn.runningMean!.tolist(), bn.runningVar!.tolist(), bn.numBatchesTracked!.tolist()];
    summary(model, [2, 3]);
    expect([bn.runningMean!.tolist(), bn.runningVar!.tolist(), bn.numBatchesTracked!.tolist()]).toEqual(
      before,
    );
    expect(model.training && bn.training).toBe(true);
  });
});
