import { Generator } from '@nn/tensor';
import { parseCli, USAGE, UsageError } from './cli';
import { sampleText } from './sample';
import { trainCharLm } from './train';
import { loadCharLm } from './weights';

let command: ReturnType<typeof parseCli>;
try {
  command = parseCli(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}

if (command.kind === 'help') {
  process.stdout.write(USAGE);
} else if (command.kind === 'train') {
  await trainCharLm(command.options);
} else {
  const { model, vocabulary } = await loadCharLm(command.weights);
  const text = sampleText(model, vocabulary, { ...command.sample, generator: new Generator(command.seed) });
  process.stdout.write(`${command.sample.prompt}${text}\n`);
}
