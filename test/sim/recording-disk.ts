/**
 * A disk that records every write and flush that reaches it, in order, so a
 * crash test can rebuild what a power loss at any point would leave: the
 * writes before the last flush are on the disk; those since it may have
 * landed all, none, or only some, in any order, a sector at a time (a disk
 * promises no more than a whole sector).
 */
import type { BlockDevice } from "../../kernel/devices/block-device.ts";

export type DiskEvent =
  | { kind: "write"; sector: number; data: Uint8Array }
  | { kind: "flush" };

/** One sector as a power loss leaves it. */
export interface SectorWrite {
  sector: number;
  data: Uint8Array;
}

/**
 * Which of the writes since the last flush before a cut landed: all of
 * them, none, a random subset applied in a random order, or the sectors
 * (numbered from 0 in the order written) that `keep` picks, in order.
 */
export type LossChoice = "all" | "none" | { random: () => number } | { keep: (index: number) => boolean };

export class RecordingDisk implements BlockDevice {
  readonly events: DiskEvent[] = [];

  constructor(readonly inner: BlockDevice) {}

  get name(): string { return this.inner.name; }
  get sectorSize(): number { return this.inner.sectorSize; }
  get sectors(): number { return this.inner.sectors; }
  get readOnly(): boolean { return this.inner.readOnly; }
  get maxInFlight(): number { return this.inner.maxInFlight; }
  /** Discards are not recorded (what a discarded sector reads back is undefined), so none are offered. */
  get canDiscard(): boolean { return false; }

  /** How many events are recorded: a cut at this position is "now". */
  get position(): number {
    return this.events.length;
  }

  read(sector: number, count: number): Promise<Uint8Array> {
    return this.inner.read(sector, count);
  }

  /** Recorded when the write completes: one still in flight at a cut has not landed. */
  async write(sector: number, data: Uint8Array): Promise<void> {
    const copy = data.slice();
    await this.inner.write(sector, data);
    this.events.push({ kind: "write", sector, data: copy });
  }

  /** Recorded when issued: it covers the writes completed before it (the inner device's flush is immediate in tests). */
  flush(): Promise<void> {
    this.events.push({ kind: "flush" });
    return this.inner.flush();
  }

  discard(sector: number, count: number): Promise<void> {
    return this.inner.discard(sector, count);
  }

  writeSync(sector: number, data: Uint8Array): void {
    const copy = data.slice();
    this.inner.writeSync(sector, data);
    this.events.push({ kind: "write", sector, data: copy });
  }

  flushSync(): void {
    this.events.push({ kind: "flush" });
    this.inner.flushSync();
  }
}

function sectorsOf(event: DiskEvent & { kind: "write" }, sectorSize: number): SectorWrite[] {
  const out: SectorWrite[] = [];
  for (let offset = 0; offset < event.data.length; offset += sectorSize) {
    out.push({ sector: event.sector + offset / sectorSize, data: event.data.subarray(offset, offset + sectorSize) });
  }
  return out;
}

/** How many sectors were written since the last flush among events[0..cut). */
export function pendingSectors(events: readonly DiskEvent[], cut: number, sectorSize = 512): number {
  let count = 0;
  for (let i = lastFlushBefore(events, cut) + 1; i < cut; i++) {
    const event = events[i];
    if (event.kind === "write") count += event.data.length / sectorSize;
  }
  return count;
}

/** Index of the last flush among events[0..cut), or -1. */
export function lastFlushBefore(events: readonly DiskEvent[], cut: number): number {
  for (let i = cut - 1; i >= 0; i--) if (events[i].kind === "flush") return i;
  return -1;
}

/**
 * The sectors a power loss after the first `cut` events leaves written, in
 * the order they land: every write before the last flush, then the writes
 * since it as `choice` says.
 */
export function powerLoss(events: readonly DiskEvent[], cut: number, choice: LossChoice = "all", sectorSize = 512): SectorWrite[] {
  if (!(Number.isInteger(cut) && cut >= 0 && cut <= events.length)) throw new RangeError(`cut ${cut} is outside 0..${events.length}`);
  const flushed = lastFlushBefore(events, cut);
  const landed: SectorWrite[] = [];
  const pending: SectorWrite[] = [];
  events.slice(0, cut).forEach((event, index) => {
    if (event.kind === "write") (index < flushed ? landed : pending).push(...sectorsOf(event, sectorSize));
  });
  if (choice === "all") return landed.concat(pending);
  if (choice === "none") return landed;
  if ("keep" in choice) return landed.concat(pending.filter((_, index) => choice.keep(index)));
  const { random } = choice;
  // A subset of random density (so "almost all" and "almost none" both occur), shuffled.
  const density = random();
  const some = pending.filter(() => random() < density);
  for (let i = some.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [some[i], some[j]] = [some[j], some[i]];
  }
  return landed.concat(some);
}

/** A copy of `start` with what a power loss after `cut` events leaves on it. */
export function cutImage(start: Uint8Array, events: readonly DiskEvent[], cut: number, choice: LossChoice = "all", sectorSize = 512): Uint8Array {
  const image = start.slice();
  for (const { sector, data } of powerLoss(events, cut, choice, sectorSize)) image.set(data, sector * sectorSize);
  return image;
}
