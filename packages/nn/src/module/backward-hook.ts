import { Function as AutogradFunction, type FunctionCtx, type FunctionGrad } from '@nn/autograd';
import { NNError, Tensor } from '@nn/tensor';
import type { Module } from './module';

/**
 * A full backward hook (torch's `register_full_backward_hook`): called with the gradients of the
 * module's inputs and outputs once the inputs' gradients are computed; returning an array replaces the
 * inputs' gradients (returning nothing keeps them, as torch's `None`). Entries are `undefined` for
 * arguments that are not tensors requiring grad.
 */
export type FullBackwardHook<M extends Module = Module> = (
  module: M,
  gradInput: (Tensor | undefined)[],
  gradOutput: (Tensor | undefined)[],
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that returns nothing, as torch's returning None
) => (Tensor | undefined)[] | undefined | void;

/** One call's bookkeeping: which arguments were wrapped, and the output gradients once known. */
interface CallState {
  module: Module;
  hooks: FullBackwardHook[];
  /** Per forward argument: whether it is a tensor requiring grad (wrapped). */
  wrapped: boolean[];
  gradOutput: (Tensor | undefined)[] | undefined;
}

interface HookCtx extends FunctionCtx {
  state: CallState;
}

function runHooks(state: CallState, gradInput: (Tensor | undefined)[]): (Tensor | undefined)[] {
  let current = gradInput;
  for (const hook of state.hooks) {
    const replaced = hook(state.module, [...current], [...(state.gradOutput ?? [])]);
    if (replaced === undefined) continue;
    if (!Array.isArray(replaced) || replaced.length !== current.length) {
      throw new NNError(
        `${state.module.constructor.name} backward hook`,
        `Backward hook returned an invalid number of grad_input, got ${Array.isArray(replaced) ? replaced.length : typeof replaced}, but expected ${current.length}`,
      );
    }
    current = replaced;
  }
  return current;
}

/** Identity on the module's outputs; its backward records the output gradients (torch's BackwardHookFunction). */
class OutputHook extends AutogradFunction {
  static override forward(ctx: HookCtx, state: CallState, ...outputs: Tensor[]): Tensor[] {
    ctx.state = state;
    return outputs;
  }

  static override backward(ctx: HookCtx, ...grads: Tensor[]): FunctionGrad[] {
    const { state } = ctx;
    state.gradOutput = grads;
    // no input needs a gradient: torch calls the hooks now, with undefined input gradients
    if (!state.wrapped.some(Boolean))
      runHooks(
        state,
        state.wrapped.map(() => undefined),
      );
    return [undefined, ...grads];
  }
}

/** Identity on the module's inputs; its backward calls the hooks with the input gradients. */
class InputHook extends AutogradFunction {
  static override forward(ctx: HookCtx, state: CallState, ...inputs: Tensor[]): Tensor[] {
    ctx.state = state;
    return inputs;
  }

  static override backward(ctx: HookCtx, ...grads: Tensor[]): FunctionGrad[] {
    const { state } = ctx;
    let k = 0;
    const gradInput = state.wrapped.map((w) => (w ? grads[k++] : undefined));
    const result = runHooks(state, gradInput);
    return [undefined, ...result.filter((_, i) => state.wrapped[i])];
  }
}

/**
 * Runs `forward` on `args` with the module's full backward hooks attached: the tensor inputs that
 * require grad and the tensor outputs pass through identity nodes whose backward calls the hooks.
 */
export function callWithBackwardHooks(
  module: Module,
  hooks: FullBackwardHook[],
  args: unknown[],
  forward: (args: unknown[]) => unknown,
): unknown {
  const wrapped = args.map((a) => a instanceof Tensor && a.requiresGrad);
  const state: CallState = { module, hooks, wrapped, gradOutput: undefined };
  let input = args;
  if (wrapped.some(Boolean)) {
    const aliases = InputHook.apply(state, ...(args.filter((_, i) => wrapped[i]) as Tensor[])) as Tensor[];
    let k = 0;
    input = args.map((a, i) => (wrapped[i] ? aliases[k++] : a));
  }
  const output = forward(input);
  const outputs = Array.isArray(output) ? output : [output];
  if (!outputs.every((o) => o instanceof Tensor)) {
    throw new NNError(
      `${module.constructor.name} backward hook`,
      'full backward hooks need forward to return a Tensor or an array of Tensors',
    );
  }
  if (!outputs.some((o: Tensor) => o.requiresGrad)) return output;
  const hooked = OutputHook.apply(state, ...(outputs as Tensor[])) as Tensor[];
  return Array.isArray(output) ? hooked : hooked[0];
}
