export { assertClose, type TensorLike, type Tolerance } from './assert-close';
export { type CallCase, callFixture, outputPairs } from './call-fixture';
export { CHROMIUM_FLAGS, CHROMIUM_PATH } from './chromium';
export { decodeTensor, type FixtureFile, type FixtureTensor, fixtureArray, loadFixtures } from './fixtures';
export {
  type FuzzOptions,
  type FuzzReport,
  fuzz,
  hexPreview,
  mutateBytes,
  mutateText,
  Rng,
  seededRandom,
} from './fuzz';
export { sourceAliases, sourceAliasPlugin } from './source-aliases';
