/**
 * The host side of a bulk transfer with test/services/net-transfer.ts, run
 * as its own process so that it can run inside a network namespace:
 *
 *     node --import tsx test/boot/transfer-peer.ts send HOST PORT SIZE SEED
 *         sends SIZE bytes of the pattern seeded by SEED, half-closes, and
 *         reads the guest's answer ("LENGTH HASH" of what it received)
 *     node --import tsx test/boot/transfer-peer.ts receive HOST PORT
 *         reads until the guest closes and hashes what came
 *
 * It prints one JSON line: { answer, ms } for send, { received, ms } for
 * receive, where `received` is "LENGTH HASH" as the guest would write it.
 */
import { createConnection } from "node:net";
import { Fnv1a, PatternStream } from "../services/transfer-pattern.ts";

const [mode, host, portText, sizeText, seedText] = process.argv.slice(2);
const port = Number(portText);
const started = performance.now();
const finish = (result: Record<string, string>) => {
  console.log(JSON.stringify({ ...result, ms: Math.round(performance.now() - started) }));
};

const socket = createConnection({ host, port });
socket.on("error", (error) => {
  console.error(`${mode} ${host}:${port}: ${error.message}`);
  process.exit(1);
});

if (mode === "send") {
  const size = Number(sizeText), pattern = new PatternStream(Number(seedText));
  let answer = "";
  socket.on("data", (chunk) => (answer += chunk));
  socket.on("end", () => finish({ answer: answer.trim() }));
  socket.on("connect", async () => {
    for (let sent = 0; sent < size;) {
      const chunk = pattern.fill(Buffer.alloc(Math.min(64 * 1024, size - sent)));
      sent += chunk.length;
      if (!socket.write(chunk)) await new Promise((resolve) => socket.once("drain", resolve));
    }
    socket.end();
  });
} else if (mode === "receive") {
  const hash = new Fnv1a();
  socket.on("data", (chunk) => hash.update(chunk));
  socket.on("end", () => {
    finish({ received: String(hash) });
    socket.end();
  });
} else {
  console.error(`usage: transfer-peer.ts send HOST PORT SIZE SEED | receive HOST PORT`);
  process.exit(2);
}
