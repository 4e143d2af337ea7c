/**
 * Finding the machine's virtio devices: on microvm, the virtio-mmio windows
 * QEMU lists on the kernel command line; on q35, the virtio functions on
 * PCI. A device that is absent, malformed or refuses us gets a log line,
 * never a crash.
 */
import { bootParameters } from "../process/state.ts";
import { enumeratePci, PciConfigAccess } from "./pci.ts";
import { interrupts, mmio, ports } from "./platform.ts";
import { parseVirtioMmioDevices, VirtioMmioTransport } from "./virtio/mmio.ts";
import { VirtioPciTransport, virtioPciDeviceType } from "./virtio/pci.ts";
import type { VirtioTransport } from "./virtio/transport.ts";

export function logDevice(message: string): void {
  console.log(`toro: ${message}`);
}

export function findVirtioTransports(): VirtioTransport[] {
  const transports: VirtioTransport[] = [];
  const attempt = (make: () => VirtioTransport) => {
    try {
      const transport = make();
      if (transport.deviceId !== 0) transports.push(transport);
    } catch (error) {
      logDevice(`skipping a device: ${(error as Error).message}`);
    }
  };

  const words = (bootParameters.params.get("virtio_mmio.device") ?? []).map((value) => `virtio_mmio.device=${value}`);
  const { slots, errors } = parseVirtioMmioDevices(words);
  for (const error of errors) logDevice(`skipping a device: ${error.message}`);
  // QEMU's microvm puts the first -device in the highest window and each next one below it
  // (seen with three disks: the first --disk was at the top): take them from the top down,
  // the order they were added, so disk0 is the first --disk.
  for (const slot of slots.sort((a, b) => b.base - a.base)) attempt(() => new VirtioMmioTransport(mmio, slot.base, interrupts, slot.irq));

  for (const fn of enumeratePci(new PciConfigAccess(ports))) {
    if (virtioPciDeviceType(fn) !== undefined) attempt(() => new VirtioPciTransport(fn, mmio, interrupts));
  }
  return transports;
}
