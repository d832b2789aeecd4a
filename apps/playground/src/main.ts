import './style.css';
import { DrawPad } from './draw-pad';
import { TrainingChart } from './training-chart';
import type { FromWorker, ModelKind, ProgressPoint, ToWorker, TrainRequest } from './worker/protocol';

/** What the page has seen, readable from automation (the e2e test) as `window.nnPlayground`. */
export interface PlaygroundState {
  environment?: Extract<FromWorker, { type: 'environment' }>;
  device?: string;
  progress: ProgressPoint[];
  trained?: Extract<FromWorker, { type: 'trained' }>;
  loaded?: Extract<FromWorker, { type: 'loaded' }>;
  classified?: Extract<FromWorker, { type: 'classified' }>;
  /** Drawings sent for classification so far (each stroke ends one). */
  drawings: number;
  errors: string[];
}

const state: PlaygroundState = { progress: [], errors: [], drawings: 0 };
(globalThis as { nnPlayground?: PlaygroundState }).nnPlayground = state;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const worker = new Worker(new URL('./worker/train-worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);
const chart = new TrainingChart(byId('chart'));
const form = byId<HTMLFormElement>('train-form');
const trainButton = byId<HTMLButtonElement>('train-button');
const stopButton = byId<HTMLButtonElement>('stop-button');
const loadReport = byId('load-report');

function showError(message: string): void {
  state.errors.push(message);
  loadReport.textContent = message;
  loadReport.classList.add('error');
  trainButton.disabled = false;
  stopButton.disabled = true;
}

function showEnvironment(env: NonNullable<PlaygroundState['environment']>): void {
  const isolation = env.crossOriginIsolated
    ? `cross-origin isolated: CPU kernels may use ${env.threads} threads`
    : 'not cross-origin isolated: CPU kernels run on one thread';
  const kernels = env.wasm ? 'WebAssembly SIMD GEMM' : 'no WebAssembly (CSP): JS kernels';
  byId('isolation').textContent =
    `${isolation}; ${kernels}; ${env.codegen ? 'generated' : 'eval-free'} elementwise kernels`;
  const select = form.elements.namedItem('device') as HTMLSelectElement;
  for (const option of Array.from(select.options)) {
    const missing = !env.codegen
      ? "gpu.js needs the worker's CSP to allow 'unsafe-eval'"
      : option.value === 'gpu:webgl2' && !env.webgl2
        ? 'no WebGL2 in workers here'
        : option.value === 'gpu:webgpu' && !env.webgpu
          ? 'no WebGPU here'
          : undefined;
    if (option.value !== 'cpu' && missing) {
      option.disabled = true;
      option.textContent += ` (${missing})`;
    }
  }
  (form.elements.namedItem('threads') as HTMLInputElement).value = String(env.threads);
}

function showPrediction(probabilities: number[], source: string): void {
  const best = probabilities.indexOf(Math.max(...probabilities));
  byId('prediction').textContent = String(best);
  byId('probabilities').replaceChildren(
    ...probabilities.map((p, digit) => {
      const item = document.createElement('li');
      item.textContent = `${(100 * p).toFixed(1)} %`;
      if (digit === best) item.style.fontWeight = '700';
      return item;
    }),
  );
  byId('model-source').textContent = source;
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'environment':
      state.environment = message;
      return showEnvironment(message);
    case 'device':
      state.device = message.description;
      byId('device').textContent = message.description;
      return;
    case 'progress':
      state.progress.push(message);
      chart.add(message);
      byId('step').textContent =
        `${message.step}: loss ${message.loss.toFixed(4)}, accuracy ${(100 * message.accuracy).toFixed(1)} %`;
      byId('step-time').textContent = `${message.stepMs.toFixed(2)} ms`;
      return;
    case 'trained':
      state.trained = message;
      byId('test-accuracy').textContent =
        `${(100 * message.testAccuracy).toFixed(1)} % on 1000 test images after ${message.steps} steps (mean step ${message.stepMs.toFixed(2)} ms)`;
      byId('model-source').textContent = 'the model just trained';
      trainButton.disabled = false;
      stopButton.disabled = true;
      return reclassify();
    case 'loaded': {
      state.loaded = message;
      const keys = (list: string[]) => (list.length ? list.join(', ') : 'none');
      loadReport.classList.remove('error');
      loadReport.textContent = `loaded ${message.source} into the ${message.model.toUpperCase()}\nmissing keys: ${keys(message.missingKeys)}\nunexpected keys: ${keys(message.unexpectedKeys)}`;
      byId('model-source').textContent = message.source;
      return reclassify();
    }
    case 'classified':
      state.classified = message;
      return showPrediction(message.probabilities, message.source);
    case 'error':
      return showError(message.message);
  }
};
worker.onerror = (event) => showError(`worker: ${event.message}`);

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
  const request: TrainRequest = {
    model: field('model') as ModelKind,
    device: field('device') as TrainRequest['device'],
    threads: Number(field('threads')),
    steps: Number(field('steps')),
    batchSize: Number(field('batchSize')),
    lr: Number(field('lr')),
    samples: Number(field('samples')),
  };
  state.progress = [];
  state.trained = undefined;
  chart.clear();
  byId('test-accuracy').textContent = '–';
  trainButton.disabled = true;
  stopButton.disabled = false;
  send({ type: 'train', ...request });
});
stopButton.addEventListener('click', () => send({ type: 'stop' }));
// The CNN costs ~20× the MLP per image on the CPU: it starts on a smaller subset and fewer steps.
const DEFAULTS: Record<ModelKind, { steps: string; samples: string }> = {
  mlp: { steps: '300', samples: '10000' },
  cnn: { steps: '100', samples: '2000' },
};
(form.elements.namedItem('model') as HTMLSelectElement).addEventListener('change', (event) => {
  const defaults = DEFAULTS[(event.target as HTMLSelectElement).value as ModelKind];
  (form.elements.namedItem('steps') as HTMLInputElement).value = defaults.steps;
  (form.elements.namedItem('samples') as HTMLInputElement).value = defaults.samples;
});

