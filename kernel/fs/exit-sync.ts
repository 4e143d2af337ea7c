/**
 * The filesystem's part in the service's end (kernel/process/exit-hooks.ts):
 * exit() writes back every mount synchronously (the block devices' writeSync
 * and flushSync: the event loop will not turn again), and a service that
 * ends by itself gets every mount synced and unmounted (marked clean) before
 * the VM ends. An uncaught error or a fault does neither, as a power loss.
 */
import type { ExitHooks } from "../process/exit-hooks.ts";
import type { Vfs } from "./vfs.ts";

export function syncAtExit(vfs: Vfs, hooks: ExitHooks, report: (line: string) => void): void {
  hooks.onExit(() => vfs.syncBeforeExit(report));
  const unmountAll = async () => {
    if (vfs.mounted().length === 0) return;
    await vfs.syncAll();
    for (const mount of [...vfs.mounted()]) await vfs.unmount(mount.path);
  };
  hooks.onBeforeExit(unmountAll);
}
