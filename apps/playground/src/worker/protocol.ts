// The messages between the page and the training worker.

/** The two architectures of the MNIST example (apps/mnist), with the same state-dict keys. */
export type ModelKind = 'mlp' | 'cnn';

/** `'cpu'`, or `'gpu'` on one gpu.js mode. */
export type DeviceChoice = 'cpu' | 'gpu:webgl2' | 'gpu:webgpu';

/** What the page asks for a training run. */
export interface TrainRequest {
  readonly model: ModelKind;
  readonly device: DeviceChoice;
  /** The most CPU threads per op (setNumThreads); 1 keeps every kernel on the worker's own thread. */
  readonly threads: number;
  readonly steps: number;
  readonly batchSize: number;
  readonly lr: number;
  /** Training images used (the first ones of the shipped subset). */
  readonly samples: number;
}

export type ToWorker =
  | { readonly type: 'hello' }
  | ({ readonly type: 'train' } & TrainRequest)
  | { readonly type: 'stop' }
  | { readonly type: 'load-pretrained' }
  | {
      readonly type: 'load-file';
      readonly name: string;
      readonly bytes: ArrayBuffer;
      readonly model: ModelKind;
    }
  | { readonly type: 'classify'; readonly drawing: number; readonly pixels: Float32Array };

/** What the worker's environment offers. */
export interface WorkerEnvironment {
  readonly crossOriginIsolated: boolean;
  /** getNumThreads(): threads one CPU op may use here. */
  readonly threads: number;
  /** WebAssembly compilation allowed (the SIMD GEMM and its helper threads need it). */
  readonly wasm: boolean;
  /** `new Function` allowed: gpu.js compiles kernels with it (the CPU kernels only go faster with it). */
  readonly codegen: boolean;
  readonly webgl2: boolean;
  readonly webgpu: boolean;
}

/** One point of the live chart: means over the steps since the previous point. */
export interface ProgressPoint {
  readonly step: number;
  readonly loss: number;
  readonly accuracy: number;
  /** Mean wall time of one training step, ms. */
  readonly stepMs: number;
}

export type FromWorker =
  | ({ readonly type: 'environment' } & WorkerEnvironment)
  | { readonly type: 'device'; readonly description: string; readonly threads: number }
  | ({ readonly type: 'progress' } & ProgressPoint)
  | {
      readonly type: 'trained';
      readonly steps: number;
      readonly testAccuracy: number;
      readonly stepMs: number;
    }
  | {
      readonly type: 'loaded';
      readonly source: string;
      readonly model: ModelKind;
      readonly missingKeys: string[];
      readonly unexpectedKeys: string[];
    }
  | {
      readonly type: 'classified';
      /** Which drawing (counted by the page) these are the probabilities of. */
      readonly drawing: number;
      readonly probabilities: number[];
      readonly source: string;
    }
  | { readonly type: 'error'; readonly message: string };
