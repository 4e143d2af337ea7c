/**
 * An image file for fsck.fat that is kept equal to a starting image plus a
 * set of changed sectors: showing another set rewrites only the sectors in
 * which the two differ, so a thousand cuts of a 33 MiB volume cost a
 * thousand small writes, not a thousand copies.
 */
import { closeSync, openSync, writeSync, writeFileSync } from "node:fs";

const SECTOR = 512;

export class ScratchImage {
  private shown = new Map<number, Uint8Array>();
  private readonly fd: number;

  constructor(readonly file: string, private readonly start: Uint8Array) {
    writeFileSync(file, start);
    this.fd = openSync(file, "r+");
  }

  /** Make the file hold the starting image with `changes` (sector → bytes) over it. */
  show(changes: ReadonlyMap<number, Uint8Array>): void {
    for (const sector of new Set([...this.shown.keys(), ...changes.keys()])) {
      const want = changes.get(sector) ?? this.start.subarray(sector * SECTOR, (sector + 1) * SECTOR);
      const have = this.shown.get(sector) ?? this.start.subarray(sector * SECTOR, (sector + 1) * SECTOR);
      if (want !== have && Buffer.compare(want, have) !== 0) writeSync(this.fd, want, 0, SECTOR, sector * SECTOR);
    }
    this.shown = new Map(changes);
  }

  close(): void {
    closeSync(this.fd);
  }
}
