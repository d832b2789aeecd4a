import { cat, ShapeError, type Tensor, writeInto } from '@nn/tensor';

/** All parameters flattened and concatenated into one 1-D tensor (`torch.nn.utils.parameters_to_vector`). */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  return cat([...parameters].map((p) => p.reshape([-1])));
}

/**
 * Copies consecutive slices of the 1-D `vec` into `parameters`, in order, without recording gradients
 * (`torch.nn.utils.vector_to_parameters`). `vec` must have exactly as many elements as the parameters.
 */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  const params = [...parameters];
  const total = params.reduce((n, p) => n + p.numel(), 0);
  if (vec.ndim !== 1 || vec.shape[0] !== total) {
    throw new ShapeError(
      'vectorToParameters',
      `expected a 1-D vector of ${total} elements (the parameters' total), got shape [${vec.shape.join(',')}]`,
    );
  }
  let offset = 0;
  for (const p of params) {
    const n = p.numel();
    writeInto(p, vec.detach().narrow(0, offset, n).reshape(p.shape));
    offset += n;
  }
}
