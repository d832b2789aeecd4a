import { ValueError } from '@nn/tensor';
import { Accuracy } from './accuracy';
import type { Metric } from './metric';
import { MeanAbsoluteError, MeanSquaredError, R2Score } from './regression';

/** Metric names accepted in place of instances, as Keras's `metrics=['accuracy']`. */
export type MetricName = 'accuracy' | 'mse' | 'mae' | 'r2';

const BY_NAME: Record<MetricName, () => Metric> = {
  accuracy: () => new Accuracy(),
  mse: () => new MeanSquaredError(),
  mae: () => new MeanAbsoluteError(),
  r2: () => new R2Score(),
};

/** A Metric for a name or the metric itself; the names must be unique (they key the logs). */
export function resolveMetrics(op: string, metrics: readonly (Metric | MetricName)[]): Metric[] {
  const resolved = metrics.map((m) => {
    if (typeof m !== 'string') return m;
    const make = BY_NAME[m];
    if (!make) {
      throw new ValueError(
        op,
        `unknown metric '${m}'; use one of ${Object.keys(BY_NAME).join(', ')} or a Metric instance`,
      );
    }
    return make();
  });
  const names = resolved.map((m) => m.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined || names.includes('loss')) {
    throw new ValueError(
      op,
      `two values would be logged as '${duplicate ?? 'loss'}'; give the metrics distinct names ({ name })`,
    );
  }
  return resolved;
}
