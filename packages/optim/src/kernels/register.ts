import { registerKernel } from '@nn/tensor';
import { adadeltaStep } from './adadelta';
import { adagradStep } from './adagrad';
import { adamStep } from './adam';
import { adamaxStep } from './adamax';
import { asgdStep } from './asgd';
import { nadamStep } from './nadam';
import { radamStep } from './radam';
import { rmspropStep } from './rmsprop';
import { rpropStep } from './rprop';
import { sgdStep } from './sgd';

let registered = false;

/**
 * Registers the CPU update kernels (once; called when the first optimizer is built, so importing
 * @nn/optim has no side effects). Other backends register the same names for their device.
 */
export function registerOptimizerKernels(): void {
  if (registered) return;
  registered = true;
  registerKernel('sgdStep', 'cpu', sgdStep);
  registerKernel('adamStep', 'cpu', adamStep);
  registerKernel('rmspropStep', 'cpu', rmspropStep);
  registerKernel('adagradStep', 'cpu', adagradStep);
  registerKernel('adamaxStep', 'cpu', adamaxStep);
  registerKernel('nadamStep', 'cpu', nadamStep);
  registerKernel('adadeltaStep', 'cpu', adadeltaStep);
  registerKernel('radamStep', 'cpu', radamStep);
  registerKernel('rpropStep', 'cpu', rpropStep);
  registerKernel('asgdStep', 'cpu', asgdStep);
}