const preview = byId<HTMLCanvasElement>('preview').getContext('2d')!;
let drawn = false;
/** Shows what the model sees and asks the worker to classify it. */
function classify(image: Float32Array): void {
  const pixels = preview.createImageData(28, 28);
  image.forEach((v, i) => {
    pixels.data.set([255 * v, 255 * v, 255 * v, 255], 4 * i);
  });
  preview.putImageData(pixels, 0, 0);
  drawn = true;
  send({ type: 'classify', drawing: ++state.drawings, pixels: image }, [image.buffer]);
}
const pad = new DrawPad(byId('pad'), classify);
/** A new model classifies what is on the pad at once. */
function reclassify(): void {
  if (drawn) classify(pad.image());
}
byId('clear-button').addEventListener('click', () => {
  pad.clear();
  drawn = false;
  preview.clearRect(0, 0, 28, 28);
  byId('prediction').textContent = '–';
  byId('probabilities').replaceChildren();
});

byId('pretrained-button').addEventListener('click', () => send({ type: 'load-pretrained' }));
async function loadFile(file: File): Promise<void> {
  const model = byId<HTMLSelectElement>('file-model').value as ModelKind;
  const bytes = await file.arrayBuffer();
  send({ type: 'load-file', name: file.name, bytes, model }, [bytes]);
}
byId<HTMLInputElement>('file-input').addEventListener('change', (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file) void loadFile(file);
});
const dropzone = byId('dropzone');
dropzone.addEventListener('dragover', (event) => {
  event.preventDefault();
  dropzone.classList.add('over');
});
dropzone.addEventListener('dragleave', () => dropzone.classList.remove('over'));
dropzone.addEventListener('drop', (event) => {
  event.preventDefault();
  dropzone.classList.remove('over');
  const file = event.dataTransfer?.files[0];
  if (file) void loadFile(file);
});

send({ type: 'hello' });
