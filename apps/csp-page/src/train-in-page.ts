// The page's script (bundled by serve-page.ts, served under `Content-Security-Policy: script-src 'self'`):
// trains a small MLP on synthetic data with the CPU backend, then publishes what happened on
// `globalThis.nnCspResult` and in the page's text.
import { installAutograd } from '@nn/autograd';
import { Linear, MSELoss, ReLU, Sequential } from '@nn/nn';
import { Adam } from '@nn/optim';
import { canCompileWasm, canGenerateCode, manualSeed, randn, type Tensor } from '@nn/tensor';

/** What the page reports. */
export interface CspPageResult {
  /** What @nn/tensor's probes found: both false under this page's policy. */
  readonly canGenerateCode: boolean;
  readonly canCompileWasm: boolean;
  /** What the page itself saw when trying `new Function` and `new WebAssembly.Module`. */
  readonly evalError: string | null;
  readonly wasmError: string | null;
  /** Mean squared error per training step. */
  readonly losses: number[];
  /** Whatever training threw (null when it ran to the end). */
  readonly error: string | null;
}

function train(steps: number): number[] {
  installAutograd(); // the bundle keeps only what it imports: autograd is wired in explicitly
  manualSeed(0);
  // y = sin(2 x0) + x1 * x2 - x3 / 2: needs the hidden layer (a linear model cannot fit x1 * x2).
  const x = randn([256, 4]);
  const [x0, x1, x2, x3] = x.unbind(1) as Tensor[];
  const y = x0!.mul(2).sin().add(x1!.mul(x2!)).sub(x3!.div(2)).unsqueeze(1);
  const model = new Sequential(new Linear(4, 32), new ReLU(), new Linear(32, 1));
  const lossFn = new MSELoss();
  const optimizer = new Adam(model.parameters(), { lr: 0.02 });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    optimizer.zeroGrad();
    const loss = lossFn.call(model.call(x) as Tensor, y) as Tensor;
    loss.backward();
    optimizer.step();
    losses.push(Number(loss.item()));
  }
  return losses;
}

/** The message of what `attempt` throws, or null when it runs. */
function thrown(attempt: () => unknown): string | null {
  try {
    attempt();
    return null;
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

let losses: number[] = [];
const started = performance.now();
const error = thrown(() => {
  losses = train(150);
});
const seconds = (performance.now() - started) / 1000;
const wasm = (globalThis as { WebAssembly?: { Module: new (bytes: Uint8Array) => unknown } }).WebAssembly;
const result: CspPageResult = {
  canGenerateCode: canGenerateCode(),
  canCompileWasm: canCompileWasm(),
  evalError: thrown(() => new Function('return 1')),
  wasmError: thrown(() => wasm && new wasm.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))),
  losses,
  error,
};
(globalThis as { nnCspResult?: CspPageResult }).nnCspResult = result;
const log = (globalThis as { document?: { body: { textContent: string } } }).document;
if (log) {
  log.body.textContent = error
    ? `training failed: ${error}`
    : `trained an MLP on the CPU under CSP: loss ${losses[0]!.toFixed(4)} -> ${losses.at(-1)!.toFixed(4)} ` +
      `in ${losses.length} Adam steps, ${seconds.toFixed(2)} s (new Function: ${result.evalError ?? 'allowed'}; ` +
      `WebAssembly: ${result.wasmError ?? 'allowed'})`;
}
