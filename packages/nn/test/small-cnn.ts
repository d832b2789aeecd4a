import { BatchNorm2d, Conv2d, Flatten, GELU, Linear, MaxPool2d, Module, ReLU, Sequential } from '@nn/nn';
import type { Tensor } from '@nn/tensor';

/** The SmallCnn of tooling/fixtures/cases/nn_weights.py, for the weights round-trip tests and fixture writer. */
export class SmallCnn extends Module {
  features = new Sequential(new Conv2d(1, 4, 3), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2));
  classifier = new Sequential(new Flatten(), new Linear(4 * 3 * 3, 5), new GELU(), new Linear(5, 3));

  override forward(x: Tensor): Tensor {
    return this.classifier.call(this.features.call(x));
  }
}
