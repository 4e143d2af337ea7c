/**
 * Mount what the kernel command line asks for (mount-parameter.ts) into a
 * VFS, each request from its source's mounter: "diskN" a FAT volume,
 * "assets" the image's files, "virtiofs.<tag>" a host directory. A request
 * that cannot be mounted leaves a failing mount at its path
 * (failed-mount.ts): the service's calls there get EIO saying why, and the
 * VM goes on.
 */
import type { FileSystem } from "./file-system.ts";
import { failedMount } from "./failed-mount.ts";
import type { MountRequest } from "./mount-parameter.ts";
import type { Vfs } from "./vfs.ts";

/** Makes the file system a request names; rejects with why it cannot. */
export type Mounter = (request: MountRequest) => Promise<FileSystem>;

/** The mounter for a source ("disk0", "assets", "virtiofs.share"), or undefined for one the image does not know. */
export type MounterFor = (source: string) => Mounter | undefined;

export async function mountRequests(vfs: Vfs, requests: readonly MountRequest[], mounterFor: MounterFor, report: (line: string) => void): Promise<void> {
  for (const request of requests) {
    const mounter = mounterFor(request.source);
    let fs: FileSystem;
    try {
      if (!mounter) throw new Error(`this image has no file system for the source "${request.source}"`);
      fs = await mounter(request);
    } catch (error) {
      fs = failedMount(request.source, request.path, error instanceof Error ? error.message : String(error), report);
    }
    try {
      vfs.mount(request.path, fs, { readOnly: request.readOnly });
    } catch {
      report(`toro: fs: ${request.source} not mounted: ${request.path} is mounted already\n`);
      await fs.unmount().catch(() => undefined);
    }
  }
}
