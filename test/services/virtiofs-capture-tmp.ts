import { fileSystemDevices } from "../../kernel/devices/index.ts";
import type { FuseDevice } from "../../kernel/devices/fuse-device.ts";
import { mountFuseDevice } from "../../kernel/fs/virtiofs/mount.ts";
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const concat = (parts: readonly Uint8Array[]) => { const o = new Uint8Array(parts.reduce((s, p) => s + p.length, 0)); let a = 0; for (const p of parts) { o.set(p, a); a += p.length; } return o; };
export default async function main() {
  const inner = fileSystemDevices()[0];
  const device: FuseDevice = {
    name: inner.name, tag: inner.tag, maxMessageBytes: inner.maxMessageBytes,
    async request(parts, replyLength) {
      const req = concat(parts);
      const rep = await inner.request(parts, replyLength);
      console.log(`REQ ${hex(req)}`);
      console.log(`REP ${hex(rep)}`);
      return rep;
    },
    post(parts) { console.log(`POST ${hex(concat(parts))}`); inner.post(parts); },
  };
  const fs = await mountFuseDevice(device, { readOnly: false });
  console.log("STEP stat"); await fs.stat(["hello.txt"]);
  console.log("STEP readdir"); await fs.readdir([]);
  console.log("STEP read");
  const f = await fs.open(["hello.txt"], { write: false, create: false, exclusive: false, truncate: false });
  await f.read(0, new Uint8Array(64)); await f.close();
  console.log("STEP create");
  const g = await fs.open(["new.txt"], { write: true, create: true, exclusive: true, truncate: false });
  await g.write(0, new TextEncoder().encode("toro")); await g.truncate(2); await g.sync(); await g.close();
  console.log("STEP mkdir"); await fs.mkdir(["dir"]);
  console.log("STEP rename"); await fs.rename(["new.txt"], ["dir", "moved.txt"]);
  console.log("STEP utimes"); await fs.utimes(["dir", "moved.txt"], 1700000000123, 1700000000456);
  console.log("STEP unlink"); await fs.unlink(["dir", "moved.txt"]);
  console.log("STEP rmdir"); await fs.rmdir(["dir"]);
  console.log("STEP statfs"); await fs.statfs();
  console.log("STEP missing"); await fs.stat(["missing"]).catch(() => {});
  console.log("STEP sync"); await fs.sync();
  await new Promise((r) => setTimeout(r, 50));
  return 0;
}
