import { type AutogradHook, autogradHook, setAutogradHook } from '@nn/tensor';
import { registerBuiltinFormulas } from './formulas/builtin';
import { checkRequiresGrad, record, shouldRecord } from './record';
import { backwardImpl } from './roots';
import { registerHook, retainGrad } from './tensor-hooks';

/** The implementation of @nn/tensor's recording seam. */
const hook: AutogradHook = {
  shouldRecord,
  record,
  backward: (tensor, gradient, options) => backwardImpl([tensor], [gradient], options),
  retainGrad,
  registerHook,
  setRequiresGrad: checkRequiresGrad,
};

/**
 * Installs autograd into @nn/tensor's dispatcher (idempotent). It runs when @nn/autograd is imported;
 * every public entry point calls it too, so a bundler that drops an unused import cannot leave
 * gradients silently off.
 */
export function ensureInstalled(): void {
  if (autogradHook() === hook) return;
  registerBuiltinFormulas();
  setAutogradHook(hook);
}

ensureInstalled();
