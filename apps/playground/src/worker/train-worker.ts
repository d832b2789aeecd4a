// The training worker: owns the model, the data and the device, so the page stays responsive while
// kernels run. Messages are in ./protocol.ts.
import { installAutograd, noGrad } from '@nn/autograd';
import { F, load, type Sequential } from '@nn/nn';
import {
  canCompileWasm,
  canGenerateCode,
  getNumThreads,
  setNumThreads,
  type Tensor,
  tensor,
} from '@nn/tensor';
import { loadMnistSplit } from './mnist-assets';
import { createModel } from './models';
import { normalise } from './normalise';
import type { DeviceChoice, FromWorker, ModelKind, ToWorker, TrainRequest } from './protocol';
import { runTraining, scalar } from './train-loop';

installAutograd();

const post = (message: FromWorker) => self.postMessage(message);

let model: Sequential | undefined;
let modelSource = 'none';
let modelDevice = 'cpu';
let stopRequested = false;
let pretrainedLoad: Promise<void> | undefined;
let trainData: Promise<[Tensor, Tensor]> | undefined;
let testData: Promise<[Tensor, Tensor]> | undefined;
const registered = new Map<DeviceChoice, string>();

/** Threads one CPU op may use: the helper threads run the WebAssembly GEMM, so none without WebAssembly. */
function cpuThreads(): number {
  return canCompileWasm() ? getNumThreads() : 1;
}

function environment(): FromWorker {
  let webgl2 = false;
  try {
    webgl2 =
      typeof OffscreenCanvas !== 'undefined' && new OffscreenCanvas(1, 1).getContext('webgl2') !== null;
  } catch {
    webgl2 = false;
  }
  return {
    type: 'environment',
    crossOriginIsolated: self.crossOriginIsolated,
    threads: cpuThreads(),
    wasm: canCompileWasm(),
    codegen: canGenerateCode(),
    webgl2,
    webgpu: 'gpu' in navigator,
  };
}

/** Registers the gpu device once (gpu.js loads only then) and describes what the device runs on. */
async function prepareDevice(device: DeviceChoice): Promise<string> {
  if (device === 'cpu') {
    const threads = cpuThreads();
    return `cpu (${threads > 1 ? `${threads} threads` : '1 thread'}, ${canCompileWasm() ? 'WebAssembly SIMD GEMM' : 'JS kernels'})`;
  }
  let description = registered.get(device);
  if (!description) {
    const { registerGpuBackend } = await import('@nn/backend-gpu');
    const mode = device === 'gpu:webgpu' ? 'webgpu' : 'webgl2';
    const info = await registerGpuBackend({ mode, device });
    description = `${device} (gpu.js mode ${info.mode}, ${info.contract} contract${info.adapter ? `, ${info.adapter}` : ''})`;
    registered.set(device, description);
  }
  return description;
}

/** Accuracy on the shipped test images, in chunks (the CNN's activations for all 1000 at once are ~100 MB). */
async function evaluate(net: Sequential, device: string): Promise<number> {
  const [images, labels] = await (testData ??= loadMnistSplit('t10k'));
  const count = labels.shape[0]!;
  const hits = noGrad(() => {
    let total = tensor(0).to(device);
    for (let start = 0; start < count; start += 250) {
      const n = Math.min(250, count - start);
      const logits = net.call(images.narrow(0, start, n).to(device)) as Tensor;
      total = total.add(
        logits
          .argmax(1)
          .eq(labels.narrow(0, start, n).to(device))
          .sum(),
      );
    }
    return total;
  });
  return (await scalar(hits)) / count;
}

async function train(request: TrainRequest): Promise<void> {
  stopRequested = false;
  setNumThreads(request.threads);
  const description = await prepareDevice(request.device);
  post({ type: 'device', description, threads: cpuThreads() });
  const run = await runTraining(request, await (trainData ??= loadMnistSplit('train')), {
    onProgress: (point) => post({ type: 'progress', ...point }),
    stopRequested: () => stopRequested,
  });
  model = run.model;
  modelDevice = request.device;
  modelSource = `the ${request.model.toUpperCase()} just trained`;
  post({
    type: 'trained',
    steps: run.steps,
    testAccuracy: await evaluate(run.model, request.device),
    stepMs: run.stepMs,
  });
}

/** Loads safetensors bytes into a fresh `kind` model, non-strictly, and reports the keys as loadStateDict does. */
function loadWeights(bytes: Uint8Array, kind: ModelKind, source: string): void {
  const net = createModel(kind);
  const { missingKeys, unexpectedKeys } = net.loadStateDict(load(bytes), { strict: false });
  net.eval();
  model = net;
  modelDevice = 'cpu';
  modelSource = source;
  post({ type: 'loaded', source, model: kind, missingKeys, unexpectedKeys });
}

/** The MLP weights shipped with the app (see the README for how they were made). */
async function loadPretrained(): Promise<void> {
  const url = new URL(`${import.meta.env.BASE_URL}weights/mnist-mlp.safetensors`, self.location.href);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetching ${url}: HTTP ${response.status}`);
  loadWeights(new Uint8Array(await response.arrayBuffer()), 'mlp', 'the pretrained MLP');
}

async function classify(drawing: number, pixels: Float32Array): Promise<void> {
  // a digit drawn before any training is read by the pretrained MLP (loaded once)
  if (!model) await (pretrainedLoad ??= loadPretrained());
  const net = model!;
  net.eval();
  const probabilities = noGrad(() =>
    F.softmax(net.call(tensor(normalise(pixels, 1)).reshape(1, 1, 28, 28).to(modelDevice)) as Tensor, 1),
  );
  post({
    type: 'classified',
    drawing,
    probabilities: Array.from(await probabilities.data(), Number),
    source: modelSource,
  });
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'hello':
      return post(environment());
    case 'train':
      return train(message);
    case 'stop':
      stopRequested = true;
      return;
    case 'load-pretrained':
      return loadPretrained();
    case 'load-file':
      return loadWeights(new Uint8Array(message.bytes), message.model, message.name);
    case 'classify':
      return classify(message.drawing, message.pixels);
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  handle(event.data).catch((error: unknown) => {
    post({
      type: 'error',
      message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  });
};
