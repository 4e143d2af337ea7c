/**
 * The VFS the service's calls go to. In an image it is made on the first
 * call, with the mounts the kernel command line asks for (boot-mounts.ts,
 * loaded only then, so importing toro/fs costs nothing and touches no
 * device); tests in Node hand in their own.
 */
import type { Vfs } from "./vfs.ts";

let current: Promise<Vfs> | undefined;

/** The VFS, mounted on first use. */
export function currentVfs(): Promise<Vfs> {
  return (current ??= import("./boot-mounts.ts").then((module) => module.mountBootVolumes()));
}

/** Use `vfs` from now on instead of the boot mounts (tests in Node, which have no kernel command line). */
export function useVfs(vfs: Vfs): void {
  current = Promise.resolve(vfs);
}
