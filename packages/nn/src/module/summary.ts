import { noGrad } from '@nn/autograd';
import { checkOptions, type DType, Tensor, zeros } from '@nn/tensor';
import { SUMMARY_KEYS } from '../utils/option-keys';
import type { Module, RemovableHandle } from './module';

/** Options of {@link summary}. */
export interface SummaryOptions {
  /** dtype of the zero input fed through the model (default float32). */
  dtype?: DType;
  /** Device of the zero input (default `'cpu'`). */
  device?: string;
}

interface Row {
  module: Module;
  depth: number;
  index: string;
  output: string;
}

const WIDTH = 90;
const rule = (c: string) => c.repeat(WIDTH);
const pad = (s: string, n: number) => (s.length >= n ? `${s} ` : s.padEnd(n));
const count = (n: number) => n.toLocaleString('en-US');

function shapeOf(value: unknown): string {
  if (value instanceof Tensor) return `[${value.shape.join(', ')}]`;
  if (Array.isArray(value)) return value.map(shapeOf).join(', ');
  return '--';
}

/**
 * Runs a zero input of `inputShape` (batch dim included) through `model` without recording gradients and
 * returns a table in torchinfo's layout: each module called, nested by depth, with its output shape and
 * parameter count, then the totals.
 *
 * @example console.log(summary(model, [1, 1, 28, 28]));
 */
export function summary(model: Module, inputShape: readonly number[], options: SummaryOptions = {}): string {
  checkOptions('summary', options, SUMMARY_KEYS);
  const depthOf = new Map<Module, number>();
  for (const [name, m] of model.namedModules()) depthOf.set(m, name === '' ? 0 : name.split('.').length);
  const rows: Row[] = [];
  const siblings: number[] = [];
  const handles: RemovableHandle[] = [];
  for (const m of depthOf.keys()) {
    handles.push(
      m.registerForwardPreHook((mod) => {
        const depth = depthOf.get(mod)!;
        siblings.length = depth + 1;
        siblings[depth] = (siblings[depth] ?? 0) + 1;
        rows.push({ module: mod, depth, index: `${depth}-${siblings[depth]}`, output: '--' });
      }),
      m.registerForwardHook((mod, _args, output) => {
        const row = rows.findLast((r) => r.module === mod && r.output === '--');
        if (row) row.output = shapeOf(output);
      }),
    );
  }
  const modes = model.modules().map((m) => [m, m.training] as const);
  model.eval();
  try {
    const input = zeros(inputShape, {
      ...(options.dtype ? { dtype: options.dtype } : {}),
      ...(options.device ? { device: options.device } : {}),
    });
    // In eval mode, so BatchNorm's running statistics (and anything else a training step updates) stay
    // as they were; each module's own mode is restored afterwards.
    noGrad(() => model.call(input as never));
  } finally {
    for (const h of handles) h.remove();
    for (const [m, training] of modes) m.training = training;
  }
  const params = model.parameters();
  const total = params.reduce((n, p) => n + p.numel(), 0);
  const trainable = params.filter((p) => p.requiresGrad).reduce((n, p) => n + p.numel(), 0);
  const lines = [
    rule('='),
    `${pad('Layer (type:depth-idx)', 41)}${pad('Output Shape', 26)}Param #`,
    rule('='),
  ];
  for (const row of rows) {
    const name = row.module.constructor.name;
    const label =
      row.depth === 0
        ? name
        : `${'│    '.repeat(row.depth - 1)}${row.depth === 1 ? '├─' : '└─'}${name}: ${row.index}`;
    const own =
      row.module.children().length === 0 ? row.module.parameters().reduce((n, p) => n + p.numel(), 0) : 0;
    lines.push(`${pad(label, 41)}${pad(row.output, 26)}${own === 0 ? '--' : count(own)}`);
  }
  lines.push(
    rule('='),
    `Total params: ${count(total)}`,
    `Trainable params: ${count(trainable)}`,
    `Non-trainable params: ${count(total - trainable)}`,
    rule('='),
  );
  return lines.join('\n');
}
