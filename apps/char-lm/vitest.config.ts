import { packageTestConfig } from '../../tooling/vitest.shared';

export default packageTestConfig({ testTimeout: 120_000 });
