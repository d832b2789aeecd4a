import { libraryConfig } from '../../tooling/tsup.shared';

export default libraryConfig({ index: 'src/index.ts', node: 'src/node.ts' });
