// Bulk TCP transfers for the booted network tests. Port 5001 is a sink: it
// hashes everything a connection sends until FIN and answers "LENGTH HASH".
// Port 5002 is a source: it sends argv[0] bytes of the pattern seeded by
// argv[1], then closes. Both keep serving until the VM is stopped.
import { argv } from "toro";
import { listen, network } from "toro/net";
import { Fnv1a, PatternStream } from "./transfer-pattern.ts";

const size = Number(argv[0] ?? 10_000_000);
const seed = Number(argv[1] ?? 1);

export default async function main() {
  const { address } = await network();
  await listen(5001, async (connection) => {
    const hash = new Fnv1a();
    for await (const chunk of connection) hash.update(chunk);
    console.log(`sink: received ${hash}`);
    await connection.write(`${hash}\n`);
    await connection.end();
  });
  await listen(5002, async (connection) => {
    const pattern = new PatternStream(seed);
    const chunk = new Uint8Array(32 * 1024);
    for (let sent = 0; sent < size; sent += chunk.length) {
      await connection.write(pattern.fill(chunk.subarray(0, Math.min(chunk.length, size - sent))));
    }
    await connection.end();
    console.log(`source: sent ${size} bytes`);
  });
  console.log(`transfer service on ${address}: sink 5001, source 5002`);
}
