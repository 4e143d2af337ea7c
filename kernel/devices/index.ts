/**
 * The devices unit's public API, imported by services as "toro/devices":
 *
 *     import { networkInterfaces, blockDevices } from "toro/devices";
 *
 * Devices are found and their drivers started on first use.
 */
import type { EntropySource } from "../crypto/web-crypto.ts";
import { loop } from "../process/state.ts";
import type { BlockDevice } from "./block-device.ts";
import type { FuseDevice } from "./fuse-device.ts";
import { findVirtioTransports, logDevice } from "./discover.ts";
import type { NetworkInterface } from "./network-interface.ts";
import { dma, idleUntil, nowNs } from "./platform.ts";
import { VirtioBlock } from "./virtio/block.ts";
import { VirtioEntropy } from "./virtio/entropy.ts";
import { VirtioFs } from "./virtio/fs.ts";
import { VirtioNet } from "./virtio/net.ts";
import { DEVICE_BLOCK, DEVICE_ENTROPY, DEVICE_FILE_SYSTEM, DEVICE_NET } from "./virtio/transport.ts";

export type { BlockDevice, FuseDevice, NetworkInterface };

interface Devices {
  net: NetworkInterface[];
  disks: BlockDevice[];
  entropy: EntropySource | undefined;
  fileSystems: FuseDevice[];
}

let devices: Devices | undefined;

function started(): Devices {
  if (devices) return devices;
  const found: Devices = { net: [], disks: [], entropy: undefined, fileSystems: [] };
  for (const transport of findVirtioTransports()) {
    try {
      if (transport.deviceId === DEVICE_NET) found.net.push(new VirtioNet(`net${found.net.length}`, transport, dma, loop));
      else if (transport.deviceId === DEVICE_BLOCK) found.disks.push(new VirtioBlock(`disk${found.disks.length}`, transport, dma, loop, { idleUntil, now: nowNs }));
      else if (transport.deviceId === DEVICE_ENTROPY) found.entropy ??= new VirtioEntropy(transport, dma, { idleUntil, now: nowNs });
      else if (transport.deviceId === DEVICE_FILE_SYSTEM) found.fileSystems.push(new VirtioFs(`fs${found.fileSystems.length}`, transport, dma, loop));
      else logDevice(`${transport.name}: no driver for virtio device type ${transport.deviceId}`);
    } catch (error) {
      logDevice(`${transport.name}: ${(error as Error).message}`);
    }
  }
  return (devices = found);
}

/** The network cards, "net0" first. */
export function networkInterfaces(): NetworkInterface[] {
  return started().net;
}

/** The disks, in the order of `--disk` flags. */
export function blockDevices(): BlockDevice[] {
  return started().disks;
}

/** The entropy device, if the machine has one. */
export function entropySource(): EntropySource | undefined {
  return started().entropy;
}

/** The virtio-fs devices (host directories shared with `--share`), each with its tag. */
export function fileSystemDevices(): FuseDevice[] {
  return started().fileSystems;
}
