import type { Tensor, ValuesIndices } from '..';
import { SeededInputs } from './seeded-inputs';

/**
 * How the conformance checker lays an input out on the device under test (the values the op sees are
 * the same as the reference's, except `expanded`, whose reference is the broadcast copy):
 * - `contiguous`: row-major, offset 0;
 * - `transposed`: a permuted view (all dims reversed) of a contiguous tensor;
 * - `sliced`: every second element of the last dim of a bigger tensor (offset 1, step 2);
 * - `expanded`: dim 0 broadcast (stride 0) from size 1.
 */
export type Layout = 'contiguous' | 'transposed' | 'sliced' | 'expanded';

/** Every layout, in the order the checker runs them. */
export const ALL_LAYOUTS: readonly Layout[] = ['contiguous', 'transposed', 'sliced', 'expanded'];

/** One op invocation that every backend must compute like the CPU backend does on contiguous inputs. */
export interface ConformanceCase {
  /** Unique, e.g. `'add/float32'`, `'sum/dims=[0,2]'`. */
  readonly name: string;
  /** The kernels the case exercises (registry names); together they cover every registered kernel. */
  readonly kernels: readonly string[];
  /** Builds the seeded, contiguous CPU inputs (fresh tensors on every call, same values). */
  inputs(): Tensor[];
  /** The layouts the checker tries on the device (the op must accept each). */
  readonly layouts: readonly Layout[];
  /** Indices of the inputs the layouts apply to; the others stay contiguous (index tensors, say). */
  readonly relayout?: readonly number[];
  /** Runs the op on inputs that all live on `device`; returns its output(s). */
  run(inputs: readonly Tensor[], device: string): Tensor | readonly Tensor[];
  /** The input the op writes in place; every other input must come out unchanged. */
  readonly inplace?: number;
  /** A view op: its outputs share input 0's storage and it reads no device data on the host. */
  readonly view?: boolean;
  /** The op moves data to the host by design (`toDevice`), so the no-host-reads check does not apply. */
  readonly readsHost?: boolean;
}

/** {@link ConformanceCase} fields as written by case modules: seeded inputs, layouts defaulting to all. */
export interface CaseSpec extends Omit<ConformanceCase, 'inputs' | 'layouts'> {
  inputs(seeded: SeededInputs): Tensor[];
  layouts?: readonly Layout[];
}

/** FNV-1a of the case name: each case gets its own stable seed. */
function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Turns a case spec into a case whose inputs are regenerated from a seed derived from its name. */
export function defineCase(spec: CaseSpec): ConformanceCase {
  const seed = seedOf(spec.name);
  return { ...spec, layouts: spec.layouts ?? ALL_LAYOUTS, inputs: () => spec.inputs(new SeededInputs(seed)) };
}

/** The two outputs of max/min/sort/topk/maxPool2dWithIndices, in kernel order. */
export function valuesIndices({ values, indices }: ValuesIndices): Tensor[] {
  return [values, indices];
}
