/**
 * How {@link pad} fills: a constant, the mirror image without the edge (`reflect`), the edge repeated
 * (`replicate`), or the input wrapped around (`circular`).
 */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Every {@link PadMode}, in the order errors list them. */
export const PAD_MODES: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

/**
 * Where each output position of {@link pad} along one dim reads from: the input index, or -1 where the
 * constant goes. Shared by the CPU kernel and the gradient (which adds each output's gradient into the
 * index it read), so backends that implement `pad` can use it too. Expects `pad`'s validated amounts.
 *
 * Negative amounts crop. `reflect`/`replicate` mirror or clamp `i - before` into the whole input, as
 * PyTorch does; `circular` wraps around the part the cropping keeps, as PyTorch's `_pad_circular` copies
 * the kept part first and then the wrapped edges from it.
 */
export function padSourceIndices(size: number, before: number, after: number, mode: PadMode): Int32Array {
  const out = new Int32Array(size + before + after);
  const croppedBefore = Math.max(-before, 0);
  const kept = size - croppedBefore - Math.max(-after, 0);
  for (let i = 0; i < out.length; i++) {
    let s = i - before;
    if (mode === 'reflect') s = s < 0 ? -s : s >= size ? 2 * (size - 1) - s : s;
    else if (mode === 'replicate') s = Math.min(Math.max(s, 0), size - 1);
    else if (mode === 'circular') s = croppedBefore + ((((s - croppedBefore) % kept) + kept) % kept);
    out[i] = s >= 0 && s < size ? s : -1;
  }
  return out;
}
