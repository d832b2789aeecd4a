import { F, Linear, ReLU, Sequential } from '@nn/nn';
import { Adam } from '@nn/optim';
import { manualSeed, randn } from '@nn/tensor';

/**
 * Trains the same small MLP (seed 7) on the same batch (seed 1) with Adam on each of `devices`, their
 * steps interleaved so every device is in use at once, and returns each device's loss per step. Used by
 * the Node suite and, bundled, by the headless-Chromium page (so no vitest here).
 */
export async function trainInterleaved(devices: readonly string[], steps: number): Promise<number[][]> {
  manualSeed(1);
  const x = randn([32, 8]);
  // a learnable rule: the class is the argmax of the first four features
  const y = x.narrow(1, 0, 4).argmax(1);
  const runs = devices.map((device) => {
    manualSeed(7);
    const model = new Sequential(new Linear(8, 16), new ReLU(), new Linear(16, 4)).to(device);
    const optimizer = new Adam(model.parameters(), { lr: 1e-2 });
    return { model, optimizer, x: x.to(device), y: y.to(device), losses: [] as number[] };
  });
  for (let step = 0; step < steps; step++) {
    for (const run of runs) {
      run.optimizer.zeroGrad();
      const loss = F.crossEntropy(run.model.forward(run.x), run.y);
      loss.backward();
      run.optimizer.step();
      // `await data()` works under both call contracts
      run.losses.push((await loss.data())[0]!);
    }
  }
  return runs.map((run) => run.losses);
}
