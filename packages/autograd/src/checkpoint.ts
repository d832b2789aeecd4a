import { defaultGenerator, NNError, Tensor } from '@nn/tensor';
import { backward } from './backward';
import { Function as AutogradFunction, type FunctionCtx, type FunctionGrad } from './function';
import { isGradEnabled, withGradEnabled } from './grad-state';

type Segment = (...args: never[]) => Tensor | Tensor[];

/** What the checkpoint node keeps: the function, its non-tensor arguments and the RNG state. */
interface CheckpointCtx extends FunctionCtx {
  run: Segment;
  args: unknown[];
  rngState: number[];
}

function outputsOf(op: string, out: unknown): Tensor[] {
  const list = Array.isArray(out) ? out : [out];
  if (!list.every((t) => t instanceof Tensor)) {
    throw new NNError(op, 'the checkpointed function must return a Tensor or an array of Tensors');
  }
  return list as Tensor[];
}

class CheckpointFunction extends AutogradFunction {
  static override forward(ctx: CheckpointCtx, run: Segment, ...args: unknown[]): Tensor | Tensor[] {
    ctx.run = run;
    ctx.args = args;
    ctx.rngState = defaultGenerator.getState();
    ctx.saveForBackward(...(args.filter((a) => a instanceof Tensor) as Tensor[]));
    const out = run(...(args as never[]));
    outputsOf('checkpoint', out);
    return out;
  }

  static override backward(ctx: CheckpointCtx, ...gradOutputs: Tensor[]): FunctionGrad[] {
    const saved = ctx.savedTensors;
    let k = 0;
    // fresh leaves standing for the inputs, so the recomputed graph ends at them
    const inputs = ctx.args.map((a) =>
      a instanceof Tensor ? saved[k++]!.detach().requiresGrad_(a.requiresGrad) : a,
    );
    // recompute with the forward's random stream (dropout draws the same masks), then put it back
    const current = defaultGenerator.getState();
    defaultGenerator.setState(ctx.rngState);
    let outputs: Tensor[];
    try {
      outputs = outputsOf(
        'checkpoint',
        withGradEnabled(true, () => ctx.run(...(inputs as never[]))),
      );
    } finally {
      defaultGenerator.setState(current);
    }
    const pairs = outputs.flatMap((o, i) => (o.requiresGrad ? [[o, gradOutputs[i]!] as const] : []));
    if (pairs.length === 0) {
      throw new NNError('checkpoint', 'none of the outputs of the checkpointed function requires grad');
    }
    // accumulates into the inputs' stand-ins and into every leaf used inside (the parameters)
    backward(
      pairs.map(([o]) => o),
      pairs.map(([, g]) => g),
    );
    return [
      undefined,
      ...inputs.map((x) => (x instanceof Tensor && x.requiresGrad ? (x.grad ?? undefined) : undefined)),
    ];
  }
}

/**
 * Gradient checkpointing (torch.utils.checkpoint.checkpoint, its default reentrant form): runs `fn`
 * without keeping its intermediate activations, and runs it again during backward to compute the
 * gradients, trading compute for memory. The gradients are the same as without checkpointing,
 * including those of parameters used inside `fn`. The default random generator's state is saved and
 * restored for the recomputation, so dropout draws the same masks (torch's `preserve_rng_state=True`).
 *
 * As in torch, at least one tensor argument must require grad, or nothing inside gets a gradient (a
 * warning says so; pass
 * the input of the first segment, or use checkpointing from the second segment on); and it does not
 * support `grad()` or `backward({ inputs })` through the checkpoint, nor `createGraph`.
 *
 * @example
 * ```ts
 * const block = (x: Tensor) => x.tanh().mul(x).sum(1);
 * const x = randn([4, 8], { requiresGrad: true });
 * checkpoint(block, x).sum().backward(); // x.grad as without checkpointing
 * ```
 */
export function checkpoint<A extends unknown[], R extends Tensor | Tensor[]>(
  fn: (...args: A) => R,
  ...args: A
): R {
  if (typeof fn !== 'function') {
    throw new NNError(
      'checkpoint',
      `the first argument must be the function to checkpoint, got ${typeof fn}`,
    );
  }
  if (isGradEnabled() && !args.some((a) => a instanceof Tensor && a.requiresGrad)) {
    console.warn(
      'checkpoint: none of the inputs requires grad, so no gradient will reach anything inside the ' +
        'checkpointed function, its parameters included (as torch warns); pass an input that requires grad',
    );
  }
  return CheckpointFunction.apply(fn as unknown as Segment, ...(args as unknown[])) as R;
}
