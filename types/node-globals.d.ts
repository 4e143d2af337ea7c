// Node's globals a service has when its code names them (cli/web-globals.ts links them in):
// `Buffer` and `process`, typed by Toro's node: modules (lib/node/).
declare global {
  var Buffer: typeof import("../lib/node/buffer.ts").Buffer;
  type Buffer = import("../lib/node/buffer.ts").Buffer;
  var process: typeof import("../lib/node/process.ts").default;
}
export {};
