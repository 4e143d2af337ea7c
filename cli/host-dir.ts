/**
 * `--dir HOSTDIR[:/PATH][,rw]`: a host directory given to the service as a
 * FAT image built on the host (mkfs.fat, then mcopy), attached as a disk.
 * With ,rw the guest's changes go back to the host directory when the VM ends
 * cleanly: the image is read back with mcopy into a scratch directory and
 * mirrored onto the host directory, entry by entry, against what the
 * directory held when the image was built, so a file the host changed
 * meanwhile is reported as a conflict, never overwritten.
 */
import { createHash } from "node:crypto";
import { chmodSync, closeSync, copyFileSync, lstatSync, mkdirSync, mkdtempSync, openSync, readSync, renameSync, rmdirSync, rmSync, unlinkSync, type Stats } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CliError } from "./errors.ts";
import { copyTreeIn, copyTreeOut, fatNeed, fits, formatImage, rootEntriesFor } from "./fat-image.ts";
import { formatPath, readTree, type TreeEntry } from "./host-tree.ts";

export interface HostDirSpec {
  /** The host directory, as given. */
  dir: string;
  /** Where the guest mounts it. */
  mount: string;
  writable: boolean;
}

interface Baseline {
  kind: "file" | "directory";
  size: number;
  mtimeMs: number;
  /** SHA-256 of a file's bytes when the image was built (,rw only). */
  hash?: string;
}

export interface PreparedDir {
  spec: HostDirSpec;
  /** The scratch directory holding the image (and, after the VM, what it held). */
  work: string;
  image: string;
  /** The host directory's entries when the image was built, by "a/b" path. */
  baseline: Map<string, Baseline>;
}

export interface WriteBackResult {
  /** Paths (relative to the host directory) created, replaced or removed. */
  changed: string[];
  /** One line per path left alone because the host changed it too. */
  conflicts: string[];
  /** Where the VM's version of the tree is, when there were conflicts. */
  kept: string | undefined;
}

const MiB = 1024 * 1024;

/**
 * The image's first size for a tree: its content at 4 KiB clusters, plus the
 * FAT tables' share and some slack; with ,rw as much again free (at least
 * 64 MiB). The image is sparse: free space costs the host nothing.
 */
export function dirImageBytes(entries: readonly TreeEntry[], writable: boolean): number {
  const content = fatNeed(entries, 4096, true).clusters * 4096;
  const bytes = writable ? content + Math.max(content, 64 * MiB) : content + content / 32 + 2 * MiB;
  return Math.ceil(bytes / MiB) * MiB;
}

