/**
 * The check of one cut (what a power loss left on the disk): fsck.fat -n
 * finds nothing a power loss must not leave; our mount, which repairs a
 * dirty volume, succeeds; every path a resolved sync made durable (and no
 * later call touched) reads back exactly, and every other file reads without
 * an error; after unmounting, fsck.fat -n finds nothing at all.
 */
import type { FileSystem } from "../../../kernel/fs/file-system.ts";
import { mountFat } from "../../../kernel/fs/fat/index.ts";
import { OverlayDisk } from "../../sim/overlay-disk.ts";
import { RecordingDisk } from "../../sim/recording-disk.ts";
import { fsck } from "./fsck.ts";
import type { ScratchImage } from "./scratch-image.ts";
import type { Expectation } from "./workload.ts";

export const NOW = () => Date.UTC(2026, 11, 4, 12, 0, 0);

export interface CutReport {
  /** What was wrong; empty when the cut passed. */
  problems: string[];
  /** The repairs our mount reported. */
  repairs: string[];
  /** Expectations that read back. */
  checked: number;
}

/** Which image a set of changed sectors makes (FNV-1a over sector numbers and bytes). */
export function imageKey(changes: ReadonlyMap<number, Uint8Array>): string {
  let hash = 0x811c9dc5, second = 0;
  for (const sector of [...changes.keys()].sort((a, b) => a - b)) {
    hash = Math.imul(hash ^ sector, 0x01000193);
    for (const byte of changes.get(sector)!) hash = Math.imul(hash ^ byte, 0x01000193);
    second = (second + (hash >>> 0)) % 0xfffffffb;
  }
  return `${changes.size}:${hash >>> 0}:${second}`;
}

const READ = { write: false, create: false, exclusive: false, truncate: false };

async function readAll(volume: FileSystem, path: string[]): Promise<Uint8Array> {
  const file = await volume.open(path, READ);
  try {
    const { size } = await file.stat();
    const bytes = new Uint8Array(size);
    let at = 0;
    while (at < size) {
      const count = await file.read(at, bytes.subarray(at));
      if (count === 0) throw new Error(`${path.join("/")}: the file ended at ${at} of its ${size} bytes`);
      at += count;
    }
    return bytes;
  } finally {
    await file.close();
  }
}

async function walk(volume: FileSystem, path: string[], problems: string[]): Promise<void> {
  for (const entry of await volume.readdir(path)) {
    const child = [...path, entry.name];
    try {
      if (entry.kind === "directory") await walk(volume, child, problems);
      else await readAll(volume, child);
    } catch (error) {
      problems.push(`/${child.join("/")} does not read back: ${(error as Error).message}`);
    }
  }
}

export async function checkCut(start: Uint8Array, changes: ReadonlyMap<number, Uint8Array>, expected: readonly Expectation[], scratch: ScratchImage): Promise<CutReport> {
  const report: CutReport = { problems: [], repairs: [], checked: 0 };
  scratch.show(changes);
  const before = await fsck(scratch.file);
  for (const line of before.forbidden) report.problems.push(`fsck.fat before our mount: ${line}`);

  const disk = new RecordingDisk(new OverlayDisk(start, { changes }));
  let volume;
  try {
    volume = await mountFat(disk, { now: NOW, writeBackDelayMs: 0 });
  } catch (error) {
    report.problems.push(`our mount failed: ${(error as Error).stack}`);
    return report;
  }
  report.repairs = [...volume.repairs];
  for (const expectation of expected) {
    const path = expectation.path.split("/");
    try {
      const stat = await volume.stat(path);
      if (expectation.content === "directory") {
        if (stat.kind !== "directory") throw new Error(`a ${stat.kind}, not a directory`);
      } else {
        const content = await readAll(volume, path);
        const alike = (other: Uint8Array) => Buffer.compare(content, other) === 0;
        if (!alike(expectation.content) && !(expectation.otherwise ?? []).some(alike)) {
          const differs = content.findIndex((byte, i) => byte !== expectation.content[i]);
          throw new Error(`${content.length} bytes, not the ${expectation.content.length} synced; first difference at ${differs}`);
        }
      }
      report.checked++;
    } catch (error) {
      report.problems.push(`/${expectation.path} was made durable (at event ${expectation.from}) but ${(error as Error).message}`);
    }
  }
  try {
    await walk(volume, [], report.problems);
    await volume.unmount();
  } catch (error) {
    report.problems.push(`walking and unmounting failed: ${(error as Error).stack}`);
    return report;
  }

  const after = new Map(changes);
  for (const event of disk.events) {
    if (event.kind !== "write") continue;
    for (let i = 0; i < event.data.length / 512; i++) after.set(event.sector + i, event.data.subarray(i * 512, (i + 1) * 512));
  }
  scratch.show(after);
  const repaired = await fsck(scratch.file);
  if (repaired.exitCode !== 0 || repaired.findings.length) {
    report.problems.push(`fsck.fat after our mount (repairs: ${report.repairs.join("; ") || "none"}) exited ${repaired.exitCode}: ${repaired.findings.join(" | ")}`);
  }
  return report;
}
