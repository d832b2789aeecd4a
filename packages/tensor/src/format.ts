import { isIntegral } from './kernel/dtype';
import { contiguousStrides } from './kernel/shape';
import type { Tensor } from './tensor';

const threshold = 1000;
const edgeItems = 3;
const lineWidth = 80;

/** Python's `{:.4e}`: two-digit exponent with sign. */
function exponential(v: number, digits: number): string {
  const [mantissa, exp = '0'] = v.toExponential(digits).split('e');
  const sign = exp.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${exp.replace(/^[+-]/, '').padStart(2, '0')}`;
}

function special(v: number): string | undefined {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return undefined;
}

/** Chooses one format for all printed values, as torch's _Formatter does. */
function formatterFor(dtype: Tensor['dtype'], shown: (number | bigint)[]): (v: number | bigint) => string {
  if (dtype === 'bool') return (v) => (v ? 'True' : 'False');
  if (isIntegral(dtype)) return (v) => String(v); // int64 values are bigints: printed exactly
  const values = shown as number[];
  const finite = values.filter((v) => Number.isFinite(v) && v !== 0).map(Math.abs);
  const float = (f: (v: number) => string) => (v: number | bigint) => special(v as number) ?? f(v as number);
  if (finite.length === 0) return float((v) => `${v.toFixed(0)}.`);
  const max = Math.max(...finite);
  const min = Math.min(...finite);
  const integral = finite.every((v) => Math.ceil(v) === v);
  if (integral) {
    if (max / min > 1000 || max > 1e8) return float((v) => exponential(v, 4));
    return float((v) => `${v.toFixed(0)}.`);
  }
  if (max / min > 1000 || max > 1e8 || min < 1e-4) return float((v) => exponential(v, 4));
  return float((v) => v.toFixed(4));
}

/** PyTorch-style text of a tensor: `tensor([[1.0000, 2.0000]], dtype=float64)`. */
export function formatTensor(t: Tensor): string {
  let values: ArrayLike<number | bigint>;
  try {
    values = t.dtype === 'int64' ? t.rawDataSync('toString') : t.dataSync();
  } catch {
    return `tensor(<${t.shape.join('x')} ${t.dtype} on ${t.device}; read with await data()>)`;
  }
  const summarize = t.numel() > threshold;
  const strides = contiguousStrides(t.shape);
  const indices = (size: number) =>
    summarize && size > 2 * edgeItems
      ? [
          ...Array.from({ length: edgeItems }, (_, i) => i),
          -1,
          ...Array.from({ length: edgeItems }, (_, i) => size - edgeItems + i),
        ]
      : Array.from({ length: size }, (_, i) => i);
  const shown: (number | bigint)[] = [];
  const collect = (dim: number, base: number) => {
    if (dim === t.ndim) shown.push(values[base]!);
    else for (const i of indices(t.shape[dim]!)) if (i >= 0) collect(dim + 1, base + i * strides[dim]!);
  };
  // An empty tensor shows no values: never walk its (possibly huge) other dims.
  if (t.numel() > 0) collect(0, 0);
  const format = formatterFor(t.dtype, shown);
  const width = Math.max(...shown.map((v) => format(v).length), 0);

  const render = (dim: number, base: number, indent: number): string => {
    if (dim === t.ndim - 1) {
      // The last dim wraps at 80 columns like torch's _vector_str.
      const perLine = Math.max(1, Math.floor((lineWidth - indent) / (width + 2)));
      const items = indices(t.shape[dim]!).map((i) =>
        i < 0 ? ' ...' : format(values[base + i * strides[dim]!]!).padStart(width),
      );
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
      return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
    }
    const parts = indices(t.shape[dim]!).map((i) =>
      i < 0 ? '...' : render(dim + 1, base + i * strides[dim]!, indent + 1),
    );
    return `[${parts.join(`,${'\n'.repeat(t.ndim - dim - 1)}${' '.repeat(indent + 1)}`)}]`;
  };
  const body = t.ndim === 0 ? format(values[0]!) : t.numel() === 0 ? '[]' : render(0, 0, 'tensor('.length);
  const suffix: string[] = [];
  if (t.numel() === 0 && t.ndim !== 1) suffix.push(`size=[${t.shape.join(', ')}]`);
  if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') suffix.push(`dtype=${t.dtype}`);
  if (t.device !== 'cpu') suffix.push(`device='${t.device}'`);
  if (t.gradFn) suffix.push(`gradFn=<${(t.gradFn as { name?: string }).name ?? 'Backward'}>`);
  else if (t.requiresGrad) suffix.push('requiresGrad=true');
  return `tensor(${body}${suffix.map((s) => `, ${s}`).join('')})`;
}
