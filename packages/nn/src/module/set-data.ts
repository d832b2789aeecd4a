import type { Tensor } from '@nn/tensor';

type WritableView = { -readonly [K in 'storage' | 'shape' | 'strides' | 'offset']: Tensor[K] };

/**
 * Points `target` at `source`'s data (storage, shape, strides, offset, hence dtype and device), keeping the
 * `target` object: torch's `tensor.data = source`. `Module.to()` uses it so that whoever holds a parameter or
 * its gradient (an optimizer, a hook) sees the converted tensor. The view fields are readonly to users;
 * this is the one place that rewrites them.
 */
export function setData(target: Tensor, source: Tensor): void {
  if (target === source) return;
  const view = target as WritableView;
  view.storage = source.storage;
  view.shape = source.shape;
  view.strides = source.strides;
  view.offset = source.offset;
}
