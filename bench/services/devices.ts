// The Toro guest of bench/devices.ts: raw frame round trips on virtio-net
// (an ARP request for QEMU's user-network gateway, wait for the reply,
// again) for argv[0] seconds, then virtio-blk sequential write (with a
// flush) and read over a whole disk in 64 KiB requests, once for each
// number of requests in flight, each on its own fresh disk; one JSON line.
import { argv, exit } from "toro";
import { blockDevices, networkInterfaces, type BlockDevice, type NetworkInterface } from "toro/devices";

const GUEST_IP = [10, 0, 2, 15];
const GATEWAY_IP = [10, 0, 2, 2];
const REQUEST_BYTES = 64 * 1024;
/**
 * Requests in flight for each disk pass: 1 is what Linux's dd with O_DIRECT
 * does, the row the bench compares; 8 × 64 KiB fill the virtio-blk driver's
 * DMA slots (16 of 32 KiB), and more would only wait in the driver.
 */
const IN_FLIGHT = [1, 8];

function arpRequest(mac: Uint8Array): Uint8Array {
  const frame = new Uint8Array(42);
  frame.fill(0xff, 0, 6); // broadcast
  frame.set(mac, 6);
  frame.set([0x08, 0x06], 12);
  frame.set([0, 1, 0x08, 0x00, 6, 4, 0, 1], 14); // Ethernet/IPv4, request
  frame.set(mac, 22);
  frame.set(GUEST_IP, 28);
  frame.set(GATEWAY_IP, 38);
  return frame;
}

function isGatewayReply(frame: Uint8Array): boolean {
  return frame[12] === 0x08 && frame[13] === 0x06 && frame[21] === 2 &&
    frame[28] === GATEWAY_IP[0] && frame[29] === GATEWAY_IP[1] && frame[30] === GATEWAY_IP[2] && frame[31] === GATEWAY_IP[3];
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
