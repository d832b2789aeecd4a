/** Key of the method a {@link FieldGuard} subclass checks every field write with (torch's `__setattr__`). */
export const onFieldAssign: unique symbol = Symbol('FieldGuard.onFieldAssign');
/** Key of the method a {@link FieldGuard} subclass is told of every field deletion with (torch's `__delattr__`). */
export const onFieldDelete: unique symbol = Symbol('FieldGuard.onFieldDelete');

/**
 * A base class whose instances see their own field writes, as Python objects do through `__setattr__`.
 *
 * The constructor returns a Proxy over the instance, so every subclass constructor and method works on
 * the proxy: class field initializers, `this.x = v`, `obj.x = v` and `Object.defineProperty` all reach its
 * `defineProperty` trap (an ordinary assignment ends in the receiver's [[DefineOwnProperty]]), which calls
 * `[onFieldAssign]` before the write. Private fields of subclasses live on the proxy itself, so they keep
 * working. Reads go straight through (no `get` trap).
 */
export abstract class FieldGuard {
  /**
   * Called before field `name` is set to `value`; throwing stops the write.
   * @internal
   */
  protected abstract [onFieldAssign](name: string, value: unknown): void;
  /**
   * Called before field `name` is deleted.
   * @internal
   */
  protected abstract [onFieldDelete](name: string): void;

  constructor() {
    const proxy: this = new Proxy(this, {
      defineProperty(target, key, descriptor) {
        if (typeof key === 'string' && 'value' in descriptor) proxy[onFieldAssign](key, descriptor.value);
        return Reflect.defineProperty(target, key, descriptor);
      },
      deleteProperty(target, key) {
        if (typeof key === 'string') proxy[onFieldDelete](key);
        return Reflect.deleteProperty(target, key);
      },
    });
    // biome-ignore lint/correctness/noConstructorReturn: returning the proxy is the point of this class
    return proxy;
  }
}
