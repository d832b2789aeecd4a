import { type CaseSpec, type ConformanceCase, defineCase } from '../conformance-case';

const SHAPE = [2, 3, 4];

const view = (spec: Omit<CaseSpec, 'inputs' | 'view'> & { shape?: number[] }): ConformanceCase =>
  defineCase({ ...spec, inputs: (s) => [s.float(spec.shape ?? SHAPE)], view: true });

/**
 * View ops: device-independent kernels that only change shape, strides and offset. On every device the
 * outputs must share the input's storage, read nothing on the host, and index the right elements of
 * strided, sliced and broadcast inputs.
 */
export function viewCases(): ConformanceCase[] {
  return [
    // view needs strides it can merge: transposed and broadcast inputs cannot be viewed as [6,4].
    view({ name: 'view', kernels: ['view'], layouts: ['contiguous', 'sliced'], run: ([x]) => x!.view(6, 4) }),
    view({
      name: 'reshape/as-view',
      kernels: ['view'],
      layouts: ['contiguous', 'sliced'],
      run: ([x]) => x!.reshape(2, 6, 2),
    }),
    view({
      name: 'unsqueeze-squeeze',
      kernels: ['view'],
      run: ([x]) => x!.unsqueeze(1).squeeze(1).unsqueeze(-1),
    }),
    view({ name: 'unflatten', kernels: ['view'], run: ([x]) => x!.unflatten(2, [2, 2]) }),
    view({ name: 'permute', kernels: ['permute'], run: ([x]) => x!.permute(2, 0, 1) }),
    view({ name: 'transpose', kernels: ['permute'], run: ([x]) => x!.transpose(0, 2) }),
    view({ name: 't', kernels: ['permute'], shape: [3, 4], run: ([x]) => x!.t() }),
    view({ name: 'mT', kernels: ['permute'], run: ([x]) => x!.mT }),
    view({
      name: 'expand',
      kernels: ['expand'],
      shape: [2, 1, 4],
      run: ([x]) => x!.expand(3, 2, 5, 4).select(2, 1),
    }),
    view({ name: 'slice', kernels: ['slice'], run: ([x]) => x!.slice(2, 1, undefined, 2) }),
    view({ name: 'narrow', kernels: ['slice'], run: ([x]) => x!.narrow(1, 1, 2) }),
    view({ name: 'split', kernels: ['slice'], run: ([x]) => x!.split([1, 3], 2) }),
    view({ name: 'chunk', kernels: ['slice'], run: ([x]) => x!.chunk(2, 1) }),
    view({ name: 'select', kernels: ['select'], run: ([x]) => x!.select(1, -1) }),
    view({ name: 'unbind', kernels: ['select'], run: ([x]) => x!.unbind(2) }),
    view({ name: 'diagonal', kernels: ['diagonal'], run: ([x]) => x!.diagonal(1, 1, 2) }),
    view({ name: 'diagonal/negative-offset', kernels: ['diagonal'], run: ([x]) => x!.diagonal(-1, 2, 0) }),
    view({
      name: 'chained-views',
      kernels: ['permute', 'slice', 'select', 'view', 'expand'],
      layouts: ['contiguous', 'sliced'],
      run: ([x]) =>
        x!.view(2, 12).slice(1, 1, 11, 3).unsqueeze(0).expand(2, 2, 4).permute(2, 1, 0).select(2, 1),
    }),
  ];
}
