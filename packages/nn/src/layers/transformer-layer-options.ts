import { type Tensor, ValueError } from '@nn/tensor';
import { gelu, relu } from '../functional/activation';
import { Module } from '../module/module';
import type { FactoryOptions } from './linear';

/** The feed-forward activation of a Transformer layer: torch's `'relu'`, `'gelu'`, a function or a module. */
export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor) | Module;

/** Options shared by {@link TransformerEncoderLayer}, {@link TransformerDecoderLayer} and `Transformer`. */
export interface TransformerLayerOptions extends FactoryOptions {
  /** Width of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block, and on attention weights (default 0.1). */
  dropout?: number;
  /** Feed-forward activation (default `'relu'`). */
  activation?: TransformerActivation;
  /** LayerNorm epsilon (default 1e-5). */
  layerNormEps?: number;
  /** Inputs are `[N, L, E]` rather than `[L, N, E]` (default false). */
  batchFirst?: boolean;
  /** Pre-norm: LayerNorm before attention and feed-forward rather than after the residual (default false). */
  normFirst?: boolean;
}

/** The activation as a function of a tensor; a module activation is called (it is also a registered child). */
export function activationFn(layer: string, activation: TransformerActivation): (x: Tensor) => Tensor {
  if (activation === 'relu') return relu;
  if (activation === 'gelu') return (x) => gelu(x);
  if (activation instanceof Module) return (x) => activation.call(x as never) as Tensor;
  if (typeof activation === 'function') return activation;
  throw new ValueError(
    layer,
    `activation should be 'relu', 'gelu', a function or a module, not ${String(activation)}`,
  );
}

/** A layer that can make a copy of itself with the same options and values (what torch's deepcopy gives). */
export interface Clonable extends Module {
  clone(): Module;
}

/** `layer.clone()` `count` times, each with `layer`'s parameter values, requiresGrad flags and mode. */
export function clones<M extends Clonable>(owner: string, layer: M, count: number): M[] {
  if (!Number.isInteger(count) || count < 0) {
    throw new ValueError(owner, `numLayers must be a non-negative integer, got ${count}`);
  }
  return Array.from({ length: count }, () => {
    const copy = layer.clone() as M;
    copy.loadStateDict(layer.stateDict());
    const flags = layer.parameters().map((p) => p.requiresGrad);
    copy.parameters().forEach((p, i) => {
      p.requiresGrad_(flags[i]!);
    });
    return copy.train(layer.training);
  });
}
