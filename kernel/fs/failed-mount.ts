/**
 * What stands at a mount point whose volume could not be mounted (not FAT,
 * a bad disk, a missing device): every call under it fails with EIO naming
 * the mount and why, and the console gets one line saying so, at the first
 * such call. The VM and the other mounts go on.
 */
import { FsError } from "./errors.ts";
import type { FileSystem } from "./file-system.ts";

export function failedMount(source: string, path: string, why: string, report: (line: string) => void): FileSystem {
  const detail = `${source} at ${path} could not be mounted: ${why}`;
  let reported = false;
  const fail = async (): Promise<never> => {
    if (!reported) {
      reported = true;
      report(`toro: fs: ${detail}; calls under ${path} fail with EIO\n`);
    }
    throw new FsError("EIO", detail);
  };
  return {
    type: "failed",
    readOnly: false,
    stat: fail, readdir: fail, open: fail, mkdir: fail, rmdir: fail, unlink: fail,
    rename: fail, utimes: fail, statfs: fail,
    // Nothing was mounted: nothing to write back or unmount.
    sync: async () => {},
    unmount: async () => {},
  };
}
