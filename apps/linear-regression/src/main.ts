import { fitLinearRegression } from './fit';

const fit = fitLinearRegression();
const fmt = (v: number[]) => `[${v.map((x) => x.toFixed(4)).join(', ')}]`;
process.stdout.write(`final loss ${fit.losses.at(-1)!.toExponential(3)}\n`);
process.stdout.write(`learnt weight ${fmt(fit.weight)}  true ${fmt(fit.trueWeight)}\n`);
process.stdout.write(`learnt bias   ${fit.bias.toFixed(4)}  true ${fit.trueBias.toFixed(4)}\n`);
