/**
 * How the CLI tells the guest what to mount where: one kernel command-line
 * word per mount, `toro.mount=<source>:<path>[:ro]`, percent-encoded as a
 * whole (so a path may hold any character). Sources: "disk0", "disk1", … (a
 * FAT volume on that virtio-blk disk), "assets" (the files embedded in the
 * image), "virtiofs.<tag>" (a virtio-fs device with that tag).
 */

export interface MountRequest {
  source: string;
  /** Absolute, normalized: "/data". */
  path: string;
  readOnly: boolean;
}

export const MOUNT_PARAMETER = "toro.mount";

export function encodeMount(mount: MountRequest): string {
  return `${MOUNT_PARAMETER}=${encodeURIComponent(`${mount.source}:${mount.path}${mount.readOnly ? ":ro" : ""}`)}`;
}

/** The mounts in the words' order; a word that does not parse is reported, not fatal. */
export function parseMounts(values: readonly string[]): { mounts: MountRequest[]; errors: string[] } {
  const mounts: MountRequest[] = [], errors: string[] = [];
  for (const value of values) {
    let text: string;
    try {
      text = decodeURIComponent(value);
    } catch {
      errors.push(`${MOUNT_PARAMETER}=${value}: not percent-encoded`);
      continue;
    }
    const colon = text.indexOf(":");
    let rest = text.slice(colon + 1);
    const readOnly = rest.endsWith(":ro");
    if (readOnly) rest = rest.slice(0, -3);
    if (colon <= 0 || !rest.startsWith("/")) {
      errors.push(`${MOUNT_PARAMETER}=${text}: expected <source>:<absolute path>[:ro]`);
      continue;
    }
    mounts.push({ source: text.slice(0, colon), path: rest, readOnly });
  }
  return { mounts, errors };
}
