/**
 * The image's VFS, made at the service's first filesystem call
 * (current-vfs.ts loads this module then): the mounts of the kernel command
 * line's toro.mount= words, and the sync at the service's end registered
 * with the process unit's exit hooks.
 */
import { hw } from "../hw.ts";
import { exitHooks } from "../process/exit-hooks.ts";
import { bootParameters } from "../process/state.ts";
import { syncAtExit } from "./exit-sync.ts";
import { MOUNT_PARAMETER, parseMounts } from "./mount-parameter.ts";
import { mountRequests, type MounterFor } from "./mount-requests.ts";
import { Vfs } from "./vfs.ts";

const report = (line: string) => hw.write(line);

/** The sources this image can mount. */
const mounterFor: MounterFor = () => undefined;

export async function mountBootVolumes(): Promise<Vfs> {
  const { mounts, errors } = parseMounts(bootParameters.params.get(MOUNT_PARAMETER) ?? []);
  for (const error of errors) report(`toro: fs: ${error}\n`);
  const vfs = new Vfs();
  await mountRequests(vfs, mounts, mounterFor, report);
  syncAtExit(vfs, exitHooks, report);
  return vfs;
}
