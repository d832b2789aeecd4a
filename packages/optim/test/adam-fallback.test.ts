import { assertClose } from '@nn/tooling/test-utils';
import { describe, it, vi } from 'vitest';
import { adamFloat32Cases, runSteps, setup, tolerance } from './optimizer-fixtures';

// Hosts without WebAssembly SIMD run float32 Adam through the generated JS loop (computing in float64,
// rounding the state to float32): it must still follow torch's trajectories within the float32 tolerance.
vi.mock('../src/kernels/adam-simd', () => ({
  simdAdamLoop: () => undefined,
  adamMomentMemory: () => undefined,
}));

describe.each(adamFloat32Cases)('%s without WebAssembly SIMD', (_name, c) => {
  it("follows PyTorch's 20-step trajectory", () => {
    const { params, optimizer } = setup(c);
    runSteps(c, params, optimizer, 0, c.trajectory.length).forEach((step, s) => {
      for (const [i, p] of step.entries())
        assertClose(p, c.trajectory[s]![i]!, tolerance(c.dtype), `step ${s + 1} param ${i}`);
    });
  });
});
