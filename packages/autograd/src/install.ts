import { type AutogradHook, autogradHook, setAutogradHook } from '@nn/tensor';
import { registerBuiltinFormulas } from './formulas/builtin';
import { checkRequiresGrad, record, shouldRecord } from './record';
import { backwardImpl, gradientsAndOptions } from './roots';
import { registerHook, retainGrad } from './tensor-hooks';

/** The implementation of @nn/tensor's recording seam. */
const hook: AutogradHook = {
  shouldRecord,
  record,
  backward: (tensor, gradient, options) => {
    const [g, o] = gradientsAndOptions(gradient, options);
    backwardImpl([tensor], Array.isArray(g) ? g : [g as never], o);
  },
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
