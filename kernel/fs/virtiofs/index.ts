/**
 * virtio-fs: a host directory, shared by the CLI's `--share HOSTDIR:/PATH`
 * (virtiofsd on the host), mounted as a FileSystem. The VFS mounts it for
 * the kernel command-line word `toro.mount=virtiofs.<tag>:/PATH[:ro]`.
 */
import { fileSystemDevices } from "../../devices/index.ts";
import { FsError } from "../errors.ts";
import type { FileSystem } from "../file-system.ts";
import { mountFuseDevice, type VirtioFsOptions } from "./mount.ts";

export { mountFuseDevice, type VirtioFsOptions };

/** Mount the virtio-fs device whose tag is `tag`. EIO when there is none, or when the host does not speak FUSE 7.31+. */
export async function mountVirtioFs(tag: string, options: VirtioFsOptions): Promise<FileSystem> {
  const device = fileSystemDevices().find((candidate) => candidate.tag === tag);
  if (!device) {
    const tags = fileSystemDevices().map((candidate) => `"${candidate.tag}"`);
    throw new FsError("EIO", `no virtio-fs device has the tag "${tag}"${tags.length ? ` (there are ${tags.join(", ")})` : " (there is none)"}`);
  }
  return mountFuseDevice(device, options);
}
