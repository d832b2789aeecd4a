import { opaque, type Tensor, writeInto } from '@nn/tensor';

/**
 * Runs an update written with tensor ops (no fused kernel) without autograd recording, then writes each
 * result into its target in place (bumping storage versions), as the fused kernels' `runUpdate` does.
 * `compute` returns the new values in the order of `targets`.
 */
export function updateInPlace(targets: readonly Tensor[], compute: () => Tensor[]): void {
  opaque(() => {
    const values = compute();
    targets.forEach((target, i) => {
      writeInto(target, values[i]!);
    });
  });
}
