import { checkOptions, type OptionKeys, ValueError } from '@nn/tensor';

// Messages follow torch.optim's ("Invalid learning rate: -1"), naming options as @nn spells them.

/** The option names of an optimizer: the keys of its full `defaults`. */
export function optionKeys<O extends object>(defaults: O): OptionKeys<O> {
  return Object.fromEntries(Object.keys(defaults).map((key) => [key, true])) as OptionKeys<O>;
}

/**
 * Fills options the caller left out (or passed as `undefined`) from `defaults`, which lists every option
 * `op` has: any other key is an error naming it and the nearest valid one.
 */
export function withDefaults<O extends object>(op: string, defaults: O, options: Partial<O>): O {
  const out = { ...defaults };
  for (const [key, value] of Object.entries(checkOptions(op, options, optionKeys(defaults)))) {
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** Throws unless `lr >= 0`. */
export function checkLr(op: string, lr: number): void {
  if (!(lr >= 0)) throw new ValueError(op, `Invalid learning rate: ${lr}`);
}

/** Throws unless `value >= 0`, e.g. `Invalid weightDecay value: -1`. */
export function checkNonNegative(op: string, label: string, value: number): void {
  if (!(value >= 0)) throw new ValueError(op, `Invalid ${label} value: ${value}`);
}

/** Throws unless both betas lie in [0, 1). */
export function checkBetas(op: string, betas: readonly [number, number]): void {
  betas.forEach((beta, i) => {
    if (!(beta >= 0 && beta < 1)) throw new ValueError(op, `Invalid beta parameter at index ${i}: ${beta}`);
  });
}
