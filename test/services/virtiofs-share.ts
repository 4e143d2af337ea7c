// Works on the host directory given with --share, through the virtio-fs
// file system directly (a test service may import kernel files by path):
// lists and reads what the host put there, writes a file and waits for the
// host's answer file (so each side sees the other's changes while the VM
// runs), then renames, deletes, and writes and reads back a file bigger
// than one FUSE message. argv[0] "read-only" checks that a ,ro share
// refuses every change instead.
import { argv } from "toro";
import { FsError } from "../../kernel/fs/errors.ts";
import type { FileSystem } from "../../kernel/fs/file-system.ts";
import { parseMounts } from "../../kernel/fs/mount-parameter.ts";
import { mountVirtioFs } from "../../kernel/fs/virtiofs/index.ts";
import { bootParameters } from "../../kernel/process/state.ts";

const encoder = new TextEncoder(), decoder = new TextDecoder();
const CREATE = { write: true, create: true, exclusive: false, truncate: true };
const READ = { write: false, create: false, exclusive: false, truncate: false };

async function readText(fs: FileSystem, path: string[]): Promise<string> {
  const file = await fs.open(path, READ);
  const into = new Uint8Array((await file.stat()).size);
  const count = await file.read(0, into);
  await file.close();
  return decoder.decode(into.subarray(0, count));
}

async function writeBytes(fs: FileSystem, path: string[], data: Uint8Array): Promise<void> {
  const file = await fs.open(path, CREATE);
  await file.write(0, data);
  await file.sync();
  await file.close();
}

async function listing(fs: FileSystem, path: string[]): Promise<string> {
  const entries = await fs.readdir(path);
  return entries.map((entry) => `${entry.name}${entry.kind === "directory" ? "/" : ""}`).sort().join(" ");
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return error instanceof FsError ? error.code : String(error);
  }
}

export default async function main() {
  const { mounts, errors } = parseMounts(bootParameters.params.get("toro.mount") ?? []);
  if (errors.length) throw new Error(errors.join("; "));
  const mount = mounts.find((m) => m.source.startsWith("virtiofs."));
  if (!mount) throw new Error("no virtiofs mount on the command line");
  const fs = await mountVirtioFs(mount.source.slice("virtiofs.".length), { readOnly: mount.readOnly });
  console.log(`mounted ${mount.source} at ${mount.path}${mount.readOnly ? " read-only" : ""}`);
  console.log(`root: ${await listing(fs, [])}`);
  console.log(`hello.txt: ${await readText(fs, ["hello.txt"])}`);
  console.log(`sub: ${await listing(fs, ["sub"])}`);

  if (argv[0] === "read-only") {
    console.log(`write: ${await code(fs.open(["hello.txt"], CREATE))}`);
    console.log(`mkdir: ${await code(fs.mkdir(["new"]))}`);
    console.log(`unlink: ${await code(fs.unlink(["hello.txt"]))}`);
    console.log(`rename: ${await code(fs.rename(["hello.txt"], ["moved.txt"]))}`);
    return 0;
  }

  await writeBytes(fs, ["from-guest.txt"], encoder.encode("written by the guest\n"));
  console.log("wrote from-guest.txt");
  // The host answers with ack.txt once it has seen our file.
  for (let tries = 0; ; tries++) {
    if ((await code(fs.stat(["ack.txt"]))) === "ok") break;
    if (tries > 600) throw new Error("the host never answered");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  console.log(`ack.txt: ${await readText(fs, ["ack.txt"])}`);

  await fs.mkdir(["made"]);
  await fs.rename(["from-guest.txt"], ["made", "renamed.txt"]);
  await fs.unlink(["sub", "inner.txt"]);
  await fs.rmdir(["sub"]);
  await fs.unlink(["hello.txt"]);
  console.log(`rmdir of a full directory: ${await code(fs.rmdir(["made"]))}`);
  console.log(`open of a missing file: ${await code(fs.open(["missing"], READ))}`);

  const big = new Uint8Array(300_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 8)) & 0xff;
  await writeBytes(fs, ["made", "big.bin"], big);
  const file = await fs.open(["made", "big.bin"], READ);
  const back = new Uint8Array(big.length);
  const count = await file.read(0, back);
  await file.close();
  let same = count === big.length;
  for (let i = 0; same && i < big.length; i++) same = back[i] === big[i];
  console.log(`big.bin: ${count} bytes read back ${same ? "intact" : "DIFFERENT"}`);
  const stats = await fs.statfs();
  console.log(`statfs: ${stats.blocks > 0 && stats.freeBlocks <= stats.blocks ? "sane" : JSON.stringify(stats)}`);
  console.log(`root: ${await listing(fs, [])}`);
  await fs.unmount();
  return 0;
}
