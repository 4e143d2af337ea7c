/**
 * The host's FAT tools: Debian's dosfstools (mkfs.fat, fsck.fat) and mtools
 * (mcopy, mmd, mdir). The CLI formats images with mkfs.fat and moves files
 * in and out of them with mcopy, rather than writing FAT on the host itself:
 * they are the reference tools, and what the guest's FAT driver is tested
 * against.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { CliError } from "./errors.ts";

/** Each tool, and the Debian package that has it. */
export const HOST_TOOLS = {
  "mkfs.fat": "dosfstools",
  "fsck.fat": "dosfstools",
  mcopy: "mtools",
  mmd: "mtools",
} as const;

export type HostTool = keyof typeof HOST_TOOLS;

/** mkfs.fat is in /usr/sbin, which a user's PATH often lacks. */
const SBIN = ["/usr/sbin", "/sbin"];

/** The tool's full path, or a CliError (exit 2) naming the package to install. */
export function findHostTool(name: HostTool, path = process.env.PATH ?? "", fallback: readonly string[] = SBIN): string {
  for (const dir of [...path.split(delimiter), ...fallback]) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  const pkg = HOST_TOOLS[name];
  throw new CliError(`${name} is not installed: install Debian's ${pkg} (apt-get install ${pkg}, or ./toro setup)`);
}

/**
 * mtools in a known state: UTF-8 names whatever the user's locale (else
 * names outside ASCII become short-name mangles), no user configuration,
 * and no drive-geometry check on image files.
 */
const MTOOLS_ENV = { LC_ALL: "C.UTF-8", MTOOLSRC: "/dev/null", MTOOLS_SKIP_CHECK: "1" };

/** Run a host tool; its output, or a CliError with what it said. */
export function runHostTool(name: HostTool, args: string[], what: string): string {
  const tool = findHostTool(name);
  const r = spawnSync(tool, args, { encoding: "utf8", env: { ...process.env, ...MTOOLS_ENV }, maxBuffer: 64 << 20 });
  if (r.error) throw new CliError(`${what}: cannot run ${tool}: ${r.error.message}`);
  if (r.status !== 0) throw new CliError(`${what}: ${name} failed: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join("; ")}`);
  return r.stdout;
}
