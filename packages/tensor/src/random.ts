import { Generator } from './kernel/generator';

// The generator lives with the kernels (backends seed their own streams from it); re-exported here.
export { Generator };

/** The generator random functions use when none is given. */
export const defaultGenerator = new Generator(0);

/** Seeds the default generator (torch.manual_seed). */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
