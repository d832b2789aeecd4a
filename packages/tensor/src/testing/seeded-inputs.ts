import { allocate, type DType, Generator, Tensor } from '..';
import { shapeSize } from '../kernel/shape';

/**
 * What values an input needs: `any` (normal floats, small signed ints, random bools), `positive`
 * (logs, roots, pow bases), `nonzero` (divisors) or `exponent` (small powers, non-negative for ints).
 */
export type Domain = 'any' | 'positive' | 'nonzero' | 'exponent';

/**
 * Seeded CPU inputs built straight from a {@link Generator} (no kernels run, so a broken kernel cannot
 * corrupt the inputs of the cases that test it).
 */
export class SeededInputs {
  readonly #g: Generator;

  constructor(seed: number) {
    this.#g = new Generator(seed);
  }

  /** A contiguous tensor of `dtype` with values drawn from `domain`. */
  of(dtype: DType, shape: readonly number[], domain: Domain = 'any'): Tensor {
    const n = shapeSize(shape);
    const values = allocate(dtype, n);
    const draw =
      dtype === 'int32' ? this.#int(domain) : dtype === 'bool' ? this.#bool(domain) : this.#float(domain);
    for (let i = 0; i < n; i++) values[i] = draw();
    return Tensor.fromArray(values, shape, dtype);
  }

  /** float32 values from `domain`. */
  float(shape: readonly number[], domain: Domain = 'any'): Tensor {
    return this.of('float32', shape, domain);
  }

  /** int32 values uniform in `[low, high)` (indices, class labels). */
  index(shape: readonly number[], high: number, low = 0): Tensor {
    const n = shapeSize(shape);
    const values = new Int32Array(n);
    for (let i = 0; i < n; i++) values[i] = this.#g.integer(low, high);
    return Tensor.fromArray(values, shape, 'int32');
  }

  /** int32 indices whose every lane along `dim` is a permutation of `0..shape[dim]-1` (unique scatter targets). */
  permutations(shape: readonly number[], dim: number): Tensor {
    const size = shape[dim]!;
    const inner = shapeSize(shape.slice(dim + 1));
    const outer = shapeSize(shape.slice(0, dim));
    const values = new Int32Array(outer * size * inner);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const lane = Array.from({ length: size }, (_, k) => k);
        for (let k = size - 1; k > 0; k--) {
          const j = this.#g.integer(0, k + 1);
          [lane[k], lane[j]] = [lane[j]!, lane[k]!];
        }
        lane.forEach((v, k) => {
          values[(o * size + k) * inner + i] = v;
        });
      }
    }
    return Tensor.fromArray(values, shape, 'int32');
  }

  #float(domain: Domain): () => number {
    const g = this.#g;
    switch (domain) {
      case 'positive':
        return () => 0.1 + 3 * g.random();
      case 'nonzero':
        return () => (g.random() < 0.5 ? -1 : 1) * (0.5 + 1.5 * g.random());
      case 'exponent':
        return () => 4 * g.random() - 2;
      default:
        return () => 2 * g.normal();
    }
  }

  #int(domain: Domain): () => number {
    const g = this.#g;
    switch (domain) {
      case 'positive':
        return () => g.integer(1, 10);
      case 'nonzero':
        return () => (g.random() < 0.5 ? -1 : 1) * g.integer(1, 5);
      case 'exponent':
        return () => g.integer(0, 4);
      default:
        return () => g.integer(-5, 6);
    }
  }

  #bool(domain: Domain): () => number {
    const g = this.#g;
    return domain === 'positive' || domain === 'nonzero' ? () => 1 : () => g.integer(0, 2);
  }
}
