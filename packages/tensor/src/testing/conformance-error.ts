import { NNError } from '..';

/** A backend computed something other than the CPU reference: names the case, layout, device and values. */
export class ConformanceError extends NNError {
  override name = 'ConformanceError';
}
