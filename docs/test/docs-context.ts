// The names the guides' snippets use without defining them (a model, a loader, a batch, ...): each snippet
// runs as written, in a scope where these exist, as a reader's surrounding program would provide them.
import '@nn/autograd';
import { DataLoader, TensorDataset } from '@nn/data';
import { Flatten, Linear, ReLU, Sequential } from '@nn/nn';
import { Adam, lrScheduler } from '@nn/optim';
import { manualSeed, randint, randn, zeros } from '@nn/tensor';

/** A small MNIST-shaped setup: images [4, 1, 28, 28], labels, a model, its optimizer and scheduler. */
export function docsContext() {
  manualSeed(0);
  const images = randn([4, 1, 28, 28]);
  const labels = randint(0, 10, [4]);
  const model = new Sequential(new Flatten(), new Linear(784, 32), new ReLU(), new Linear(32, 10));
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const scheduler = new lrScheduler.StepLR(optimizer, { stepSize: 10 });
  const w = randn([3]).requiresGrad_();
  w.square().sum().backward();
  return {
    images,
    labels,
    loader: new DataLoader(new TensorDataset(randn([8, 1, 28, 28]), randint(0, 10, [8])), { batchSize: 4 }),
    model,
    optimizer,
    scheduler,
    x: randn([4, 784]),
    weight: randn([10, 784]),
    bias: zeros([10]),
    logits: randn([4, 10]),
    w,
    lr: 0.1,
    stateDict: model.stateDict(),
    partial: {},
    backbone: new Linear(784, 32),
    head: new Linear(32, 10),
    extra: new Linear(10, 10),
    validationLoss: 0.5,
    // an MNIST-shaped split, small: images [N, 1, 28, 28] and int32 labels
    xTrain: randn([64, 1, 28, 28]),
    yTrain: randint(0, 10, [64]),
    xTest: randn([16, 1, 28, 28]),
    yTest: randint(0, 10, [16]),
  };
}
