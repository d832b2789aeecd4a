const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render driver/i;

/**
 * Whether a renderer or adapter description names a software rasterizer (SwiftShader, Mesa llvmpipe or
 * lavapipe, softpipe, Microsoft Basic Render Driver). Such a "GPU" runs slower than the `webasm` mode, so
 * automatic mode selection treats it as no GPU at all.
 */
export function isSoftwareRenderer(...descriptions: readonly string[]): boolean {
  return descriptions.some((text) => SOFTWARE_RENDERER.test(text));
}
