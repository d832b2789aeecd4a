import { fitLogisticRegression } from './fit';

const fit = fitLogisticRegression();
const norm = Math.hypot(...fit.weight);
const trueNorm = Math.hypot(...fit.trueWeight);
const fmt = (v: number[]) => `[${v.map((x) => x.toFixed(4)).join(', ')}]`;
process.stdout.write(
  `final loss ${fit.losses.at(-1)!.toFixed(4)}, training accuracy ${(100 * fit.accuracy).toFixed(1)}%\n`,
);
// The labels fix the boundary's direction, not its scale: compare normalised parameters.
process.stdout.write(`learnt direction ${fmt([...fit.weight, fit.bias].map((v) => v / norm))}\n`);
process.stdout.write(`true direction   ${fmt([...fit.trueWeight, fit.trueBias].map((v) => v / trueNorm))}\n`);