function hashFile(path: string): string {
  const hash = createHash("sha256");
  const chunk = Buffer.allocUnsafe(4 * MiB);
  const fd = openSync(path, "r");
  try {
    for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0;) hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/** Build the image for one --dir (in a scratch directory of its own). */
export function prepareHostDir(spec: HostDirSpec, scratchRoot = tmpdir()): PreparedDir {
  const what = `--dir ${spec.dir}`;
  const entries = readTree(spec.dir, "--dir", { fat: true });
  const work = mkdtempSync(join(scratchRoot, "toro-dir-"));
  const image = join(work, "disk.img");
  try {
    // A first guess from the content; grown when mkfs.fat's cluster size makes it too small.
    let bytes = dirImageBytes(entries, spec.writable);
    for (let attempt = 0; ; attempt++) {
      const geometry = formatImage(image, bytes, { rootEntries: rootEntriesFor(entries) });
      if (fits(geometry, fatNeed(entries, geometry.clusterBytes, geometry.fat === 32))) break;
      if (attempt === 8) throw new CliError(`${what}: cannot size a FAT image for it`);
      bytes = Math.ceil((bytes * 1.5) / MiB) * MiB;
    }
    copyTreeIn(image, spec.dir, entries);
    const baseline = new Map<string, Baseline>();
    for (const entry of entries) {
      const hash = spec.writable && entry.kind === "file" ? hashFile(formatPath(spec.dir, entry.path)) : undefined;
      baseline.set(entry.path.join("/"), { kind: entry.kind, size: entry.size, mtimeMs: entry.mtimeMs, hash });
    }
    return { spec, work, image, baseline };
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

type Kind = "file" | "directory" | "other";
const kindOf = (s: Stats): Kind => (s.isFile() ? "file" : s.isDirectory() ? "directory" : "other");

/**
 * Mirror what the image holds now onto the host directory. For each path,
 * the guest changed it when the image differs from the baseline; it is
 * applied when the host still matches the baseline (or already holds the
 * guest's version), and reported as a conflict otherwise.
 */
export function writeBack(prepared: PreparedDir): WriteBackResult {
  const { spec, image, baseline, work } = prepared;
  const out = join(work, "from-vm");
  mkdirSync(out);
  copyTreeOut(image, out);
  const now = new Map(readTree(out, "--dir (the VM's image)", { fat: false }).map((e) => [e.path.join("/"), e]));
  const keys = [...new Set([...baseline.keys(), ...now.keys()])].sort();
  const hostPath = (key: string) => join(spec.dir, ...key.split("/"));
  const vmPath = (key: string) => join(out, ...key.split("/"));
  const sameFile = (key: string, host: Stats, b: Baseline) =>
    host.isFile() && host.size === b.size && (host.mtimeMs === b.mtimeMs || hashFile(hostPath(key)) === b.hash);

  const result: WriteBackResult = { changed: [], conflicts: [], kept: undefined };
  const removals: string[] = [];
  const additions: string[] = [];
  for (const key of keys) {
    const base = baseline.get(key), vm = now.get(key), host = lstatOrUndefined(hostPath(key));
    const vmHash = vm?.kind === "file" && base?.kind === "file" && vm.size === base.size ? hashFile(vmPath(key)) : undefined;
    const guestChanged = !base || !vm || base.kind !== vm.kind || (vm.kind === "file" && (vm.size !== base.size || vmHash !== base.hash));
    if (!guestChanged) continue;
    // The host already holds what the guest made: nothing to do.
    const hostHasVm = vm === undefined ? host === undefined
      : vm.kind === "directory" ? host?.isDirectory() === true
      : host?.isFile() === true && host.size === vm.size && hashFile(hostPath(key)) === (vmHash ?? hashFile(vmPath(key)));
    if (hostHasVm) continue;
    const hostUnchanged = base === undefined ? host === undefined
      : base.kind === "directory" ? host?.isDirectory() === true
      : host !== undefined && sameFile(key, host, base);
    if (!hostUnchanged) {
      result.conflicts.push(`${key}: changed on the host while the VM ran (${host ? `now a ${kindOf(host)}` : "now missing"}); left as the host has it`);
      continue;
    }
    if (base && (!vm || base.kind !== vm.kind)) removals.push(key);
    if (vm) additions.push(key);
  }
  // Removals deepest first (a directory after what it held), additions parents first.
  const notRemoved = new Set<string>();
  for (const key of removals.sort().reverse()) {
    const path = hostPath(key);
    try {
      if (baseline.get(key)!.kind === "directory") rmdirSync(path);
      else unlinkSync(path);
      result.changed.push(key);
    } catch (error) {
      result.conflicts.push(`${key}: not removed: ${(error as NodeJS.ErrnoException).code === "ENOTEMPTY" ? "the host added files to it while the VM ran" : (error as Error).message}`);
      notRemoved.add(key);
    }
  }
  for (const key of additions.sort()) {
    if (notRemoved.has(key)) continue;
    const path = hostPath(key);
    try {
      if (now.get(key)!.kind === "directory") {
        mkdirSync(path);
      } else {
        // Written beside and renamed over: the host never sees half a file. A replaced file keeps its mode.
        const mode = lstatOrUndefined(path)?.mode;
        const temporary = join(dirname(path), `.toro-write-back-${process.pid}`);
        copyFileSync(vmPath(key), temporary);
        if (mode !== undefined) chmodSync(temporary, mode & 0o7777);
        renameSync(temporary, path);
      }
      result.changed.push(key);
    } catch (error) {
      result.conflicts.push(`${key}: not written: ${(error as Error).message}`);
    }
  }
  if (result.conflicts.length) result.kept = out;
  return result;
}

/** After the VM: write back (,rw and a clean exit) or say why not, and clean up what is no longer needed. */
export function finishHostDir(prepared: PreparedDir, exitCode: number, log: (line: string) => void): void {
  const { spec, work, image } = prepared;
  if (!spec.writable) {
    rmSync(work, { recursive: true, force: true });
    return;
  }
  if (exitCode !== 0) {
    log(`toro: --dir ${spec.dir}: the VM did not end cleanly (exit code ${exitCode}), so nothing was written back; its image is kept at ${image}`);
    return;
  }
  let result: WriteBackResult;
  try {
    result = writeBack(prepared);
  } catch (error) {
    log(`toro: --dir ${spec.dir}: writing back failed (${(error as Error).message}); its image is kept at ${image}`);
    return;
  }
  for (const conflict of result.conflicts) log(`toro: --dir ${spec.dir}: conflict: ${conflict}`);
  if (result.kept) {
    rmSync(image, { force: true });
    log(`toro: --dir ${spec.dir}: ${result.changed.length} changes written back, ${result.conflicts.length} not; the VM's version of the tree is kept in ${result.kept}`);
  } else {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Remove a prepared image that will not be used (the run failed before the VM started). */
export function discardHostDir(prepared: PreparedDir): void {
  rmSync(prepared.work, { recursive: true, force: true });
}
