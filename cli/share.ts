/**
 * `--share HOSTDIR:/PATH[,ro]`: a live host directory over virtio-fs. Pure
 * parts here (the flag, the tags, the guest's mount words and QEMU's
 * arguments); starting virtiofsd is virtiofs.ts.
 *
 * virtiofsd reaches the guest's memory directly, so a VM with a share has
 * its RAM in a shared memfd (`memory-backend-memfd,share=on`) and a
 * vhost-user-fs device whose FUSE queues virtiofsd serves over a socket.
 */
import { encodeMount } from "../kernel/fs/mount-parameter.ts";
import type { Machine } from "./args.ts";
import { CliError } from "./errors.ts";

export interface Share {
  hostDir: string;
  /** Where the guest mounts it: absolute, normalized. */
  path: string;
  readOnly: boolean;
}

/** A running share as QEMU needs it: the device's tag and virtiofsd's socket. */
export interface ShareSocket {
  tag: string;
  socket: string;
}

/** The memory backend's ID on QEMU's command line. */
const SHARED_RAM = "toro-ram";

export function parseShare(text: string): Share {
  const readOnly = text.endsWith(",ro");
  const body = readOnly ? text.slice(0, -3) : text;
  // The guest path is absolute, so the host directory ends at the last ":/" (it may hold colons itself).
  const split = body.lastIndexOf(":/");
  if (split <= 0) throw new CliError(`--share: expected HOSTDIR:/PATH or HOSTDIR:/PATH,ro, got "${text}"`);
  const hostDir = body.slice(0, split);
  const names = body.slice(split + 1).split("/").filter(Boolean);
  if (names.some((name) => name === "." || name === "..")) throw new CliError(`--share ${text}: the guest path may not hold "." or ".."`);
  if (names.length === 0) throw new CliError(`--share ${text}: the guest path must be below "/", e.g. /data`);
  return { hostDir, path: "/" + names.join("/"), readOnly };
}

/** The tag of the `index`th share's device (virtio-fs tags are at most 36 bytes). */
export function shareTag(index: number): string {
  return `share${index}`;
}

/** The kernel command-line words that mount each share (kernel/fs/mount-parameter.ts). */
export function shareMountWords(shares: readonly Share[]): string[] {
  return shares.map((share, i) => encodeMount({ source: `virtiofs.${shareTag(i)}`, path: share.path, readOnly: share.readOnly }));
}

/** What QEMU needs for the shares: the `-M` option that puts RAM in the shared memfd, and the devices. */
export function shareQemuArgs(machine: Machine, memoryMiB: number, sockets: readonly ShareSocket[]): { machineOption: string; args: string[] } {
  if (sockets.length === 0) return { machineOption: "", args: [] };
  const args = ["-object", `memory-backend-memfd,id=${SHARED_RAM},size=${memoryMiB}M,share=on`];
  sockets.forEach(({ tag, socket }, i) => {
    const device = machine === "microvm" ? "vhost-user-fs-device" : "vhost-user-fs-pci";
    args.push("-chardev", `socket,id=fs${i},path=${socket.replace(/,/g, ",,")}`, "-device", `${device},chardev=fs${i},tag=${tag}`);
  });
  return { machineOption: `,memory-backend=${SHARED_RAM}`, args };
}
