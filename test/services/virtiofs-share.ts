// Works through toro/fs (node:fs/promises) on the host directory given with
// --share HOSTDIR:/data: lists and reads what the host put there, writes a
// file and waits for the host's answer file (so each side sees the other's
// changes while the VM runs), then renames, deletes, and writes and reads
// back a file bigger than one FUSE message. argv[0] "read-only" checks that
// a ,ro share refuses every change instead.
import { argv } from "toro";
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink, writeFile } from "toro/fs";

async function listing(path: string): Promise<string> {
  const entries = await readdir(path, { withFileTypes: true });
  return entries.map((entry) => `${entry.name}${entry.isDirectory() ? "/" : ""}`).sort().join(" ");
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

export default async function main() {
  console.log(`root: ${await listing("/data")}`);
  console.log(`hello.txt: ${await readFile("/data/hello.txt", "utf8")}`);
  console.log(`sub: ${await listing("/data/sub")}`);

  if (argv[0] === "read-only") {
    console.log(`write: ${await code(writeFile("/data/hello.txt", "changed"))}`);
    console.log(`mkdir: ${await code(mkdir("/data/new"))}`);
    console.log(`unlink: ${await code(unlink("/data/hello.txt"))}`);
    console.log(`rename: ${await code(rename("/data/hello.txt", "/data/moved.txt"))}`);
    return 0;
  }

  await writeFile("/data/from-guest.txt", "written by the guest\n");
  console.log("wrote from-guest.txt");
  // The host answers with ack.txt once it has seen our file.
  for (let tries = 0; (await code(stat("/data/ack.txt"))) !== "ok"; tries++) {
    if (tries > 600) throw new Error("the host never answered");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  console.log(`ack.txt: ${await readFile("/data/ack.txt", "utf8")}`);

  await mkdir("/data/made");
  await rename("/data/from-guest.txt", "/data/made/renamed.txt");
  await rm("/data/sub", { recursive: true });
  await unlink("/data/hello.txt");
  console.log(`rmdir of a full directory: ${await code(rmdir("/data/made"))}`);
  console.log(`open of a missing file: ${await code(open("/data/missing"))}`);

  const big = new Uint8Array(300_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 8)) & 0xff;
  await writeFile("/data/made/big.bin", big);
  const back = await readFile("/data/made/big.bin");
  let same = back.length === big.length;
  for (let i = 0; same && i < big.length; i++) same = back[i] === big[i];
  console.log(`big.bin: ${back.length} bytes read back ${same ? "intact" : "DIFFERENT"}`);
  const handle = await open("/data/made/big.bin", "r+");
  await handle.write("TORO", 0, "utf8");
  await handle.truncate(10);
  await handle.sync();
  await handle.close();
  console.log(`after write and truncate: ${(await readFile("/data/made/big.bin")).length} bytes`);
  console.log(`root: ${await listing("/data")}`);
  return 0;
}
