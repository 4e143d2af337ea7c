// Every function of toro/fs on a FAT disk mounted at /data (toro run --disk FILE,mount=/data).
// The argument says how the service ends: "end" (by itself), "exit" (exit(0) at once after
// writing), "crash" (an uncaught error at once after writing).
import * as fs from "toro/fs";
import { readFile } from "node:fs/promises";
import { argv, exit } from "toro";

const mode = argv[0] ?? "end";
const log = (line: string) => console.log(line);
const pattern = (size: number) => Uint8Array.from({ length: size }, (_, i) => (i * 13 + 5) & 0xff);

async function expectError(what: string, call: () => Promise<unknown>) {
  try {
    await call();
    log(`${what}: no error`);
  } catch (error) {
    const e = error as { code?: string; message: string };
    log(`${what}: ${e.code} ${e.message}`);
  }
}

if (mode === "end") {
  log(`made: ${await fs.mkdir("/data/keep/nested/deep", { recursive: true })}`);
  await fs.writeFile("/data/keep/hello.txt", "hello from toro\n");
  await fs.appendFile("/data/keep/hello.txt", "and more\n");
  log(`readFile: ${JSON.stringify(await readFile("/data/keep/hello.txt", "utf8"))}`);
  log(`readFile buffer: ${(await fs.readFile("/data/keep/hello.txt")).length} bytes`);
  await fs.writeFile("/data/keep/big.bin", pattern(200_000));
  await fs.writeFile("/data/Long File Name.txt", ["chunks ", "of ", "an ", "iterable"]);
  log(`readdir: ${JSON.stringify((await fs.readdir("/data")).sort())}`);
  log(`recursive: ${JSON.stringify((await fs.readdir("/data/keep", { recursive: true })).sort())}`);
  const dirents = await fs.readdir("/data/keep", { withFileTypes: true });
  log(`dirents: ${dirents.map((d) => `${d.name}:${d.isDirectory() ? "dir" : "file"}:${d.parentPath}`).sort().join(" ")}`);
  const info = await fs.stat("/data/keep/big.bin");
  log(`stat: size=${info.size} file=${info.isFile()} mode=${info.mode.toString(8)} mtime=${info.mtime instanceof Date}`);
  log(`lstat dir: ${(await fs.lstat("/data/keep")).isDirectory()}`);
  await fs.copyFile("/data/keep/hello.txt", "/data/keep/copy.txt");
  await expectError("copyFile excl", () => fs.copyFile("/data/keep/hello.txt", "/data/keep/copy.txt", fs.constants.COPYFILE_EXCL));
  await fs.rename("/data/keep/copy.txt", "/data/keep/nested/moved.txt");
  await fs.access("/data/keep/nested/moved.txt", fs.constants.R_OK | fs.constants.W_OK);
  await expectError("access", () => fs.access("/data/keep/copy.txt"));
  await fs.truncate("/data/keep/nested/moved.txt", 5);
  log(`truncated: ${JSON.stringify(await fs.readFile("/data/keep/nested/moved.txt", "utf8"))}`);
  await fs.utimes("/data/keep/nested/moved.txt", new Date("2024-05-06T07:08:10Z"), new Date("2024-05-06T07:08:10Z"));
  log(`utimes: ${(await fs.stat("/data/keep/nested/moved.txt")).mtime.toISOString()}`);
  log(`realpath: ${await fs.realpath("/data/keep/../keep/./nested")}`);
  await fs.writeFile("/data/scratch.txt", "x");
  await fs.unlink("/data/scratch.txt");
  await fs.rmdir("/data/keep/nested/deep");
  await fs.mkdir("/data/tree/a/b", { recursive: true });
  await fs.writeFile("/data/tree/a/b/f", "f");
  await expectError("rm dir", () => fs.rm("/data/tree"));
  await fs.rm("/data/tree", { recursive: true });
  await fs.rm("/data/tree", { force: true });
  await expectError("rmdir", () => fs.rmdir("/data/keep"));
  await expectError("readFile", () => fs.readFile("/data/missing"));
  await expectError("mkdir", () => fs.mkdir("/data/keep"));

  const handle = await fs.open("/data/keep/handle.txt", "w+");
  log(`write: ${(await handle.write("0123456789")).bytesWritten}`);
  await handle.write(new TextEncoder().encode("AB"), 0, 2, 3);
  const read = await handle.read(new Uint8Array(10), 0, 10, 0);
  log(`read: ${read.bytesRead} ${new TextDecoder().decode(read.buffer)}`);
  await handle.truncate(8);
  await handle.writeFile("!");
  await handle.appendFile("?");
  await handle.sync();
  await handle.datasync();
  await handle.utimes(1_700_000_000, 1_700_000_000);
  log(`handle stat: ${(await handle.stat()).size}`);
  await handle.close();
  await expectError("after close", () => handle.stat());
  const reader = await fs.open("/data/keep/handle.txt");
  log(`handle readFile: ${JSON.stringify(await reader.readFile("utf8"))}`);
  await reader.close();
  const stream = await fs.open("/data/keep/big.bin", "r");
  let streamed = 0, same = true;
  const expected = pattern(200_000);
  for await (const chunk of stream.readableWebStream()) {
    for (let i = 0; i < chunk.length; i++) if (chunk[i] !== expected[streamed + i]) same = false;
    streamed += chunk.length;
  }
  await stream.close();
  log(`stream: ${streamed} bytes, same=${same}`);
  const append = await fs.open("/data/keep/log.txt", "a");
  await append.write("one\n");
  await append.write("two\n", 0);
  await append.close();
  log(`append: ${JSON.stringify(await fs.readFile("/data/keep/log.txt", "utf8"))}`);
  log("done");
} else {
  // The write-back cache holds these until a sync: exit() writes them; a crash loses them.
  await fs.writeFile(`/data/${mode}.txt`, `written before ${mode}\n`);
  if (mode === "exit") exit(0);
  throw new Error("crash before any sync");
}
