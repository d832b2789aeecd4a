import { isFloating, NNError, Tensor } from '@nn/tensor';
import { isGradEnabled, withoutGrad } from './grad-state';
import { ensureInstalled } from './install';
import { edgeOf, type GradThunk, metaOf, Node, setHistory } from './node';
import { SavedTensor } from './saved-tensor';

/**
 * The `ctx` of a custom {@link Function}: what `forward` hands to `backward`. Extra fields may be set on
 * it freely (`ctx.dim = 1`), as in PyTorch.
 */
export class FunctionCtx {
  [field: string]: unknown;
  /** Per forward argument: whether its gradient will be asked for (false for non-tensors). */
  needsInputGrad: readonly boolean[] = [];
  #saved: SavedTensor[] = [];
  #nonDifferentiable = new Set<Tensor>();
  #name = 'Function';

  /** Keeps tensors for backward; reading them there checks they were not modified in place since. */
  saveForBackward(...tensors: Tensor[]): void {
    this.#saved = tensors.map((t) => new SavedTensor(t, this.#name));
  }

  /** The tensors given to {@link FunctionCtx.saveForBackward}, in order. */
  get savedTensors(): Tensor[] {
    return this.#saved.map((s) => s.get());
  }

  /** Marks outputs that have no gradient (e.g. indices): they will not require grad. */
  markNonDifferentiable(...outputs: Tensor[]): void {
    for (const t of outputs) this.#nonDifferentiable.add(t);
  }

  /** @internal */
  static internals(ctx: FunctionCtx) {
    return {
      saved: () => ctx.#saved,
      isNonDifferentiable: (t: Tensor) => ctx.#nonDifferentiable.has(t),
      setName: (name: string) => {
        ctx.#name = name;
      },
    };
  }
}

type ForwardArgs<F> = F extends { forward(ctx: FunctionCtx, ...args: infer A): unknown } ? A : never;
type ForwardResult<F> = F extends { forward(ctx: FunctionCtx, ...args: never[]): infer R } ? R : never;

/** A gradient returned by `backward`: one per forward argument, `undefined`/`null` for none. */
export type FunctionGrad = Tensor | undefined | null;

/**
 * Base class of custom differentiable operations (torch.autograd.Function). Subclass it with a static
 * `forward(ctx, ...inputs)` (runs without recording; return a tensor or an array of tensors) and a
 * static `backward(ctx, ...gradOutputs)` (returns one gradient per forward argument), then call
 * `MyOp.apply(...inputs)`. `backward` is written with tensor ops, so it is differentiable in turn when
 * run with `createGraph`.
 *
 * @example
 * ```ts
 * class Exp extends Function {
 *   static forward(ctx: FunctionCtx, x: Tensor): Tensor {
 *     const y = x.exp();
 *     ctx.saveForBackward(y);
 *     return y;
 *   }
 *   static backward(ctx: FunctionCtx, g: Tensor): FunctionGrad[] {
 *     const [y] = ctx.savedTensors;
 *     return [g.mul(y!)];
 *   }
 * }
 * const y = Exp.apply(x);
 * ```
 */
// biome-ignore lint/suspicious/noShadowRestrictedNames: PyTorch's name for it (torch.autograd.Function).
export class Function {
  /** Computes the outputs from the inputs. Override in subclasses. */
  static forward(_ctx: FunctionCtx, ..._args: never[]): Tensor | Tensor[] {
    throw new NNError('Function', 'custom Functions must implement static forward(ctx, ...inputs)');
  }

  /** Computes one gradient per forward argument from the outputs' gradients. Override in subclasses. */
  static backward(_ctx: FunctionCtx, ..._gradOutputs: Tensor[]): FunctionGrad | FunctionGrad[] {
    throw new NNError('Function', 'custom Functions must implement static backward(ctx, ...gradOutputs)');
  }

  /** Runs `forward` and records one graph node whose backward calls `backward`. */
  static apply<F extends typeof Function>(this: F, ...args: ForwardArgs<F>): ForwardResult<F> {
    ensureInstalled();
    // `this` is the subclass apply() was called on; named once so closures below read clearly.
    // biome-ignore lint/complexity/noUselessThisAlias: see above.
    // biome-ignore lint/complexity/noThisInStatic: see above.
    const op = this;
    const name = `${op.name}Backward`;
    const ctx = new FunctionCtx();
    const internals = FunctionCtx.internals(ctx);
    internals.setName(name);
    const recording = isGradEnabled();
    const values = args as unknown[];
    ctx.needsInputGrad = values.map((a) => recording && a instanceof Tensor && a.requiresGrad);
    const result = withoutGrad(() => op.forward(ctx, ...(args as never[])));
    const outputs = Array.isArray(result) ? result : [result];
    if (!ctx.needsInputGrad.some(Boolean)) return result as ForwardResult<F>;

    const positions = values.flatMap((a, i) => (a instanceof Tensor ? [i] : []));
    const tensors = positions.map((i) => values[i] as Tensor);
    let grads: FunctionGrad[] | undefined;
    const node = new Node(
      name,
      tensors.map((t, k) => (ctx.needsInputGrad[positions[k]!] ? edgeOf(t) : undefined)),
      tensors.map(metaOf),
      outputs.map(metaOf),
      (gradOutputs) => {
        grads = undefined;
        const run = (): FunctionGrad[] => {
          if (grads) return grads;
          const out = op.backward(ctx, ...gradOutputs);
          const list = Array.isArray(out) ? out : [out];
          if (list.length !== values.length) {
            throw new NNError(
              name,
              `backward returned an incorrect number of gradients (expected ${values.length}, got ${list.length}): ` +
                'return one per forward argument, undefined for non-tensors',
            );
          }
          grads = list;
          return list;
        };
        return positions.map((p): GradThunk | undefined => () => {
          const g = run()[p];
          if (!(g instanceof Tensor)) {
            throw new NNError(name, `backward returned no gradient for argument ${p}, which requires grad`);
          }
          return g;
        });
      },
      true,
    );
    node.saved.push(...internals.saved());
    const returned = outputs.map((out, i) => {
      // An input returned as is gets a fresh alias, so the input keeps its own history.
      const t = tensors.includes(out) ? out.detach() : out;
      if (isFloating(t.dtype) && !internals.isNonDifferentiable(out)) setHistory(t, node, i);
      return t;
    });
    return (Array.isArray(result) ? returned : returned[0]) as ForwardResult<F>;
  }
}
