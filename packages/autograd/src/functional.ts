import {
  checkOptions,
  eye,
  NNError,
  type OptionKeys,
  stack,
  Tensor,
  ValueError,
  zeros,
  zerosLike,
} from '@nn/tensor';
import { grad } from './backward';
import { ensureInstalled } from './install';

// torch.autograd.functional: derivatives of whole functions, built on `grad` (reverse mode only).

/** Options of {@link vjp}, {@link jvp}, {@link vhp} and {@link hvp}. */
export interface FunctionalOptions {
  /** Make the result differentiable (default false: results are detached). */
  createGraph?: boolean;
  /** Throw when an output does not depend on an input instead of returning zeros (default false). */
  strict?: boolean;
}

/** Options of {@link jacobian} and {@link hessian}. */
export interface JacobianOptions extends FunctionalOptions {
  /**
   * Accepted for torch compatibility: torch batches the rows with vmap. Here rows are computed one
   * after the other either way, with the same result, so the flag changes nothing.
   */
  vectorize?: boolean;
}

/** A function of tensors returning one tensor or a list of them. */
export type TensorFunction = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

const FUNCTIONAL_KEYS: OptionKeys<FunctionalOptions> = { createGraph: true, strict: true };
const JACOBIAN_KEYS: OptionKeys<JacobianOptions> = { ...FUNCTIONAL_KEYS, vectorize: true };

type Maybe = Tensor | undefined;

function asTuple(op: string, what: string, x: Tensor | readonly Tensor[]): [boolean, Tensor[]] {
  const isTuple = Array.isArray(x);
  const list = isTuple ? [...(x as readonly Tensor[])] : [x as Tensor];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) {
      throw new ValueError(
        op,
        `The ${what} given to ${op} must be either a Tensor or a list of Tensors but the value at index ${i} ` +
          `has type ${typeof t}.`,
      );
    }
  });
  return [isTuple, list];
}

/** Inputs as the function sees them: fresh leaves, or views keeping the caller's graph with createGraph. */
function preprocess(inputs: readonly Tensor[], createGraph: boolean): Tensor[] {
  return inputs.map((x) => (createGraph && x.requiresGrad ? x.viewAs(x) : x.detach().requiresGrad_(true)));
}

function postprocess(xs: readonly Tensor[], createGraph: boolean): Tensor[] {
  return createGraph ? [...xs] : xs.map((x) => x.detach());
}

/** `grad` over the outputs that require grad only (torch's `_autograd_grad`); unused inputs give undefined. */
function autogradGrad(
  outputs: readonly Tensor[],
  inputs: readonly Tensor[],
  gradOutputs: readonly Maybe[] | undefined,
  createGraph: boolean,
): Maybe[] {
  const outs: Tensor[] = [];
  const gs: Maybe[] = [];
  outputs.forEach((o, i) => {
    if (o.requiresGrad) {
      outs.push(o);
      gs.push(gradOutputs?.[i]);
    }
  });
  if (outs.length === 0) return inputs.map(() => undefined);
  return grad(outs, inputs, { gradOutputs: gs, createGraph, retainGraph: true, allowUnused: true });
}

/** Replaces missing gradients by zeros shaped like `refs` (or throws in strict mode). */
function fillInZeros(
  op: string,
  grads: readonly Maybe[],
  refs: readonly Tensor[],
  strict: boolean,
): Tensor[] {
  return grads.map((g, i) => {
    if (g) return g;
    if (strict) {
      throw new NNError(
        op,
        `The output of the user-provided function is independent of input ${i}. This is not allowed in ` +
          'strict mode.',
      );
    }
    return zerosLike(refs[i]!);
  });
}

function callFunction(op: string, func: TensorFunction, inputs: Tensor[]): [boolean, Tensor[]] {
  return asTuple(op, 'outputs of the user-provided function', func(...inputs));
}

/** Checks the vector `v` against `refs` (outputs or inputs), or makes the implicit 1 of a scalar. */
function checkVector(
  op: string,
  v: Tensor | readonly Tensor[] | undefined,
  refs: readonly Tensor[],
  what: string,
) {
  if (v === undefined) {
    if (refs.length !== 1 || refs[0]!.numel() !== 1) {
      throw new ValueError(
        op,
        `The vector v can only be undefined if the ${what} is a single Tensor with a single element.`,
      );
    }
    return [undefined];
  }
  const [, list] = asTuple(op, 'v', v);
  if (list.length !== refs.length) {
    throw new ValueError(op, `v has ${list.length} Tensors but the ${what} has ${refs.length}.`);
  }
  list.forEach((t, i) => {
    const ref = refs[i]!;
    if (t.shape.length !== ref.shape.length || t.shape.some((d, k) => d !== ref.shape[k])) {
      throw new ValueError(
        op,
        `Entry ${i} in v has invalid size: should be [${ref.shape.join(', ')}] but got [${t.shape.join(', ')}].`,
      );
    }
  });
  return list;
}

