import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@nn/nn';
import type { ModelKind } from './protocol';

// The architectures of the MNIST example (apps/mnist/src/models.ts), layer for layer, so its safetensors
// files load here with no missing or unexpected keys (the e2e test loads the shipped ones strictly).

/** 784-128-64-10 with ReLU. */
function mlp(): Sequential {
  return new Sequential(
    new Flatten(),
    new Linear(784, 128),
    new ReLU(),
    new Linear(128, 64),
    new ReLU(),
    new Linear(64, 10),
  );
}

/** conv 32 3x3, relu, maxpool 2, conv 64 3x3, relu, maxpool 2, flatten, linear 128, relu, linear 10. */
function cnn(): Sequential {
  return new Sequential(
    new Conv2d(1, 32, 3),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(32, 64, 3),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(64 * 5 * 5, 128),
    new ReLU(),
    new Linear(128, 10),
  );
}

/** A freshly initialised model of `kind`. */
export function createModel(kind: ModelKind): Sequential {
  return kind === 'cnn' ? cnn() : mlp();
}
