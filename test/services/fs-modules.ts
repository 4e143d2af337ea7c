// node:fs/promises, fs/promises, toro/fs and fs's `promises` are one module; the first call mounts.
import * as nodePromises from "node:fs/promises";
import * as barePromises from "fs/promises";
import * as toroFs from "toro/fs";
import { constants, promises } from "fs";
import { readFile } from "node:fs/promises";
// @ts-expect-error: a CommonJS file without types
import required from "./fs-require.cjs";

const functions = ["readFile", "writeFile", "stat", "open", "rm"] as const;
const same = functions.every((name) => nodePromises[name] === barePromises[name] && barePromises[name] === toroFs[name] && toroFs[name] === promises[name]);
const viaRequire = required.promises.readFile === readFile && required.nodePromises.stat === toroFs.stat && required.fs.promises.open === toroFs.open && required.fs.constants.O_CREAT === 0o100;
console.log(`one module: ${same && readFile === toroFs.readFile && constants.O_CREAT === 0o100 && viaRequire}`);
console.log(`root: ${JSON.stringify(await toroFs.readdir("/"))} directory=${(await toroFs.stat("/")).isDirectory()}`);
for (const call of [() => readFile("/data/missing.txt"), () => toroFs.writeFile("/top.txt", "x"), () => toroFs.readdir("/data")]) {
  try {
    await call();
    console.log("no error");
  } catch (error) {
    const e = error as { code?: string; syscall?: string; path?: string; message: string };
    console.log(`${e.code} ${e.syscall} ${e.path}: ${e.message}`);
  }
}
