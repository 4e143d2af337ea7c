/**
 * Run inside a test's network namespace: `count` HTTP GETs to http://ADDRESS/?name=nI,
 * each on its own new connection, all started at once. Prints one JSON line:
 * how many were answered with the right greeting, and the first failures.
 *
 *   node --import tsx test/boot/http-burst-peer.ts ADDRESS COUNT
 */
import { Agent, request } from "node:http";

const [address, countText] = process.argv.slice(2);
const count = Number(countText);
const agent = new Agent({ keepAlive: false, maxSockets: count });

function get(i: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port: 80, path: `/?name=n${i}`, agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => {
        if (res.statusCode === 200 && body === `Hello, n${i}! This is TypeScript on bare (virtual) metal.\n`) resolve();
        else reject(new Error(`request ${i}: ${res.statusCode} ${JSON.stringify(body)}`));
      });
    });
    req.on("error", (e) => reject(new Error(`request ${i}: ${e.message}`)));
    req.end();
  });
}

const results = await Promise.allSettled(Array.from({ length: count }, (_, i) => get(i)));
const failures = results.flatMap((r) => (r.status === "rejected" ? [String((r.reason as Error).message)] : []));
console.log(JSON.stringify({ answered: count - failures.length, failures: failures.slice(0, 5) }));
