import * as autograd from '@nn/autograd';
import { Linear, Module, ModuleList, MSELoss } from '@nn/nn';
import { Adam } from '@nn/optim';
import { manualSeed, rand, type Tensor } from '@nn/tensor';

/**
 * Swish / SiLU, `x * sigmoid(x)`, as a custom autograd Function with a hand-written derivative:
 * d/dx = s + x * s * (1 - s), where s = sigmoid(x).
 */
export class Swish extends autograd.Function {
  static override forward(ctx: autograd.FunctionCtx, x: Tensor): Tensor {
    ctx.saveForBackward(x);
    return x.mul(x.sigmoid());
  }

  static override backward(ctx: autograd.FunctionCtx, gradOutput: Tensor): Tensor {
    const [x] = ctx.savedTensors as [Tensor];
    const s = x.sigmoid();
    return gradOutput.mul(s.add(x.mul(s).mul(s.neg().add(1))));
  }
}

/** `x + fc2(swish(fc1(x)))`: a residual block. */
export class ResidualBlock extends Module {
  fc1: Linear;
  fc2: Linear;

  constructor(width: number) {
    super();
    this.fc1 = new Linear(width, width);
    this.fc2 = new Linear(width, width);
  }

  override forward(x: Tensor): Tensor {
    return x.add(this.fc2.call(Swish.apply(this.fc1.call(x)) as Tensor) as Tensor);
  }
}

/** Input projection, a stack of residual blocks, and a linear head. */
export class ResidualNet extends Module {
  input: Linear;
  blocks: ModuleList;
  head: Linear;

  constructor(inFeatures: number, width: number, depth: number) {
    super();
    this.input = new Linear(inFeatures, width);
    this.blocks = new ModuleList(Array.from({ length: depth }, () => new ResidualBlock(width)));
    this.head = new Linear(width, 1);
  }

  override forward(x: Tensor): Tensor {
    let h = this.input.call(x) as Tensor;
    for (const block of this.blocks) h = (block as ResidualBlock).call(h);
    return this.head.call(h) as Tensor;
  }
}

/** Fits `sin(3 x0) * cos(2 x1)` on [-1, 1]^2; returns the model and the loss per step. */
export function fitResidualNet({ steps = 300, seed = 0 } = {}): { model: ResidualNet; losses: number[] } {
  manualSeed(seed);
  const x = rand([256, 2]).mul(2).sub(1);
  const y = x.select(1, 0).mul(3).sin().mul(x.select(1, 1).mul(2).cos()).unsqueeze(1);
  const model = new ResidualNet(2, 32, 2);
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const lossFn = new MSELoss();
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    optimizer.zeroGrad();
    const loss = lossFn.call(model.call(x), y) as Tensor;
    loss.backward();
    optimizer.step();
    losses.push(Number(loss.item()));
  }
  return { model, losses };
}
