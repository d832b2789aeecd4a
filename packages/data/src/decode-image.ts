import { decode as decodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataFormatError } from './errors';
import type { ImageBytes } from './transforms';

// PNG and JPEG decoding for ImageFolder (Node only). pngjs and jpeg-js are pure JavaScript (no native
// build), widely used and maintained; pngjs needs Node's zlib, hence the Node entry point.

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

const startsWith = (bytes: Uint8Array, magic: readonly number[]) => magic.every((b, i) => bytes[i] === b);

/** Keeps the first 3 of every `stride` bytes (RGBA -> RGB). */
function toRgb(data: Uint8Array, pixels: number, stride: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    out[3 * p] = data[stride * p]!;
    out[3 * p + 1] = data[stride * p + 1]!;
    out[3 * p + 2] = data[stride * p + 2]!;
  }
  return out;
}

/**
 * Decodes a PNG or JPEG file's bytes to an 8-bit RGB image (HWC), as torchvision's default loader
 * (`PIL.Image.open(f).convert('RGB')`: greyscale is repeated to three channels, alpha is dropped).
 * `maxPixels` (default 2^26) refuses images whose header declares more pixels, before decoding.
 *
 * @throws {DataFormatError} naming the file for other formats and corrupt or truncated data.
 */
export function decodeImage(bytes: Uint8Array, name?: string, maxPixels = 2 ** 26): ImageBytes {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (startsWith(bytes, PNG_MAGIC)) {
    // the IHDR chunk comes first: width and height at bytes 16 and 20
    if (bytes.length >= 24 && buffer.readUInt32BE(16) * buffer.readUInt32BE(20) > maxPixels) {
      throw new DataFormatError(
        'decodeImage',
        `${buffer.readUInt32BE(16)}x${buffer.readUInt32BE(20)} exceeds maxPixels ${maxPixels}`,
        name,
      );
    }
    let png: PNG;
    try {
      png = PNG.sync.read(buffer);
    } catch (error) {
      throw new DataFormatError('decodeImage', `corrupt PNG: ${(error as Error).message}`, name);
    }
    // pngjs always gives RGBA, expanding greyscale and palettes
    const data = toRgb(png.data, png.width * png.height, 4);
    return { data, height: png.height, width: png.width, channels: 3 };
  }
  if (startsWith(bytes, JPEG_MAGIC)) {
    let jpeg: { width: number; height: number; data: Uint8Array };
    try {
      jpeg = decodeJpeg(buffer, {
        useTArray: true,
        formatAsRGBA: false,
        maxResolutionInMP: maxPixels / 1e6,
        maxMemoryUsageInMB: 1024,
      });
    } catch (error) {
      throw new DataFormatError(
        'decodeImage',
        `corrupt JPEG: ${(error as Error).message ?? String(error)}`,
        name,
      );
    }
    const pixels = jpeg.width * jpeg.height;
    // jpeg-js returns RGB for colour and greyscale alike when not asked for RGBA
    if (jpeg.data.length !== pixels * 3) {
      throw new DataFormatError(
        'decodeImage',
        `JPEG decoded to ${jpeg.data.length} bytes for ${pixels} pixels`,
        name,
      );
    }
    return { data: jpeg.data, height: jpeg.height, width: jpeg.width, channels: 3 };
  }
  throw new DataFormatError(
    'decodeImage',
    `not a PNG or JPEG file (starts with ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')})`,
    name,
  );
}
