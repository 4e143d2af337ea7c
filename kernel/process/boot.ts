/**
 * Boot of the process unit: the first kernel code to run in the image.
 * It installs the globals a service expects (console, timers,
 * queueMicrotask, performance, crypto, TextEncoder/TextDecoder, missing
 * ES2022+ built-ins), hands the event loop to the host, and marks
 * the moment control passes to the service's own code.
 */
import "./polyfills.ts";
import { hw } from "../hw.ts";
import { createConsole } from "./console.ts";
import type { InspectOptions } from "./inspect.ts";
import { SourceLines } from "./source-lines.ts";
import { collapseRepeatedFrames } from "./repeated-frames.ts";
import { bootParameters, loop } from "./state.ts";
import { describeUncaught } from "./uncaught.ts";
import { setUtf8FastPath, TextDecoder, TextEncoder } from "./text-encoding.ts";
import { createCrypto } from "../crypto/web-crypto.ts";
import { entropySource } from "../devices/index.ts";

/** Exit code of an error nobody caught, as in Node (the platform uses the same). */
export const EXIT_UNCAUGHT = 1;

let sourceLines: SourceLines | undefined;
/** Stack traces name bundle lines; show TypeScript ones (the table is decoded on first use), runaway recursion counted. */
const inspectOptions: InspectOptions = {
  mapStack: (stack) => collapseRepeatedFrames((sourceLines ??= new SourceLines(new Uint8Array(hw.lineMap()))).mapStack(stack)),
};

function reportUncaught(error: unknown, kind: "error" | "rejection"): void {
  hw.write(describeUncaught(error, kind, inspectOptions));
}

setUtf8FastPath({
  encode: (text) => new Uint8Array(hw.utf8Encode(text)),
  decode: (bytes) => hw.utf8Decode(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength),
});

const globals = globalThis as Record<string, unknown>;
for (const [name, value] of [["TextEncoder", TextEncoder], ["TextDecoder", TextDecoder]] as const) {
  Object.defineProperty(globals, name, { value, writable: true, configurable: true, enumerable: false });
}
globals.console = createConsole({ write: (text) => hw.write(text), now: () => hw.now() / 1e6, inspectOptions });
globals.setTimeout = (callback: () => void, delay?: number, ...args: unknown[]) => loop.setTimer(callback, delay, args, false);
globals.setInterval = (callback: () => void, delay?: number, ...args: unknown[]) => loop.setTimer(callback, delay, args, true);
globals.clearTimeout = (handle: unknown) => loop.clearTimer(handle);
globals.clearInterval = (handle: unknown) => loop.clearTimer(handle);
globals.queueMicrotask = (callback: () => void) => {
  if (typeof callback !== "function") throw new TypeError('The "callback" argument must be of type function');
  // An error thrown by the callback is an uncaught error, not a rejection.
  Promise.resolve().then(() => {
    try {
      callback();
    } catch (error) {
      reportUncaught(error, "error");
      hw.exit(EXIT_UNCAUGHT);
    }
  });
};
const bootEpochMs = Date.now() - hw.now() / 1e6;
globals.performance = {
  /** Milliseconds since the VM started, with sub-millisecond precision. */
  now: () => hw.now() / 1e6,
  timeOrigin: bootEpochMs,
};

// Built on first use: finding the entropy device costs a device scan that most services never need.
let webCrypto: ReturnType<typeof createCrypto> | undefined;
Object.defineProperty(globals, "crypto", {
  configurable: true,
  enumerable: false,
  get: () => (webCrypto ??= createCrypto({
    read(count) {
      const source = entropySource();
      if (!source) throw new Error("crypto: no entropy device (toro run gives every VM a virtio-rng device)");
      return source.read(count);
    },
  })),
});

hw.setLoop(() => loop.turn(), reportUncaught);

hw.mark("main");
if (bootParameters.flags.has("toro.trace")) {
  const timeline = hw.marks().map(([name, ns]) => `${name}=${(ns / 1e6).toFixed(3)}`).join(" ");
  hw.write(`toro: boot ms ${timeline}\n`);
}
