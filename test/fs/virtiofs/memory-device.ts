/**
 * A FuseDevice straight onto a MemoryFuseServer, without virtio: for tests
 * of the FUSE client alone. Replies arrive a turn later, as a device's do,
 * and one longer than the room the client gave is a test failure.
 */
import type { FuseDevice } from "../../../kernel/devices/fuse-device.ts";
import { MemoryFuseServer } from "./memory-server.ts";

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export class MemoryFuseDevice implements FuseDevice {
  readonly name = "fs0";
  readonly maxMessageBytes = 68 * 1024;
  /** Requests sent and not answered yet, at most. */
  inFlight = 0;

  constructor(readonly server: MemoryFuseServer, readonly tag = "share") {}

  async request(parts: readonly Uint8Array[], replyLength: number): Promise<Uint8Array> {
    const message = concat(parts);
    if (message.length + replyLength > this.maxMessageBytes) throw new RangeError(`a request of ${message.length} bytes with ${replyLength} of reply room`);
    this.inFlight++;
    await Promise.resolve();
    this.inFlight--;
    const reply = this.server.handle(message);
    if (!reply) throw new Error("a request that needs a reply got none");
    if (reply.length > replyLength) throw new Error(`a reply of ${reply.length} bytes to a request with room for ${replyLength}`);
    return reply;
  }

  post(parts: readonly Uint8Array[]): void {
    if (this.server.handle(concat(parts)) !== undefined) throw new Error("a posted request got a reply");
  }
}
