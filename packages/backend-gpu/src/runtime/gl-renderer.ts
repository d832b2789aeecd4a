interface GlContext {
  getExtension(name: string): Record<string, unknown> | null;
  getParameter(id: number): unknown;
}

/**
 * The unmasked renderer string of a fresh WebGL (`webgl2`/`webgl`) context in a browser, e.g.
 * `ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)`; undefined outside a
 * browser or when the context or the debug extension is unavailable.
 */
export function glRendererName(kind: 'webgl2' | 'webgl'): string | undefined {
  const doc = (globalThis as { document?: { createElement(tag: 'canvas'): unknown } }).document;
  if (!doc) return undefined;
  const canvas = doc.createElement('canvas') as { getContext(kind: string): GlContext | null };
  const gl = canvas.getContext(kind);
  if (!gl) return undefined;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const id = info?.UNMASKED_RENDERER_WEBGL;
  const name = typeof id === 'number' ? gl.getParameter(id) : undefined;
  const lose = gl.getExtension('WEBGL_lose_context') as { loseContext?: () => void } | null;
  lose?.loseContext?.();
  return typeof name === 'string' ? name : undefined;
}