function unwrap(isTuple: boolean, xs: Tensor[]): Tensor | Tensor[] {
  return isTuple ? xs : xs[0]!;
}

/**
 * Vector-Jacobian product `vᵀ J` of `func` at `inputs` (torch.autograd.functional.vjp). `v` has the
 * shape of the outputs (optional for a one-element output). Returns `[outputs, vjp]`, each a Tensor or
 * a list as `func`'s outputs and `inputs` are.
 *
 * @example
 * ```ts
 * const [out, g] = vjp((x) => x.pow(2), tensor([1, 2]), tensor([1, 1])); // g = [2, 4]
 * ```
 */
export function vjp(
  func: TensorFunction,
  inputs: Tensor | readonly Tensor[],
  v?: Tensor | readonly Tensor[],
  options: FunctionalOptions = {},
): [Tensor | Tensor[], Tensor | Tensor[]] {
  ensureInstalled();
  const { createGraph = false, strict = false } = checkOptions('vjp', options, FUNCTIONAL_KEYS);
  const [inTuple, raw] = asTuple('vjp', 'inputs', inputs);
  const xs = preprocess(raw, createGraph);
  const [outTuple, outs] = callFunction('vjp', func, xs);
  const vs = checkVector('vjp', v, outs, 'output of the user-provided function');
  const grads = fillInZeros('vjp', autogradGrad(outs, xs, vs, createGraph), xs, strict);
  return [unwrap(outTuple, postprocess(outs, createGraph)), unwrap(inTuple, postprocess(grads, createGraph))];
}

/**
 * Jacobian-vector product `J v` of `func` at `inputs` (torch.autograd.functional.jvp), computed as torch
 * does with the double-backward trick. `v` has the shape of the inputs (optional for a one-element
 * input). Returns `[outputs, jvp]`.
 *
 * @example
 * ```ts
 * const [out, d] = jvp((x) => x.pow(2), tensor([1, 2]), tensor([1, 0])); // d = [2, 0]
 * ```
 */
export function jvp(
  func: TensorFunction,
  inputs: Tensor | readonly Tensor[],
  v?: Tensor | readonly Tensor[],
  options: FunctionalOptions = {},
): [Tensor | Tensor[], Tensor | Tensor[]] {
  ensureInstalled();
  const { createGraph = false, strict = false } = checkOptions('jvp', options, FUNCTIONAL_KEYS);
  const [, raw] = asTuple('jvp', 'inputs', inputs);
  const vs = checkVector('jvp', v, raw, 'input');
  const xs = preprocess(raw, createGraph);
  const [outTuple, outs] = callFunction('jvp', func, xs);
  // d(vᵀ·(uᵀJ))/du = J v, with u a dummy cotangent of the outputs
  const dummies = outs.map((o) => zerosLike(o).requiresGrad_(true));
  const gradInputs = autogradGrad(outs, xs, dummies, true);
  if (strict && gradInputs.some((g) => g === undefined)) {
    const i = gradInputs.indexOf(undefined);
    throw new NNError(
      'jvp',
      `The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`,
    );
  }
  const used = gradInputs.flatMap((g, i) => (g ? [{ g, v: vs[i] }] : []));
  const back = autogradGrad(
    used.map((u) => u.g),
    dummies,
    used.map((u) => u.v),
    createGraph,
  );
  const result = fillInZeros('jvp', back, outs, strict);
  return [
    unwrap(outTuple, postprocess(outs, createGraph)),
    unwrap(outTuple, postprocess(result, createGraph)),
  ];
}

/**
 * The Jacobian of `func` at `inputs` (torch.autograd.functional.jacobian), one reverse pass per output
 * element. For one input and one output it is a Tensor of shape `[...output.shape, ...input.shape]`;
 * with a list of inputs, a list (one per input); with a list of outputs, a list of those.
 *
 * @example
 * ```ts
 * const J = jacobian((x) => x.pow(2), tensor([1, 2])); // [[2, 0], [0, 4]]
 * ```
 */
