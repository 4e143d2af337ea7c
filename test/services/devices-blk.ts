// Writes a pattern over a whole disk, reads it back and checks it, discards
// its first 64 sectors, or shows that a read-only disk refuses writes.
// argv[0]: write | write-sync | verify | discard | write-read-only
// write-sync writes with writeSync/flushSync (the exit path's) and exits at once.
import { argv, exit } from "toro";
import { blockDevices } from "toro/devices";
import { patternByte } from "./disk-pattern.ts";

const SECTORS_PER_REQUEST = 64;
const IN_FLIGHT = 8;

async function overDisk(work: (sector: number, count: number) => Promise<void>, sectors: number) {
  let next = 0;
  const worker = async () => {
    while (next < sectors) {
      const sector = next;
      const count = Math.min(SECTORS_PER_REQUEST, sectors - sector);
      next += count;
      await work(sector, count);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

export default async function main() {
  const [disk] = blockDevices();
  if (!disk) throw new Error("no block device");
  const { sectorSize, sectors } = disk;
  console.log(`${disk.name}: ${sectors} sectors of ${sectorSize} bytes, ${disk.readOnly ? "read-only" : "read-write"}, ${disk.maxInFlight} in flight`);
  const mode = argv[0];
  if (mode === "write") {
    await overDisk(async (sector, count) => {
      const data = new Uint8Array(count * sectorSize);
      for (let s = 0; s < count; s++) for (let i = 0; i < sectorSize; i++) data[s * sectorSize + i] = patternByte(sector + s, i);
      await disk.write(sector, data);
    }, sectors);
    await disk.flush();
    console.log(`wrote ${sectors} sectors`);
  } else if (mode === "write-sync") {
    for (let sector = 0; sector < sectors; sector += SECTORS_PER_REQUEST * 3) {
      // Three requests' worth at a time, so one call spans several queue slots.
      const count = Math.min(SECTORS_PER_REQUEST * 3, sectors - sector);
      const data = new Uint8Array(count * sectorSize);
      for (let s = 0; s < count; s++) for (let i = 0; i < sectorSize; i++) data[s * sectorSize + i] = patternByte(sector + s, i);
      disk.writeSync(sector, data);
    }
    disk.flushSync();
    console.log(`wrote ${sectors} sectors synchronously`);
    exit(0);
  } else if (mode === "verify") {
    let bad = 0;
    await overDisk(async (sector, count) => {
      const data = await disk.read(sector, count);
      for (let s = 0; s < count; s++) for (let i = 0; i < sectorSize; i++) if (data[s * sectorSize + i] !== patternByte(sector + s, i)) bad++;
    }, sectors);
    console.log(bad === 0 ? `verified ${sectors} sectors` : `${bad} bytes differ`);
    return bad === 0 ? 0 : 1;
  } else if (mode === "discard") {
    if (!disk.canDiscard) {
      console.log("the disk cannot discard");
      return 1;
    }
    await disk.discard(0, 64);
    await disk.flush();
    console.log("discarded 64 sectors");
  } else if (mode === "write-read-only") {
    try {
      await disk.write(0, new Uint8Array(sectorSize));
      console.log("the write was accepted");
      return 1;
    } catch (error) {
      console.log(`refused: ${(error as Error).message}`);
    }
    try {
      await disk.read(sectors, 1);
      console.log("a read past the end was accepted");
      return 1;
    } catch (error) {
      console.log(`refused: ${(error as Error).message}`);
    }
  } else {
    console.log(`unknown mode ${mode}`);
    exit(2);
  }
  return 0;
}
