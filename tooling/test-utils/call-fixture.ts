import type { FixtureTensor } from './fixtures';

/**
 * A fixture case that names the function to call (tooling/fixtures/cases/tensor_ops_extended.py): a dotted
 * path into a namespace (`'linalg.inv'`), tensor inputs, extra positional arguments and options (an option
 * `{ input: i }` is input i), and the expected output: one tensor, an array of them, a record of named
 * tensors (`{ values, indices }`) or a boolean.
 */
export interface CallCase {
  fn: string;
  inputs: FixtureTensor[];
  args: unknown[];
  options?: Record<string, unknown>;
  /** Inputs passed one by one (true) or as one array (meshgrid). */
  spread: boolean;
  output: FixtureTensor | FixtureTensor[] | Record<string, FixtureTensor> | boolean;
  /** Upstream gradient per output in flattened order (null: not differentiable). */
  gradOutputs?: (FixtureTensor | null)[];
  /** Expected gradient per input (null: not a float input). */
  grads?: (FixtureTensor | null)[];
}

const NUMBERS: Record<string, number> = { inf: Infinity, '-inf': -Infinity };

function resolve<T>(value: unknown, inputs: readonly T[]): unknown {
  if (typeof value === 'string' && value in NUMBERS) return NUMBERS[value];
  if (value && typeof value === 'object' && 'input' in value)
    return inputs[(value as { input: number }).input];
  return value;
}

/** Calls the case's function on `inputs` (built by the caller from `c.inputs`). */
export function callFixture<T>(namespace: object, c: CallCase, inputs: readonly T[]): unknown {
  let fn: unknown = namespace;
  for (const part of c.fn.split('.')) fn = (fn as Record<string, unknown>)[part];
  if (typeof fn !== 'function') throw new Error(`callFixture: no function '${c.fn}' in the namespace`);
  const referenced = new Set(
    Object.values(c.options ?? {}).flatMap((v) =>
      v && typeof v === 'object' && 'input' in v ? [v.input] : [],
    ),
  );
  const positional = inputs.filter((_, i) => !referenced.has(i));
  const args = c.args.map((a) => resolve(a, inputs));
  const options = c.options
    ? Object.fromEntries(Object.entries(c.options).map(([k, v]) => [k, resolve(v, inputs)]))
    : undefined;
  const head = c.spread ? positional : [positional];
  return (fn as (...a: unknown[]) => unknown)(...head, ...args, ...(options ? [options] : []));
}

/** The result's tensors paired with the expected ones, in the case's order (records by key). */
export function outputPairs<T>(result: unknown, c: CallCase): [T, FixtureTensor][] {
  const expected = c.output;
  if (typeof expected === 'boolean') throw new Error('outputPairs: the case expects a boolean');
  if (Array.isArray(expected)) {
    const got = result as T[];
    if (!Array.isArray(got) || got.length !== expected.length) {
      throw new Error(
        `${c.fn}: expected ${expected.length} outputs, got ${Array.isArray(got) ? got.length : 'one'}`,
      );
    }
    return expected.map((e, i) => [got[i]!, e]);
  }
  if ('shape' in expected && 'data' in expected) return [[result as T, expected as FixtureTensor]];
  return Object.entries(expected as Record<string, FixtureTensor>).map(([k, e]) => [
    (result as Record<string, T>)[k]!,
    e,
  ]);
}
