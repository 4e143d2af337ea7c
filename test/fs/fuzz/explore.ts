/**
 * What the fuzzer does with each broken image: mount it, walk its tree, stat
 * and read every file, then write (create, overwrite, truncate, rename,
 * mkdir, unlink, rmdir, sync, unmount), and mount and walk what that left. Every failure must be an FsError
 * (and an EIO must say what was wrong); anything else thrown is a bug, and
 * so is an answer that never comes (the caller's watchdog). The work is
 * bounded here, so a directory that lists itself forever cannot make the
 * walk, rather than the driver, the thing that never ends.
 */
import type { BlockDevice } from "../../../kernel/devices/block-device.ts";
import { FsError } from "../../../kernel/fs/errors.ts";
import type { FileSystem } from "../../../kernel/fs/file-system.ts";
import { mountFat } from "../../../kernel/fs/fat/index.ts";
import { patterned } from "./images.ts";

type Random = () => number;

/** How one image went: "refused EIO", or "mounted" with the errors met on the way. */
export interface Outcome {
  mounted: boolean;
  /** FsError codes met (at mount when refused), with counts. */
  codes: Record<string, number>;
  filesRead: number;
}

/** Thrown for a failure that is not an FsError: the fuzz case fails. */
export class NotAnFsError extends Error {}

const MAX_DEPTH = 10;
const MAX_ENTRIES = 3000;
/** Read at most this much of a file from its start, and then a piece at its end. */
const MAX_READ = 256 * 1024;
const CHUNK = 16 * 1024;

const WRITE_OPTIONS = { write: true, create: true, exclusive: false, truncate: false };

export async function explore(device: BlockDevice, random: Random): Promise<Outcome> {
  const outcome: Outcome = { mounted: false, codes: {}, filesRead: 0 };
  // Runs one call; an FsError is counted and gives undefined, anything else is the bug this hunts.
  const attempt = async <T>(what: string, call: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof FsError)) throw new NotAnFsError(`${what}: threw ${error instanceof Error ? `${error.constructor.name}: ${error.stack}` : String(error)}`);
      if ((error.code === "EIO" || error.code === "EINVAL") && error.message === error.code) throw new NotAnFsError(`${what}: ${error.code} without a detail`);
      outcome.codes[error.code] = (outcome.codes[error.code] ?? 0) + 1;
      return undefined;
    }
  };

  const readOnly = random() < 0.15;
  const volume: FileSystem | undefined = await attempt("mount", () => mountFat(device, { readOnly, now: () => 1_700_000_000_000, writeBackDelayMs: 0 }));
  if (!volume) return outcome;
  outcome.mounted = true;

  const files: string[][] = [];
  const directories: string[][] = [[]];
  let entries = 0;
  const walk = async (volume: FileSystem, path: string[], depth: number): Promise<void> => {
    const listed = await attempt(`readdir /${path.join("/")}`, () => volume.readdir(path));
    for (const entry of listed ?? []) {
      if (++entries > MAX_ENTRIES) return;
      const child = [...path, entry.name];
      const name = `/${child.join("/")}`;
      const stat = await attempt(`stat ${name}`, () => volume.stat(child));
      if (!stat) continue;
      if (stat.kind === "directory") {
        directories.push(child);
        if (depth < MAX_DEPTH) await walk(volume, child, depth + 1);
      } else {
        files.push(child);
        await attempt(`read ${name}`, () => readWhole(volume, child, stat.size));
        outcome.filesRead++;
      }
    }
  };
  await walk(volume, [], 0);
  await attempt("statfs", () => volume.statfs());

  const some = <T>(items: T[]): T | undefined => items[Math.floor(random() * items.length)];
  const operations: [string, () => Promise<unknown>][] = [
    ["create and write", async () => {
      const dir = some(directories) ?? [];
      const file = await volume.open([...dir, `fuzz written ${Math.floor(random() * 100)}.bin`], { ...WRITE_OPTIONS, truncate: true });
      try {
        await file.write(0, patterned(1 + Math.floor(random() * 5000), 7));
        await file.write(Math.floor(random() * 9000), patterned(300, 8));
        await file.sync();
      } finally {
        await file.close();
      }
    }],
    ["overwrite and truncate", async () => {
      const path = some(files);
      if (!path) return;
      const file = await volume.open(path, WRITE_OPTIONS);
      try {
        const { size } = await file.stat();
        await file.write(Math.floor(random() * Math.min(size + 1, 1 << 20)), patterned(700, 9));
        await file.truncate(Math.floor(random() * Math.min(size + 2000, 1 << 20)));
      } finally {
        await file.close();
      }
    }],
    ["mkdir", () => volume.mkdir([...(some(directories) ?? []), `new dir ${Math.floor(random() * 10)}`])],
    ["rename", async () => {
      const path = some(random() < 0.7 ? files : directories.slice(1));
      if (path) await volume.rename(path, [...(some(directories) ?? []), `moved ${Math.floor(random() * 10)}`]);
    }],
    ["unlink", async () => { const path = some(files); if (path) await volume.unlink(path); }],
    ["rmdir", async () => { const path = some(directories.slice(1)); if (path) await volume.rmdir(path); }],
    ["utimes", async () => { const path = some(files); if (path) await volume.utimes(path, 1_600_000_000_000, 1_600_000_000_000); }],
    ["sync", () => volume.sync()],
  ];
  const count = 2 + Math.floor(random() * 6);
  for (let i = 0; i < count; i++) {
    const [what, run] = some(operations)!;
    await attempt(what, run);
  }
  await attempt("unmount", () => volume.unmount());
  // What the writes left must mount and read the same way (a dirty volume's check included).
  const again: FileSystem | undefined = await attempt("mount again", () => mountFat(device, { readOnly, now: () => 1_700_000_000_000, writeBackDelayMs: 0 }));
  if (again) {
    entries = 0;
    await walk(again, [], 0);
    await attempt("unmount again", () => again.unmount());
  }
  return outcome;
}

async function readWhole(volume: FileSystem, path: string[], size: number): Promise<void> {
  const file = await volume.open(path, { write: false, create: false, exclusive: false, truncate: false });
  try {
    const buffer = new Uint8Array(CHUNK);
    let position = 0;
    while (position < Math.min(size, MAX_READ)) {
      const count = await file.read(position, buffer);
      if (count === 0) break;
      if (!(Number.isInteger(count) && count > 0 && count <= CHUNK)) throw new NotAnFsError(`read gave ${count} for ${CHUNK} bytes`);
      position += count;
    }
    if (size > MAX_READ) await file.read(size - CHUNK, buffer);
  } finally {
    await file.close();
  }
}
