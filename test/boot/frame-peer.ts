/**
 * The other end of a booted guest's network cable. QEMU's dgram backend
 * (VmConfig net mode "udp") carries the card's frames as UDP datagrams on
 * the loopback; this end receives them, runs the network unit's own stack in
 * Node over them (so a test has real UDP and TCP to talk to the guest with),
 * and can inject any frame at all, well-formed or not.
 */
import { createSocket, type Socket } from "node:dgram";
import type { NetworkInterface } from "../../kernel/devices/network-interface.ts";
import type { NetHost } from "../../kernel/net/host.ts";
import { NetworkStack } from "../../kernel/net/stack.ts";
import type { Ipv4Config } from "../../kernel/net/config.ts";
import type { UdpWire } from "../../cli/qemu.ts";

/** A UDP port that is free on the loopback right now. */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((done) => socket.bind(0, "127.0.0.1", done));
  const { port } = socket.address();
  await new Promise<void>((done) => socket.close(done));
  return port;
}

/** The cable as a network card for the stack in Node: what it sends goes to the guest. */
export class UdpCable implements NetworkInterface {
  readonly name = "peer0";
  readonly mtu = 1500;
  readonly linkUp = true;
  readonly transmitQueueSize = 256;
  /** Frames the guest sent. */
  framesFromGuest = 0;
  /**
   * Sees each frame from the guest before the stack does; returning true
   * keeps it from the stack (for a test that scripts its own replies).
   */
  intercept: ((frame: Uint8Array) => boolean) | undefined;
  /** Called with every frame from the guest, first. */
  readonly watchers: ((frame: Uint8Array) => void)[] = [];
  private handler: ((frames: Uint8Array[]) => void) | undefined;

  private constructor(readonly mac: Uint8Array, private readonly socket: Socket, readonly wire: UdpWire) {
    socket.on("message", (frame) => {
      this.framesFromGuest++;
      for (const watch of this.watchers) watch(frame);
      if (this.intercept?.(frame)) return;
      this.handler?.([frame]);
    });
  }

  /** Bind this end; hand `wire` to the VM's configuration. */
  static async open(mac: Uint8Array): Promise<UdpCable> {
    const socket = createSocket("udp4");
    await new Promise<void>((done) => socket.bind(0, "127.0.0.1", done));
    const wire: UdpWire = { mode: "udp", localPort: await freeUdpPort(), remotePort: socket.address().port };
    return new UdpCable(mac, socket, wire);
  }

  /** Put any bytes on the wire as one frame to the guest. */
  inject(frame: Uint8Array): void {
    this.socket.send(frame, this.wire.localPort, "127.0.0.1");
  }

  send(frame: Uint8Array): boolean {
    this.inject(Uint8Array.from(frame));
    return true;
  }

  transmit(length: number, fill: (frame: Uint8Array) => void): boolean {
    const frame = new Uint8Array(length);
    fill(frame);
    this.inject(frame);
    return true;
  }

  onReceive(handler: (frames: Uint8Array[]) => void): void {
    this.handler = handler;
  }

  onWritable(): void {}
  onLinkChange(): void {}

  close(): void {
    this.socket.close();
  }
}

/** What the stack needs from Node: real time, timers that do not hold the process open. */
export const nodeNetHost: NetHost = {
  nowMs: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
  random: Math.random,
  log: () => {},
};

/** The network unit's stack on the Node end of the cable, with a static address. */
export function peerStack(cable: UdpCable, config: Ipv4Config): NetworkStack {
  return new NetworkStack(cable, nodeNetHost, config, { retain() {}, release() {} });
}
