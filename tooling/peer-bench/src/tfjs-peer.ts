import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node bundle has no gradients; tfjs-layers' bundle registers them on import.
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { type Peer, type Prepared, randomArrays } from './workloads';

// TensorFlow.js's side, with tfjs-core ops only (NHWC images): the same model shapes, Adam and softmax
// cross-entropy, every call's tensors disposed (tf.tidy), results read back where @nn's are.

const require = createRequire(import.meta.url);
setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}${path.sep}`);

const data = randomArrays(1);

/** Dense layers [in, out] with PyTorch's default uniform init bound 1/sqrt(in). */
function dense(sizes: readonly number[]): tf.Variable[] {
  return sizes.slice(1).flatMap((out, i) => {
    const bound = 1 / Math.sqrt(sizes[i]!);
    return [
      tf.variable(tf.randomUniform([sizes[i]!, out], -bound, bound)),
      tf.variable(tf.randomUniform([out], -bound, bound)),
    ];
  });
}

/** x through dense layers (ReLU between them). */
function denseForward(x: tf.Tensor, layers: readonly tf.Variable[]): tf.Tensor {
  let h = x as tf.Tensor2D;
  for (let i = 0; i < layers.length; i += 2) {
    h = tf.add(tf.matMul(h, layers[i] as tf.Tensor2D), layers[i + 1]!);
    if (i + 2 < layers.length) h = tf.relu(h);
  }
  return h;
}

/** The seed CNN's forward pass on NHWC batches: conv-relu-pool twice, then two dense layers. */
function cnn(): { variables: tf.Variable[]; forward: (x: tf.Tensor) => tf.Tensor } {
  const conv = (cin: number, cout: number) => {
    const bound = 1 / Math.sqrt(cin * 9);
    return [
      tf.variable(tf.randomUniform([3, 3, cin, cout], -bound, bound)),
      tf.variable(tf.randomUniform([cout], -bound, bound)),
    ];
  };
  const [w1, b1, w2, b2] = [...conv(1, 32), ...conv(32, 64)] as tf.Variable[];
  const head = dense([64 * 7 * 7, 128, 10]);
  const block = (x: tf.Tensor4D, w: tf.Variable, b: tf.Variable) =>
    tf.maxPool(tf.relu(tf.add(tf.conv2d(x, w as tf.Tensor4D, 1, 'same'), b)) as tf.Tensor4D, 2, 2, 'valid');
  return {
    variables: [w1!, b1!, w2!, b2!, ...head],
    forward: (x) => {
      const features = block(block(x as tf.Tensor4D, w1!, b1!), w2!, b2!);
      return denseForward(tf.reshape(features, [features.shape[0], 64 * 7 * 7]), head);
    },
  };
}

/** One Adam step per call over 8 rotating batches; the loss is read back as @nn's loss.item() is. */
function trainStep(forward: (x: tf.Tensor) => tf.Tensor, shape: number[]): Prepared {
  const optimizer = tf.train.adam(1e-3);
  const size = shape.reduce((a, b) => a * b, 1);
  const batches = Array.from({ length: 8 }, () => ({
    x: tf.tensor(data.uniform(size), shape),
    y: tf.oneHot(tf.tensor1d(data.labels(shape[0]!), 'int32'), 10),
  }));
  let i = 0;
  return {
    run: () => {
      const { x, y } = batches[i++ % batches.length]!;
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, forward(x)) as tf.Scalar, true);
      loss?.dataSync();
      loss?.dispose();
    },
    dispose: () => {
      for (const { x, y } of batches) tf.dispose([x, y]);
      optimizer.dispose();
    },
  };
}

/** A tidy call of `f` on fixed inputs, disposed with them afterwards. */
function call(inputs: tf.Tensor[], f: () => tf.Tensor | undefined): Prepared {
  return {
    run: () => tf.tidy(f),
    dispose: () => tf.dispose(inputs),
  };
}

/** A tfjs backend ('wasm' or 'cpu') as a peer. */
export function tfjsPeer(backend: 'wasm' | 'cpu'): Peer {
  return {
    name: `tfjs-${backend}`,
    async activate() {
      if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
      await tf.ready();
    },
    prepare(row) {
      const normal = (shape: number[]) => tf.tensor(data.normal(shape.reduce((a, b) => a * b, 1)), shape);
      switch (row) {
        case 'mlp64':
        case 'mlp256': {
          const layers = dense([784, 128, 64, 10]);
          return trainStep((x) => denseForward(x, layers), [row === 'mlp64' ? 64 : 256, 784]);
        }
        case 'cnn32':
          return trainStep(cnn().forward, [32, 28, 28, 1]);
        case 'infer1': {
          const layers = dense([784, 128, 64, 10]);
          const x = tf.tensor(data.uniform(784), [1, 784]);
          return call([x], () => {
            denseForward(x, layers).dataSync();
            return undefined;
          });
        }
        case 'conv1': {
          const [x, w, b] = [normal([32, 28, 28, 1]), normal([3, 3, 1, 32]), normal([32])];
          return call([x, w, b], () =>
            tf.fused.conv2d({
              x: x as tf.Tensor4D,
              filter: w as tf.Tensor4D,
              strides: 1,
              pad: 'same',
              bias: b,
            }),
          );
        }
        case 'add': {
          const [a, b] = [tf.tensor(data.uniform(1e6)), tf.tensor(data.uniform(1e6))];
          return call([a, b], () => tf.add(a, b));
        }
        case 'exp':
        case 'sigmoid':
        case 'tanh': {
          const x = normal([1e6]);
          const f = { exp: tf.exp, sigmoid: tf.sigmoid, tanh: tf.tanh }[row];
          return call([x], () => f(x));
        }
        case 'softmax': {
          const x = normal([1000, 1000]);
          return call([x], () => tf.softmax(x, 1));
        }
        case 'matmul1024': {
          const [a, b] = [
            tf.tensor(data.uniform(1024 ** 2), [1024, 1024]),
            tf.tensor(data.uniform(1024 ** 2), [1024, 1024]),
          ];
          return call([a, b], () => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D));
        }
        default:
          return undefined;
      }
    },
  };
}
