import { checkOptions, randn, type Tensor, ValueError, writeInto } from '@nn/tensor';
import type { Module, RemovableHandle } from '../module/module';
import { Parameter } from '../module/parameter';
import { SPECTRAL_NORM_KEYS } from './option-keys';
import {
  checkNotApplied,
  deleteField,
  field,
  HookRegistry,
  parameterOf,
  setField,
} from './reparametrization';

/** Options of {@link spectralNorm}: PyTorch's `name`, `n_power_iterations`, `eps`, `dim`. */
export interface SpectralNormOptions<N extends string = string> {
  /** The parameter to normalise (default `'weight'`). */
  name?: N;
  /** Power iterations per training call to refine the singular vectors (default 1). */
  nPowerIterations?: number;
  /** Lower bound of the norms in the power iteration (default 1e-12). */
  eps?: number;
  /** The output-channel dim (default 0, or 1 for ConvTranspose layers, as PyTorch). */
  dim?: number;
}

interface Settings {
  handle: RemovableHandle;
  dim: number;
  iterations: number;
  eps: number;
}

const applied = new HookRegistry<Settings>();

/** `x / max(||x||, eps)` (`F.normalize` of a vector). */
function normalize(x: Tensor, eps: number): Tensor {
  return x.div(x.norm().clamp(eps));
}

/** The weight as a `[shape[dim], rest]` matrix, `dim` moved first. */
function asMatrix(weight: Tensor, dim: number): Tensor {
  const moved =
    dim === 0 ? weight : weight.permute([dim, ...weight.shape.map((_, i) => i).filter((i) => i !== dim)]);
  return moved.reshape([moved.shape[0]!, -1]);
}

/**
 * `weight / sigma` with `sigma = u . (W v)` estimated from the stored singular vectors; in training the
 * vectors are first refined by `iterations` power-iteration steps and written back to the buffers.
 */
function computeWeight(module: Module, name: string, s: Settings, powerIteration: boolean): Tensor {
  const weight = field(module, `${name}_orig`) as Tensor;
  let u = field(module, `${name}_u`) as Tensor;
  let v = field(module, `${name}_v`) as Tensor;
  const matrix = asMatrix(weight, s.dim);
  if (powerIteration && s.iterations > 0) {
    // The vectors are constants of the graph (torch runs this under no_grad), so use detached copies.
    const w = matrix.detach();
    for (let i = 0; i < s.iterations; i++) {
      v = normalize(w.t().matmul(u.detach()), s.eps);
      u = normalize(w.matmul(v), s.eps);
    }
    writeInto(field(module, `${name}_u`) as Tensor, u);
    writeInto(field(module, `${name}_v`) as Tensor, v);
  }
  const sigma = u.detach().dot(matrix.matmul(v.detach()));
  return weight.div(sigma);
}

/**
 * Spectral normalisation (Miyato et al. 2018), as PyTorch 1.13's `nn.utils.spectral_norm`: the parameter
 * becomes `${name}_orig`, the estimated first singular vectors are the buffers `${name}_u` / `${name}_v`,
 * and before every call `name` is set to `orig / sigma`. Training calls run `nPowerIterations` power
 * iteration steps (updating the buffers); eval calls use the stored vectors. Returns the module.
 *
 * @example
 * ```ts
 * import { Linear, utils } from '@nn/nn';
 * import { randn } from '@nn/tensor';
 *
 * const layer = utils.spectralNorm(new Linear(20, 40));
 * console.log(Object.keys(layer.stateDict())); // [ 'bias', 'weight_orig', 'weight_u', 'weight_v' ]
 * layer.call(randn([4, 20])); // one power-iteration step, then the normalised weight is used
 * ```
 */
export function spectralNorm<M extends Module, N extends string = 'weight'>(
  module: M,
  options: SpectralNormOptions<N> = {},
): M & Record<`${N}_orig`, Parameter> & Record<`${N}_u` | `${N}_v`, Tensor> {
  checkOptions('spectralNorm', options, SPECTRAL_NORM_KEYS);
  const name = options.name ?? 'weight';
  checkNotApplied('spectralNorm', applied.get(module, name) !== undefined, 'spectral_norm', name);
  const weight = parameterOf('spectralNorm', module, name);
  const iterations = options.nPowerIterations ?? 1;
  if (!Number.isInteger(iterations) || iterations < 0) {
    throw new ValueError(
      'spectralNorm',
      `Expected nPowerIterations to be a non-negative integer, got nPowerIterations=${iterations}`,
    );
  }
  // PyTorch: ConvTranspose weights are [in, out, ...], so their output dim is 1.
  let dim = options.dim ?? (/^ConvTranspose[123]d$/.test(module.constructor.name) ? 1 : 0);
  if (dim < 0) dim += weight.ndim;
  if (!Number.isInteger(dim) || dim < 0 || dim >= weight.ndim) {
    throw new ValueError(
      'spectralNorm',
      `dim ${options.dim} is out of range for '${name}' of shape [${weight.shape.join(',')}]`,
    );
  }
  const eps = options.eps ?? 1e-12;
  const matrix = asMatrix(weight.detach(), dim);
  const [h, w] = matrix.shape as [number, number];
  const factory = { dtype: weight.dtype, device: weight.device };
  const u = normalize(randn([h], factory), eps);
  const v = normalize(randn([w], factory), eps);
  deleteField(module, name);
  module.registerParameter(`${name}_orig`, weight);
  setField(module, name, weight.detach());
  module.registerBuffer(`${name}_u`, u);
  module.registerBuffer(`${name}_v`, v);
  const settings: Settings = {
    handle: module.registerForwardPreHook((m) => {
      setField(m, name, computeWeight(m, name, settings, m.training));
    }),
    dim,
    iterations,
    eps,
  };
  applied.set(module, name, settings);
  return module as M & Record<`${N}_orig`, Parameter> & Record<`${N}_u` | `${N}_v`, Tensor>;
}

/**
 * Undoes {@link spectralNorm}: `name` becomes one parameter holding `orig / sigma` from the stored vectors
 * (`nn.utils.remove_spectral_norm`). Returns the module.
 */
export function removeSpectralNorm<M extends Module>(module: M, name = 'weight'): M {
  const settings = applied.get(module, name);
  if (!settings) {
    throw new ValueError(
      'removeSpectralNorm',
      `spectral_norm of '${name}' not found in ${module.constructor.name}; apply utils.spectralNorm(module) first`,
    );
  }
  const weight = computeWeight(module, name, settings, false).detach();
  applied.take(module, name);
  for (const suffix of ['', '_u', '_v', '_orig']) deleteField(module, `${name}${suffix}`);
  module.registerParameter(name, new Parameter(weight));
  return module;
}
