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
  // QEMU lists the windows from the top down; take them in address order, the order devices were added.
  for (const slot of slots.sort((a, b) => a.base - b.base)) attempt(() => new VirtioMmioTransport(mmio, slot.base, interrupts, slot.irq));

  for (const fn of enumeratePci(new PciConfigAccess(ports))) {
    if (virtioPciDeviceType(fn) !== undefined) attempt(() => new VirtioPciTransport(fn, mmio, interrupts));
  }
  return transports;
}
