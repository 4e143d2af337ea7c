// Writes files under /data/crash one after another through toro/fs, each made durable
// (FileHandle.sync) before the next; appends a line to a log and syncs it after each; every
// fifth step also rewrites an earlier file and renames it. Prints "synced ..." only after the
// sync resolved: the booted crash test kills the VM at some point and checks that everything
// printed reads back.
import { mkdir, open, rename } from "toro/fs";
import { CRASH_STEPS, crashFileBytes, crashFileName, crashLogLine } from "./fs-crash-data.ts";

await mkdir("/data/crash", { recursive: true });
const log = await open("/data/crash/log.txt", "a");
for (let step = 0; step < CRASH_STEPS; step++) {
  const file = await open(`/data/crash/${crashFileName(step)}`, "w");
  await file.write(crashFileBytes(step));
  await file.sync();
  await file.close();
  console.log(`synced ${crashFileName(step)}`);
  if (step % 5 === 4) {
    // Scratch work the check does not count on: a rewrite and a rename, unsynced.
    const scratch = await open("/data/crash/scratch.tmp", "w");
    await scratch.write(crashFileBytes(step + 1000));
    await scratch.close();
    await rename("/data/crash/scratch.tmp", `/data/crash/renamed-${step}.tmp`);
  }
  await log.write(crashLogLine(step));
  await log.sync();
  console.log(`synced log ${step}`);
}
await log.close();
console.log("all steps done");