export function jacobian(
  func: TensorFunction,
  inputs: Tensor | readonly Tensor[],
  options: JacobianOptions = {},
): Tensor | Tensor[] | Tensor[][] {
  ensureInstalled();
  const { createGraph = false, strict = false } = checkOptions('jacobian', options, JACOBIAN_KEYS);
  const [inTuple, raw] = asTuple('jacobian', 'inputs', inputs);
  const xs = preprocess(raw, createGraph);
  const [outTuple, outs] = callFunction('jacobian', func, xs);
  const perOutput = outs.map((out, i) => {
    const n = out.numel();
    const basis = eye(n, n, { dtype: out.dtype, device: out.device });
    const rows: Maybe[][] = [];
    for (let j = 0; j < n; j++) {
      rows.push(autogradGrad([out], xs, [basis.select(0, j).reshape(out.shape)], createGraph));
    }
    return xs.map((x, k) => {
      if (strict && rows.some((r) => r[k] === undefined)) {
        throw new NNError(
          'jacobian',
          `Output ${i} of the user-provided function is independent of input ${k}. This is not allowed in ` +
            'strict mode.',
        );
      }
      const shape = [...out.shape, ...x.shape];
      if (n === 0) return zeros(shape, { dtype: x.dtype, device: x.device });
      const J = stack(rows.map((r) => r[k] ?? zerosLike(x))).reshape(shape);
      return createGraph ? J : J.detach();
    });
  });
  const perInput = perOutput.map((js) => unwrap(inTuple, js));
  return outTuple ? (perInput as Tensor[] | Tensor[][]) : perInput[0]!;
}

function singleOutput(op: string, func: TensorFunction): (...xs: Tensor[]) => Tensor {
  return (...xs) => {
    const out = func(...xs);
    if (!(out instanceof Tensor))
      throw new ValueError(op, `The function given to ${op} should return a single Tensor`);
    if (out.numel() !== 1) {
      throw new ValueError(
        op,
        `The Tensor returned by the function given to ${op} should contain a single element (got shape ` +
          `[${out.shape.join(', ')}])`,
      );
    }
    return out.squeeze();
  };
}

/**
 * The Hessian of a scalar function (torch.autograd.functional.hessian): the Jacobian of its gradient.
 * One input of shape `s` gives a Tensor of shape `[...s, ...s]`; a list of inputs gives `H[i][j]`.
 *
 * @example
 * ```ts
 * const H = hessian((x) => x.pow(3).sum(), tensor([1, 2])); // [[6, 0], [0, 12]]
 * ```
 */
export function hessian(
  func: TensorFunction,
  inputs: Tensor | readonly Tensor[],
  options: JacobianOptions = {},
): Tensor | Tensor[][] {
  ensureInstalled();
  const opts = checkOptions('hessian', options, JACOBIAN_KEYS);
  const scalar = singleOutput('hessian', func);
  const gradient = (...xs: Tensor[]) =>
    jacobian(scalar, Array.isArray(inputs) ? xs : xs[0]!, { createGraph: true, strict: opts.strict }) as
      | Tensor
      | Tensor[];
  return jacobian(gradient, inputs, opts) as Tensor | Tensor[][];
}

/**
 * Vector-Hessian product `vᵀ H` of a scalar function (torch.autograd.functional.vhp). Returns
 * `[output, vhp]`.
 *
 * @example
 * ```ts
 * const [, r] = vhp((x) => x.pow(3).sum(), tensor([1, 2]), tensor([1, 1])); // [6, 12]
 * ```
 */
export function vhp(
  func: TensorFunction,
  inputs: Tensor | readonly Tensor[],
  v?: Tensor | readonly Tensor[],
  options: FunctionalOptions = {},
): [Tensor, Tensor | Tensor[]] {
  return hessianProduct('vhp', func, inputs, v, options);
}

/**
 * Hessian-vector product `H v` of a scalar function (torch.autograd.functional.hvp). torch computes it
 * with a double-backward trick that gives `vᵀ H` transposed; the Hessian of a twice-differentiable
 * function is symmetric, so this returns the same values as {@link vhp}, computed the cheaper way.
 * Returns `[output, hvp]`.
 */
export function hvp(
  func: TensorFunction,
  inputs: Tensor | readonly Tensor[],
  v?: Tensor | readonly Tensor[],
  options: FunctionalOptions = {},
): [Tensor, Tensor | Tensor[]] {
  return hessianProduct('hvp', func, inputs, v, options);
}

function hessianProduct(
  op: string,
  func: TensorFunction,
  inputs: Tensor | readonly Tensor[],
  v: Tensor | readonly Tensor[] | undefined,
  options: FunctionalOptions,
): [Tensor, Tensor | Tensor[]] {
  ensureInstalled();
  const { createGraph = false, strict = false } = checkOptions(op, options, FUNCTIONAL_KEYS);
  const [inTuple, raw] = asTuple(op, 'inputs', inputs);
  const vs = checkVector(op, v, raw, 'input');
  const xs = preprocess(raw, createGraph);
  const out = singleOutput(op, func)(...xs);
  const jac = fillInZeros(op, autogradGrad([out], xs, undefined, true), xs, strict);
  const used = jac.flatMap((g, i) => (g.requiresGrad ? [{ g, v: vs[i] }] : []));
  const back = autogradGrad(
    used.map((u) => u.g),
    xs,
    used.map((u) => u.v),
    createGraph,
  );
  const res = fillInZeros(op, back, xs, strict);
  return [postprocess([out], createGraph)[0]!, unwrap(inTuple, postprocess(res, createGraph))];
}
