import { BCEWithLogitsLoss, Linear } from '@nn/nn';
import { SGD } from '@nn/optim';
import { manualSeed, randn, type Tensor, tensor } from '@nn/tensor';

/** What training recovered, beside the separating direction the labels come from. */
export interface LogisticFit {
  trueWeight: number[];
  trueBias: number;
  weight: number[];
  bias: number;
  accuracy: number;
  losses: number[];
}

/** Labels points by the sign of x·w + b and fits a logistic regression (Linear + BCEWithLogitsLoss). */
export function fitLogisticRegression({ samples = 512, steps = 300, lr = 0.5, seed = 0 } = {}): LogisticFit {
  manualSeed(seed);
  const trueWeight = [1.5, -2];
  const trueBias = 0.5;
  const x = randn([samples, 2]);
  const logits = x.matmul(tensor(trueWeight).float().unsqueeze(1)).add(trueBias);
  const y = logits.gt(0).float();
  const model = new Linear(2, 1);
  const lossFn = new BCEWithLogitsLoss();
  const optimizer = new SGD(model.parameters(), { lr });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    optimizer.zeroGrad();
    const loss = lossFn.call(model.call(x) as Tensor, y) as Tensor;
    loss.backward();
    optimizer.step();
    losses.push(Number(loss.item()));
  }
  const predicted = (model.call(x) as Tensor).gt(0).float();
  const accuracy = Number(predicted.eq(y).float().mean().item());
  return {
    trueWeight,
    trueBias,
    weight: Array.from(model.weight.dataSync()),
    bias: Number(model.bias!.item()),
    accuracy,
    losses,
  };
}
