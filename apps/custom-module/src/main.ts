import { fitResidualNet } from './residual';

const { model, losses } = fitResidualNet();
process.stdout.write(`${model.toString()}\n`);
process.stdout.write(
  `loss: ${losses[0]!.toFixed(4)} -> ${losses.at(-1)!.toFixed(4)} after ${losses.length} Adam steps\n`,
);
