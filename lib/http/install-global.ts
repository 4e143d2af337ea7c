/** Installing a web global, as the modules that provide one do. */

/** Define `name` on globalThis unless the engine already has it. */
export function installGlobal(name: string, value: unknown): void {
  if (name in globalThis) return;
  // Non-enumerable and writable, like the built-in globals they stand in for.
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}
