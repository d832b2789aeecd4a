import { ValueError } from './kernel/errors';

/**
 * Every key of an options type, each mapped to `true`: `{ lr: true, betas: true, ... }`. Written as an
 * object literal, TypeScript checks that it lists exactly the interface's keys, so the runtime list of
 * valid options cannot drift from the types.
 */
export type OptionKeys<T> = { readonly [K in keyof Required<T>]: true };

/** The edit distance of `a` and `b` (insertions, deletions, substitutions and swaps of neighbours). */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, before[j - 2]! + 1);
      row.push(best);
    }
    before = previous;
    previous = row;
  }
  return previous[b.length]!;
}

/** Case, `_` and `-` ignored: `weight_decay`, `WeightDecay` and `weightdecay` all mean `weightDecay`. */
const normalize = (key: string): string => key.toLowerCase().replace(/[_\-\s]/g, '');

/** The valid option closest to `key`, if one is close enough to be a likely typo. */
function nearest(key: string, valid: readonly string[]): string | undefined {
  const wanted = normalize(key);
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(wanted.length / 3));
  for (const candidate of valid) {
    const distance = editDistance(wanted, normalize(candidate));
    if (distance === 0) return candidate;
    if (distance <= bestDistance) {
      best = candidate;
      bestDistance = distance - 1;
    }
  }
  // An abbreviation (`delim` for `delimiter`) is as likely as a typo.
  return (
    best ??
    (wanted.length >= 3 ? valid.find((candidate) => normalize(candidate).startsWith(wanted)) : undefined)
  );
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'object'}`;
  if (typeof value === 'string') return `string '${value}'`;
  return `${typeof value} ${String(value)}`;
}

/**
 * Checks the options object passed to the public function `fn` and returns it (`{}` for `undefined`). Unknown
 * keys are an error naming `fn`, the key and the nearest valid one (`Adam: unknown option 'weight_decay'; did
 * you mean 'weightDecay'?`), as are a non-object (a positional `true` where `{ keepdim: true }` was meant)
 * and an object of another class. Keys whose value is `undefined` count as absent.
 *
 * @throws {ValueError} for an unknown key or a value that is not a plain object.
 * @example
 * ```ts
 * const KEYS: OptionKeys<AdamOptions> = { lr: true, betas: true, eps: true, weightDecay: true, amsgrad: true };
 * const { lr = 1e-3 } = checkOptions('Adam', options, KEYS);
 * ```
 */
export function checkOptions<T extends object>(fn: string, options: T | undefined, keys: OptionKeys<T>): T {
  if (options === undefined) return {} as T;
  const valid = Object.keys(keys);
  const list = valid.join(', ');
  const prototype =
    typeof options === 'object' && options !== null ? Object.getPrototypeOf(options) : undefined;
  if (prototype !== Object.prototype && prototype !== null) {
    throw new ValueError(fn, `expected an options object { ${list} }, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(keys, key) || (options as Record<string, unknown>)[key] === undefined) continue;
    const guess = nearest(key, valid);
    throw new ValueError(
      fn,
      `unknown option '${key}'; ${guess === undefined ? `valid options are { ${list} }` : `did you mean '${guess}'?`}`,
    );
  }
  return options;
}
