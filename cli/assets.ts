/**
 * Writes the assets archive (format in kernel/fs/assets/archive.ts) for
 * `--assets DIR`: the index first, then each file's bytes streamed from the
 * host, so an archive of any size is never held in memory.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { alignUp, ASSETS_HEADER_BYTES, ASSETS_MAGIC, ASSETS_VERSION, type ArchiveIndex } from "../kernel/fs/assets/archive.ts";
import { CliError } from "./errors.ts";
import { formatPath, readTree } from "./host-tree.ts";

/** The directory package.json's "assets" names (relative to the package), or undefined. */
export function packageAssets(serviceDir: string): string | undefined {
  const pkg = join(serviceDir, "package.json");
  if (!existsSync(pkg)) return undefined;
  let assets: unknown;
  try {
    assets = JSON.parse(readFileSync(pkg, "utf8")).assets;
  } catch {
    throw new CliError(`${pkg}: not valid JSON`);
  }
  if (assets === undefined) return undefined;
  if (typeof assets !== "string" || !assets) throw new CliError(`${pkg}: "assets" must name a directory, e.g. "assets": "public"`);
  return resolve(serviceDir, assets);
}

export interface AssetsSummary {
  files: number;
  directories: number;
  /** The archive's size. */
  bytes: number;
}

/** Write the archive of `dir`'s files to `file`. */
export function writeAssetsArchive(dir: string, file: string): AssetsSummary {
  const tree = readTree(dir, "--assets", { fat: false });
  const index: ArchiveIndex = { dataBytes: 0, entries: [] };
  for (const entry of tree) {
    const path = entry.path.join("/");
    if (entry.kind === "directory") {
      index.entries.push({ path, kind: "directory", mtimeMs: entry.mtimeMs });
    } else {
      index.entries.push({ path, kind: "file", mtimeMs: entry.mtimeMs, offset: index.dataBytes, size: entry.size });
      index.dataBytes = alignUp(index.dataBytes + entry.size);
    }
  }
  const json = Buffer.from(JSON.stringify(index));
  const header = Buffer.alloc(alignUp(ASSETS_HEADER_BYTES + json.length));
  header.write(ASSETS_MAGIC, 0, "latin1");
  header.writeUInt32LE(ASSETS_VERSION, 8);
  header.writeUInt32LE(json.length, 12);
  json.copy(header, ASSETS_HEADER_BYTES);
  const out = openSync(file, "w");
  try {
    writeSync(out, header);
    const chunk = Buffer.alloc(1 << 20);
    for (const entry of tree) {
      if (entry.kind !== "file") continue;
      const source = formatPath(dir, entry.path);
      const fd = openSync(source, "r");
      let copied = 0;
      try {
        // One byte more than is left: a file that grew since it was listed shows it.
        for (let n; (n = readSync(fd, chunk, 0, Math.min(chunk.length, entry.size - copied + 1), null)) > 0; copied += n) {
          if (copied + n > entry.size) break;
          writeSync(out, chunk, 0, n);
        }
      } finally {
        closeSync(fd);
      }
      if (copied !== entry.size) throw new CliError(`--assets: ${source} changed while the archive was written (it had ${entry.size} bytes)`);
      const padding = alignUp(entry.size) - entry.size;
      if (padding) writeSync(out, Buffer.alloc(padding));
    }
  } finally {
    closeSync(out);
  }
  return {
    files: tree.filter((e) => e.kind === "file").length,
    directories: tree.filter((e) => e.kind === "directory").length,
    bytes: header.length + index.dataBytes,
  };
}
