// The Toro guest of bench/devices.ts: raw frame round trips on virtio-net
// (an ARP request for QEMU's user-network gateway, wait for the reply,
// again) for argv[0] seconds, then virtio-blk sequential write (with a
// flush) and read over a whole disk in 64 KiB requests, once for each
// number of requests in flight, each on its own fresh disk; one JSON line.
import { argv, exit } from "toro";
import { blockDevices, networkInterfaces, type BlockDevice, type NetworkInterface } from "toro/devices";
import { ARP_PACKET_LENGTH, ArpOperation, ArpPacket, BROADCAST_MAC, ETHERNET_HEADER_LENGTH, EthernetFrame, EtherType, parseIpv4 } from "../../kernel/net/wire/index.ts";

const GUEST_IP = parseIpv4("10.0.2.15")!;
const GATEWAY_IP = parseIpv4("10.0.2.2")!;
const REQUEST_BYTES = 64 * 1024;
/**
 * Requests in flight for each disk pass: 1 is what Linux's dd with O_DIRECT
 * does, the row the bench compares; 8 keeps the device busy (the virtio-blk
 * driver has 16 DMA slots of 64 KiB).
 */
const IN_FLIGHT = [1, 8];

function arpRequest(mac: Uint8Array): Uint8Array {
  const frame = new Uint8Array(ETHERNET_HEADER_LENGTH + ARP_PACKET_LENGTH);
  EthernetFrame.emit(frame, BROADCAST_MAC, mac, EtherType.Arp);
  ArpPacket.emit(frame.subarray(ETHERNET_HEADER_LENGTH), ArpOperation.Request, mac, GUEST_IP, new Uint8Array(6), GATEWAY_IP);
  return frame;
}

const ethernet = new EthernetFrame();
const arp = new ArpPacket();

function isGatewayReply(frame: Uint8Array): boolean {
  if (ethernet.wrap(frame).check() !== undefined || ethernet.etherType !== EtherType.Arp) return false;
  return arp.wrap(ethernet.payload).check() === undefined && arp.operation === ArpOperation.Reply && arp.senderProtocolAddress === GATEWAY_IP;
}

/** Round trips, one at a time, until `seconds` have passed; the same request frame each time (send copies it). */
function roundTrips(net: NetworkInterface, seconds: number): Promise<{ roundTrips: number; roundTripSeconds: number }> {
  const request = arpRequest(net.mac);
  return new Promise((resolve) => {
    let count = 0, done = false;
    const start = performance.now(), end = start + seconds * 1000;
    net.onReceive((frames) => {
      if (done || !frames.some(isGatewayReply)) return;
      count++;
      const now = performance.now();
      if (now < end) net.send(request);
      else {
        done = true;
        resolve({ roundTrips: count, roundTripSeconds: (now - start) / 1000 });
      }
    });
    net.send(request);
  });
}

/** Seconds to do `work` on each of the disk's first `requests` 64 KiB blocks, in order, `inFlight` at a time. */
async function overDisk(requests: number, inFlight: number, work: (request: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < requests) await work(next++);
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (performance.now() - start) / 1000;
}

/** Write (with the flush) then read the first `requests` blocks of `disk`, `inFlight` requests at a time. */
async function diskPass(disk: BlockDevice, requests: number, inFlight: number, data: Uint8Array) {
  const sectors = REQUEST_BYTES / disk.sectorSize;
  const writeStart = performance.now();
  await overDisk(requests, inFlight, (i) => disk.write(i * sectors, data));
  await disk.flush();
  const writeSeconds = (performance.now() - writeStart) / 1000;
  const readSeconds = await overDisk(requests, inFlight, (i) => disk.read(i * sectors, sectors));
  return { inFlight, writeSeconds, readSeconds };
}

/** One pass per IN_FLIGHT entry, each on its own disk, so each writes a fresh image as Linux's dd does. */
async function throughput(disks: BlockDevice[]) {
  const requests = Math.min(...disks.map((d) => Math.floor((d.sectors * d.sectorSize) / REQUEST_BYTES)));
  // One buffer, filled once before any clock starts: write() copies it to the device's DMA slots.
  const data = new Uint8Array(REQUEST_BYTES).fill(0xa5);
  const passes = [];
  for (const [i, inFlight] of IN_FLIGHT.entries()) passes.push(await diskPass(disks[i], requests, inFlight, data));
  return { bytes: requests * REQUEST_BYTES, disks: passes };
}

export default async function main() {
  const seconds = Number(argv[0]);
  if (!(seconds > 0)) throw new Error(`argv[0]: expected seconds of round trips, got ${argv[0]}`);
  const [net] = networkInterfaces();
  const disks = blockDevices();
  if (!net || disks.length < IN_FLIGHT.length) {
    throw new Error(`need a network card and ${IN_FLIGHT.length} disks; found ${networkInterfaces().length} and ${disks.length}`);
  }
  const frames = await roundTrips(net, seconds);
  const blocks = await throughput(disks.slice(0, IN_FLIGHT.length));
  console.log(JSON.stringify({ ...frames, ...blocks }));
  // The network card stays open (it would keep the service alive): end here.
  exit(0);
}
