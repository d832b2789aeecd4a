// The rows of the peer table: one workload per row, each as a function that prepares its inputs on one
// peer and returns the call to time. Shapes follow issue #21's table (and ../shared/peer-bench).

/** A prepared workload: `run` is timed; `dispose` frees the peer's tensors afterwards. */
export interface Prepared {
  run(): void;
  dispose?(): void;
}

export interface Row {
  readonly id: string;
  readonly label: string;
  readonly unit: 'ms' | 'µs' | 'GFLOP/s';
  /** Converts milliseconds per call into the row's unit. */
  readonly fromMs: (ms: number) => number;
  /** Whether bigger is better (throughput rows). */
  readonly higherIsBetter?: boolean;
}

const ms = (value: number) => value;
export const ROWS: readonly Row[] = [
  { id: 'mlp64', label: 'MLP 784-128-64-10 Adam step, batch 64', unit: 'ms', fromMs: ms },
  { id: 'mlp256', label: 'MLP step, batch 256', unit: 'ms', fromMs: ms },
  { id: 'cnn32', label: 'seed CNN step, batch 32', unit: 'ms', fromMs: ms },
  { id: 'infer1', label: 'MLP inference, batch 1', unit: 'µs', fromMs: (value) => value * 1000 },
  { id: 'conv1', label: 'conv2d [32,1,28,28]*[32,1,3,3]', unit: 'ms', fromMs: ms },
  { id: 'add', label: 'add 1e6 float32', unit: 'ms', fromMs: ms },
  { id: 'exp', label: 'exp 1e6', unit: 'ms', fromMs: ms },
  { id: 'sigmoid', label: 'sigmoid 1e6', unit: 'ms', fromMs: ms },
  { id: 'tanh', label: 'tanh 1e6', unit: 'ms', fromMs: ms },
  { id: 'softmax', label: 'softmax 1000×1000', unit: 'ms', fromMs: ms },
  {
    id: 'matmul1024',
    label: 'matmul 1024',
    unit: 'GFLOP/s',
    fromMs: (value) => (2 * 1024 ** 3) / (value * 1e6),
    higherIsBetter: true,
  },
];

/**
 * A peer: prepares each row's workload in this process (undefined where it cannot run it), or, with
 * `measure`, times a row itself elsewhere (PyTorch, in Python) with the same warm-up and samples.
 */
export interface Peer {
  readonly name: string;
  /** Switches to this peer (a tfjs backend) before its workloads are prepared. */
  activate?(): Promise<void>;
  prepare?(row: string): Prepared | undefined;
  /** Milliseconds per call of one round of `row`, or why it failed: for a peer without `prepare`. */
  measure?(row: string): Promise<number | string>;
  /** Releases what the peer holds (a child process) once every row has run. */
  close?(): void;
}

/** Uniform random floats in [0, 1) and standard normals (Box-Muller), seeded for repeatability. */
export function randomArrays(seed: number) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  return {
    uniform: (n: number) => Float32Array.from({ length: n }, uniform),
    normal: (n: number) =>
      Float32Array.from(
        { length: n },
        () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()),
      ),
    labels: (n: number) => Int32Array.from({ length: n }, () => Math.floor(uniform() * 10)),
  };
}
