import { runKernelMulti, scaledDotProductAttention } from '../..';
import { type ConformanceCase, defineCase } from '../conformance-case';

/** The fused attention kernel and its backward, across tile edges, with float, bool and causal masks. */
export function attentionCases(): ConformanceCase[] {
  return [
    defineCase({
      name: 'scaledDotProductAttention/float-mask',
      kernels: ['scaledDotProductAttention'],
      inputs: (s) => [s.float([2, 40, 6]), s.float([2, 70, 6]), s.float([2, 70, 3]), s.float([2, 40, 70])],
      run: ([q, k, v, mask]) => scaledDotProductAttention(q!, k!, v!, { attnMask: mask! }),
    }),
    defineCase({
      name: 'scaledDotProductAttention/float64-bool-mask',
      kernels: ['scaledDotProductAttention'],
      inputs: (s) => [
        s.of('float64', [3, 5, 4]),
        s.of('float64', [3, 9, 4]),
        s.of('float64', [3, 9, 2]),
        s.float([3, 5, 9]).gt(-1),
      ],
      run: ([q, k, v, keep]) =>
        runKernelMulti('scaledDotProductAttention', [q!, k!, v!, keep!], { scale: 0.7, isCausal: false }),
    }),
    defineCase({
      name: 'scaledDotProductAttentionBackward/causal',
      kernels: ['scaledDotProductAttentionBackward'],
      inputs: (s) => [s.float([2, 37, 3]), s.float([2, 37, 5]), s.float([2, 66, 5]), s.float([2, 66, 3])],
      run: ([grad, q, k, v]) => {
        const attrs = { scale: 0.5, isCausal: true };
        const [out, lse] = runKernelMulti('scaledDotProductAttention', [q!, k!, v!], attrs);
        return runKernelMulti('scaledDotProductAttentionBackward', [grad!, q!, k!, v!, out!, lse!], attrs);
      },
    }),
  ];
}
