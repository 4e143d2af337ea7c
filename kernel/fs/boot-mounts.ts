/**
 * The image's VFS, made at the service's first filesystem call
 * (current-vfs.ts loads this module then): the mounts of the kernel command
 * line's toro.mount= words, the image's assets at /app when it has any, and
 * the sync at the service's end registered with the process unit's exit
 * hooks.
 */
import { hw } from "../hw.ts";
import { blockDevices } from "../devices/index.ts";
import { hasAssets, mountAssets } from "./assets/index.ts";
import { mountFat } from "./fat/index.ts";
import { mountVirtioFs } from "./virtiofs/index.ts";
import { exitHooks } from "../process/exit-hooks.ts";
import { bootParameters } from "../process/state.ts";
import { syncAtExit } from "./exit-sync.ts";
import { MOUNT_PARAMETER, parseMounts, type MountRequest } from "./mount-parameter.ts";
import { mountRequests, type MounterFor } from "./mount-requests.ts";
import { Vfs } from "./vfs.ts";

const report = (line: string) => hw.write(line);

/** Where the image's assets are mounted unless the command line says otherwise. */
const ASSETS_PATH = "/app";

/** The sources this image can mount. */
const mounterFor: MounterFor = (source) => {
  const disk = /^disk(\d+)$/.exec(source);
  if (disk) return (request) => mountDisk(Number(disk[1]), request.readOnly);
  if (source === "assets") return async () => mountAssets();
  if (source.startsWith("virtiofs.")) return (request) => mountVirtioFs(source.slice("virtiofs.".length), { readOnly: request.readOnly });
  return undefined;
};

/** The FAT volume on the VM's disk number `index` (the order of the --disk flags). */
async function mountDisk(index: number, readOnly: boolean) {
  const devices = blockDevices();
  const device = devices[index];
  if (!device) throw new Error(`the VM has no disk${index} (it has ${devices.length} disk${devices.length === 1 ? "" : "s"})`);
  return mountFat(device, { readOnly });
}

export async function mountBootVolumes(): Promise<Vfs> {
  const { mounts, errors } = parseMounts(bootParameters.params.get(MOUNT_PARAMETER) ?? []);
  for (const error of errors) report(`toro: fs: ${error}\n`);
  if (hasAssets() && !mounts.some((mount) => mount.source === "assets")) {
    const assets: MountRequest = { source: "assets", path: ASSETS_PATH, readOnly: true };
    mounts.unshift(assets);
  }
  const vfs = new Vfs();
  await mountRequests(vfs, mounts, mounterFor, report);
  syncAtExit(vfs, exitHooks, report);
  return vfs;
}
