import { noGrad } from '@nn/autograd';
import { Conv2d, F, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@nn/nn';
import { Adam } from '@nn/optim';
import { add, conv2d, matmul, softmax, type Tensor, tensor } from '@nn/tensor';
import { type Peer, type Prepared, randomArrays } from './workloads';

// @nn's side of each row, written as a user would: modules, F.crossEntropy, Adam, loss.item() per step.
// A single op's result is disposed as soon as it is made, as the tfjs rows dispose theirs (and as PyTorch's
// reference count frees it): the memory goes back to @nn's CPU pool for the next call.

const data = randomArrays(1);
const floats = (values: Float32Array, shape: number[]) => tensor(values).reshape(shape);

const mlp = () =>
  new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 64), new ReLU(), new Linear(64, 10));
const cnn = () =>
  new Sequential(
    new Conv2d(1, 32, 3, { padding: 1 }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(32, 64, 3, { padding: 1 }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(64 * 7 * 7, 128),
    new ReLU(),
    new Linear(128, 10),
  );

/** One Adam step per call over 8 rotating batches: zeroGrad, forward, cross-entropy, backward, step. */
function trainStep(model: Sequential, shape: number[]): Prepared {
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const size = shape.reduce((a, b) => a * b, 1);
  const batches = Array.from({ length: 8 }, () => ({
    x: floats(data.uniform(size), shape),
    y: tensor(data.labels(shape[0]!)),
  }));
  let i = 0;
  return {
    run: () => {
      const { x, y } = batches[i++ % batches.length]!;
      optimizer.zeroGrad();
      const loss = F.crossEntropy(model.forward(x), y);
      loss.backward();
      optimizer.step();
      loss.item();
    },
  };
}

/** A row that calls `op` and disposes its result. */
const disposing = (op: () => Tensor): Prepared => ({ run: () => op().dispose() });

/** A call applying `f` to fresh 1e6-element normals. */
const unary = (f: (x: Tensor) => Tensor): Prepared => {
  const x = floats(data.normal(1e6), [1e6]);
  return disposing(() => f(x));
};

export const nnPeer: Peer = {
  name: '@nn',
  prepare(row) {
    switch (row) {
      case 'mlp64':
        return trainStep(mlp(), [64, 784]);
      case 'mlp256':
        return trainStep(mlp(), [256, 784]);
      case 'cnn32':
        return trainStep(cnn(), [32, 1, 28, 28]);
      case 'infer1': {
        const model = mlp();
        model.eval();
        const x = floats(data.uniform(784), [1, 784]);
        return { run: () => noGrad(() => model.forward(x)).dataSync() };
      }
      case 'conv1': {
        const x = floats(data.normal(32 * 784), [32, 1, 28, 28]);
        const w = floats(data.normal(32 * 9), [32, 1, 3, 3]);
        const b = floats(data.normal(32), [32]);
        return disposing(() => conv2d(x, w, b, { padding: 1 }));
      }
      case 'add': {
        const [a, b] = [floats(data.uniform(1e6), [1e6]), floats(data.uniform(1e6), [1e6])];
        return disposing(() => add(a, b));
      }
      case 'exp':
        return unary((x) => x.exp());
      case 'sigmoid':
        return unary((x) => x.sigmoid());
      case 'tanh':
        return unary((x) => x.tanh());
      case 'softmax': {
        const x = floats(data.normal(1e6), [1000, 1000]);
        return disposing(() => softmax(x, 1));
      }
      case 'matmul1024': {
        const [a, b] = [
          floats(data.uniform(1024 ** 2), [1024, 1024]),
          floats(data.uniform(1024 ** 2), [1024, 1024]),
        ];
        return disposing(() => matmul(a, b));
      }
      default:
        return undefined;
    }
  },
};
