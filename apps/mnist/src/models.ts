import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@nn/nn';

/** The seed MLP: 784-128-64-10 with ReLU. */
export function mlp(): Sequential {
  return new Sequential(
    new Flatten(),
    new Linear(784, 128),
    new ReLU(),
    new Linear(128, 64),
    new ReLU(),
    new Linear(64, 10),
  );
}

/** The seed CNN: conv 32 3x3, relu, maxpool 2, conv 64 3x3, relu, maxpool 2, flatten, linear 128, relu, linear 10. */
export function cnn(): Sequential {
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
