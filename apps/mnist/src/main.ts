import { parseArgs } from 'node:util';
import type { DawnBackend, GpuBackendOptions, GpuMode } from '@nn/backend-gpu';
import { prepareDevice } from './device';
import { trainMnist } from './train';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'mlp' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string', default: '64' },
    lr: { type: 'string', default: '0.003' },
    schedule: { type: 'string', default: 'onecycle' },
    seed: { type: 'string', default: '0' },
    device: { type: 'string', default: 'cpu' },
    'gpu-mode': { type: 'string' },
    'dawn-backend': { type: 'string' },
    out: { type: 'string' },
    limit: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    'usage: pnpm start [--model mlp|cnn] [--epochs N] [--batch-size 64] [--lr 0.003] [--schedule onecycle|constant] [--seed 0] [--device cpu|gpu] [--gpu-mode webasm|webgpu|cpu|...] [--dawn-backend vulkan|opengles] [--out file.safetensors] [--limit N]\n',
  );
  process.exit(0);
}

const model = values.model === 'cnn' ? 'cnn' : values.model === 'mlp' ? 'mlp' : undefined;
if (!model) {
  process.stderr.write(`--model must be mlp or cnn, got ${values.model}\n`);
  process.exit(2);
}
const schedule =
  values.schedule === 'onecycle' || values.schedule === 'constant' ? values.schedule : undefined;
if (!schedule) {
  process.stderr.write(`--schedule must be onecycle or constant, got ${values.schedule}\n`);
  process.exit(2);
}
const number = (name: string, text: string | undefined, fallback: number): number => {
  const v = text === undefined ? fallback : Number(text);
  if (!Number.isFinite(v) || v <= 0) {
    process.stderr.write(`--${name} must be a positive number, got ${text}\n`);
    process.exit(2);
  }
  return v;
};

const device = values.device ?? 'cpu';
const gpuOptions: GpuBackendOptions = {
  ...(values['gpu-mode'] ? { mode: values['gpu-mode'] as GpuMode } : {}),
  ...(values['dawn-backend'] ? { dawnBackend: values['dawn-backend'] as DawnBackend } : {}),
};
try {
  process.stdout.write(`device: ${await prepareDevice(device, gpuOptions)}\n`);
} catch (error) {
  process.stderr.write(`--device ${device}: ${(error as Error).message}\n`);
  process.exit(2);
}

await trainMnist({
  model,
  epochs: number('epochs', values.epochs, model === 'cnn' ? 2 : 3),
  batchSize: number('batch-size', values['batch-size'], 64),
  lr: number('lr', values.lr, 0.003),
  schedule,
  seed: Number(values.seed ?? 0),
  device,
  out: values.out ?? `mnist-${model}.safetensors`,
  ...(values.limit ? { limit: number('limit', values.limit, 60000) } : {}),
});
