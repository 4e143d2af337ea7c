/** Where Toro's own files are, wherever the CLI is run from. */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";

function findRoot(): string {
  // cli/paths.ts under tsx, build/cli.mjs when bundled: walk up to package.json.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) || !existsSync(join(dir, "platform"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find Toro's root directory");
    dir = up;
  }
  return dir;
}

export const TORO_ROOT = findRoot();
export const BUILD_DIR = join(TORO_ROOT, "build");
export const PLATFORM_BUILD_DIR = join(BUILD_DIR, "platform");
export const KERNEL_DIR = join(TORO_ROOT, "kernel");
export const TYPES_DIR = join(TORO_ROOT, "types");
