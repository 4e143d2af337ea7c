// The Toro guest of bench/fs.ts, booted as
//   toro run bench/services/fs-toro.ts --disk bench/build/fs/toro.img -p PORT:80 --mem 256M -- BYTES OPS
// The FAT image (mounted at /data, the first disk's default) first gets the
// file workload (bench/services/fs-workload.ts) through toro/fs, whose one
// JSON line goes to the console; then serveStatic serves /data/www on port
// 80 until the bench stops the VM, as bench/services/fs-node.ts does in the
// Linux guest.
import { argv } from "toro";
import { open } from "toro/fs";
import { serve, serveStatic } from "toro/http";
import { runWorkload } from "./fs-workload.ts";

export default async function main() {
  const [bytes, ops] = argv.map(Number);
  if (!(bytes > 0) || !(ops >= 0)) throw new Error(`argv: expected BYTES OPS, got ${argv.join(" ")}`);
  const results = await runWorkload(open, "/data", bytes, ops);
  console.log(JSON.stringify({ fsio: results }));
  serve({ port: 80, fetch: serveStatic({ root: "/data/www" }) });
}
