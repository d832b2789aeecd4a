import { ValueError } from '@nn/tensor';

// Messages follow torch.optim's ("Invalid learning rate: -1"), naming options as @nn spells them.

/** Fills options the caller left out (or passed as `undefined`) from `defaults`. */
export function withDefaults<O extends object>(defaults: O, options: Partial<O>): O {
  const out = { ...defaults };
  for (const [key, value] of Object.entries(options)) {
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
