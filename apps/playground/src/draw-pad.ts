import { toMnistImage } from './digit-image';

/**
 * A black square to draw on in white with the mouse, a pen or a finger (pointer events). After each stroke
 * `onDigit` gets the drawing as a 28×28 MNIST-style image (0-1).
 */
export class DrawPad {
  private readonly context: CanvasRenderingContext2D;
  private last: { x: number; y: number } | undefined;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onDigit: (image: Float32Array) => void,
  ) {
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('DrawPad: no 2D canvas context');
    this.context = context;
    context.strokeStyle = '#fff';
    context.fillStyle = '#fff';
    context.lineCap = 'round';
    context.lineJoin = 'round';
    // about the stroke width of MNIST digits once the drawing is scaled into the 20×20 box
    context.lineWidth = canvas.width / 12;
    canvas.addEventListener('pointerdown', (event) => {
      canvas.setPointerCapture(event.pointerId);
      this.last = this.position(event);
      this.stroke(this.last);
    });
    canvas.addEventListener('pointermove', (event) => {
      if (this.last) this.stroke(this.position(event));
    });
    const end = () => {
      if (!this.last) return;
      this.last = undefined;
      this.onDigit(this.image());
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  clear(): void {
    this.context.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** The drawing as a 28×28 MNIST-style image. */
  image(): Float32Array {
    const { width, height } = this.canvas;
    const rgba = this.context.getImageData(0, 0, width, height).data;
    const ink = new Float32Array(width * height);
    for (let i = 0; i < ink.length; i++) ink[i] = rgba[4 * i + 3]! / 255;
    return toMnistImage(ink, width);
  }

  private position(event: PointerEvent): { x: number; y: number } {
    const box = this.canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) * this.canvas.width) / box.width,
      y: ((event.clientY - box.top) * this.canvas.height) / box.height,
    };
  }

  private stroke(to: { x: number; y: number }): void {
    const from = this.last ?? to;
    this.context.beginPath();
    this.context.moveTo(from.x, from.y);
    this.context.lineTo(to.x, to.y);
    this.context.stroke();
    this.last = to;
  }
}
