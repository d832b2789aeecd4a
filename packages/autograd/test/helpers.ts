import { Generator, randn, type Tensor } from '@nn/tensor';

const generator = new Generator(1234);

/** How a float64 test input is laid out in memory. */
export type Layout = 'contiguous' | 'transposed' | 'sliced';

export const layouts: readonly Layout[] = ['contiguous', 'transposed', 'sliced'];

/**
 * A float64 leaf requiring grad with `shape` and the given layout: transposed inputs are permuted views
 * of a reversed-shape base, sliced ones take every other element of a larger base. `map` reshapes the
 * values' range (e.g. into the domain of log).
 */
export function leaf(
  shape: readonly number[],
  layout: Layout = 'contiguous',
  map?: (t: Tensor) => Tensor,
): Tensor {
  const values = (s: readonly number[]) => {
    const t = randn(s, { dtype: 'float64', generator });
    return map ? map(t) : t;
  };
  let x: Tensor;
  if (layout === 'transposed' && shape.length >= 2) {
    const dims = shape.map((_, i) => shape.length - 1 - i);
    x = values([...shape].reverse()).permute(dims);
  } else if (layout === 'sliced' && shape.length >= 1) {
    const wide = [...shape];
    wide[wide.length - 1] = shape[shape.length - 1]! * 2;
    x = values(wide).slice(-1, 1, undefined, 2);
  } else {
    x = values(shape);
  }
  return x.requiresGrad_();
}

/** Values in (0.5, 1.5) + shift: the domain of log, sqrt, reciprocal, pow bases, divisors. */
export const positive = (t: Tensor) => t.sigmoid().add(0.5);
