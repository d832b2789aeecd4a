import { checkOptions, type Tensor, ValueError } from '@nn/tensor';
import type { Module, RemovableHandle } from '../module/module';
import { Parameter } from '../module/parameter';
import { WEIGHT_NORM_KEYS } from './option-keys';
import {
  checkNotApplied,
  deleteField,
  field,
  HookRegistry,
  parameterOf,
  setField,
} from './reparametrization';

/** Options of {@link weightNorm}. */
export interface WeightNormOptions<N extends string = string> {
  /** The parameter to reparametrize (default `'weight'`). */
  name?: N;
  /** The dim kept by the norm (default 0, one magnitude per output); `null` for one norm of the whole tensor. */
  dim?: number | null;
}

const applied = new HookRegistry<{ handle: RemovableHandle; dim: number }>();

/** `||v||` over every dim but `dim`, kept as size-1 dims (PyTorch's `norm_except_dim`); `-1` means all dims. */
function normExceptDim(v: Tensor, dim: number): Tensor {
  if (dim === -1) return v.norm();
  const others = v.shape.map((_, i) => i).filter((i) => i !== dim);
  return others.length === 0 ? v.abs() : v.norm(2, others, { keepdim: true });
}

function computeWeight(module: Module, name: string, dim: number): Tensor {
  const g = field(module, `${name}_g`) as Tensor;
  const v = field(module, `${name}_v`) as Tensor;
  return v.mul(g.div(normExceptDim(v, dim)));
}

/**
 * Weight normalisation (Salimans & Kingma 2016), as PyTorch 1.13's hook-based `nn.utils.weight_norm`:
 * the parameter `name` is replaced by a magnitude `${name}_g` and a direction `${name}_v`, and recomputed
 * as `v * g / ||v||` before every call. State-dict keys become `weight_g` and `weight_v`, as torch's.
 * Returns the module.
 *
 * @example
 * ```ts
 * import { Linear, utils } from '@nn/nn';
 *
 * const layer = utils.weightNorm(new Linear(20, 40));
 * console.log(Object.keys(layer.stateDict())); // [ 'bias', 'weight_g', 'weight_v' ]
 * console.log(layer.weight_g.shape); // [ 40, 1 ]
 * ```
 */
export function weightNorm<M extends Module, N extends string = 'weight'>(
  module: M,
  options: WeightNormOptions<N> = {},
): M & Record<`${N}_g` | `${N}_v`, Parameter> {
  checkOptions('weightNorm', options, WEIGHT_NORM_KEYS);
  const name = options.name ?? 'weight';
  checkNotApplied('weightNorm', applied.get(module, name) !== undefined, 'weight_norm', name);
  const weight = parameterOf('weightNorm', module, name);
  let dim = options.dim === undefined ? 0 : options.dim === null ? -1 : options.dim;
  if (dim < -1) dim += weight.ndim;
  if (!Number.isInteger(dim) || dim < -1 || dim >= weight.ndim) {
    throw new ValueError(
      'weightNorm',
      `dim ${options.dim} is out of range for '${name}' of shape [${weight.shape.join(',')}]; use 0..${weight.ndim - 1} or null`,
    );
  }
  deleteField(module, name);
  module.registerParameter(`${name}_g`, new Parameter(normExceptDim(weight.detach(), dim)));
  module.registerParameter(`${name}_v`, new Parameter(weight.detach()));
  setField(module, name, computeWeight(module, name, dim));
  const handle = module.registerForwardPreHook((m) => {
    setField(m, name, computeWeight(m, name, dim));
  });
  applied.set(module, name, { handle, dim });
  return module as M & Record<`${N}_g` | `${N}_v`, Parameter>;
}

/**
 * Undoes {@link weightNorm}: `name` becomes one parameter again holding the current `v * g / ||v||`
 * (`nn.utils.remove_weight_norm`). Returns the module.
 */
export function removeWeightNorm<M extends Module>(module: M, name = 'weight'): M {
  const entry = applied.get(module, name);
  if (!entry) {
    throw new ValueError(
      'removeWeightNorm',
      `weight_norm of '${name}' not found in ${module.constructor.name}; apply utils.weightNorm(module) first`,
    );
  }
  const weight = computeWeight(module, name, entry.dim).detach();
  applied.take(module, name);
  deleteField(module, name);
  deleteField(module, `${name}_g`);
  deleteField(module, `${name}_v`);
  module.registerParameter(name, new Parameter(weight));
  return module;
}
