// biome-ignore lint/style/useImportType: the inline form is kept as `import {} from './b'`, which this case tests
import { type B } from './b';

export type A = { b: B };
export const a = 1;
