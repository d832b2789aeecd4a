import { Linear, MSELoss } from '@nn/nn';
import { SGD } from '@nn/optim';
import { manualSeed, randn, type Tensor, tensor } from '@nn/tensor';

/** The weights the data is generated from, and what training recovered. */
export interface LinearFit {
  trueWeight: number[];
  trueBias: number;
  weight: number[];
  bias: number;
  losses: number[];
}

/** Generates y = X w + b + noise and fits a Linear layer to it with SGD on the mean squared error. */
export function fitLinearRegression({ samples = 256, steps = 200, lr = 0.1, seed = 0 } = {}): LinearFit {
  manualSeed(seed);
  const trueWeight = [2, -3.4, 1.5];
  const trueBias = 4.2;
  const x = randn([samples, 3]);
  const y = x
    .matmul(tensor(trueWeight).float().unsqueeze(1))
    .add(trueBias)
    .add(randn([samples, 1]).mul(0.01));
  const model = new Linear(3, 1);
  const lossFn = new MSELoss();
  const optimizer = new SGD(model.parameters(), { lr });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    optimizer.zeroGrad();
    const loss = lossFn.call(model.call(x) as Tensor, y) as Tensor;
    loss.backward();
    optimizer.step();
    losses.push(Number(loss.item()));
  }
  return {
    trueWeight,
    trueBias,
    weight: Array.from(model.weight.dataSync()),
    bias: Number(model.bias!.item()),
    losses,
  };
}
