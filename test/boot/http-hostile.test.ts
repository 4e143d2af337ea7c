// Hostile clients against a booted service (test/services/serving/hostile.ts): 10,000 fuzz
// cases (test/lib/http/fuzz-cases.ts) over a few connections at a time, valid requests
// pipelined ahead of each malformed one; then a slowloris head, a connection past the
// limit, and a normal request, which must be answered; and the server's counters must
// agree with what the clients saw. TORO_FUZZ_SEED=n runs another seed's cases.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { join } from "node:path";
import { checkAnswers, caseRandom, fuzzCase, parseAnswers, type FuzzCase } from "../lib/http/fuzz-cases.ts";
import { freePort, startGuest, ROOT } from "./helpers.ts";

const SEED = Number(process.env.TORO_FUZZ_SEED ?? 20_261_122);
const CASES = 10_000;
const MAX_CONNECTIONS = 8; // the service's maxConnections
// Connections at once, below the limit so that none is refused. More at once does not
// help: of 16 opened together right after boot, 8 were reset before the guest accepted them.
const PARALLEL = 6;

interface Exchange {
  /** What the server sent before it closed. */
  output: string;
  /** The connection ended in a reset rather than a close. */
  reset: boolean;
}

/** Send `input` on a new connection, half-close (unless `hold`), and collect the answer until the server closes. */
function send(port: number, input: string, options: { hold?: boolean; trickleMs?: number } = {}): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let output = "";
    let reset = false;
    let trickle: ReturnType<typeof setInterval> | undefined;
    const limit = setTimeout(() => { socket.destroy(); reject(new Error(`no close after 60 s; got ${JSON.stringify(output.slice(0, 200))}`)); }, 60_000);
    socket.setEncoding("latin1");
    socket.on("data", (data: string) => (output += data));
    socket.on("error", () => (reset = true));
    socket.on("close", () => { clearTimeout(limit); clearInterval(trickle); resolve({ output, reset }); });
    socket.on("connect", () => {
      if (options.trickleMs === undefined) {
        socket.write(Buffer.from(input, "latin1"));
        if (!options.hold) socket.end();
        return;
      }
      let at = 0;
      trickle = setInterval(() => at < input.length && socket.write(input[at++]), options.trickleMs);
    });
  });
}

/**
 * The cases as connections: the valid ones that keep the connection open go ahead of
 * the next one that ends it (an error, a disconnect, garbage, a close), as one client's
 * pipelined requests, so 10,000 cases need far fewer connections.
 */
function connections(): FuzzCase[] {
  const batches: FuzzCase[] = [];
  let batch: FuzzCase[] = [];
  for (let index = 0; index < CASES; index++) {
    const fuzz = fuzzCase(caseRandom(SEED, index));
    batch.push(fuzz);
    if (fuzz.keepsOpen && index < CASES - 1 && batch.length < 20) continue;
    batches.push({
      kind: batch.map((one) => one.kind).join(" + "),
      input: batch.map((one) => one.input).join(""),
      statuses: batch.flatMap((one) => one.statuses),
      prefix: fuzz.prefix,
      bodies: batch.flatMap((one) => one.bodies ?? []),
    });
    batch = [];
  }
  return batches;
}

test("a booted service survives 10,000 fuzz cases, a slowloris and a connection flood, and still answers", { timeout: 900_000 }, async (t) => {
  t.diagnostic(`seed ${SEED} (TORO_FUZZ_SEED=${SEED} repeats these cases)`);
  const port = await freePort();
  // On slirp: the test is of the HTTP server, and Debian 12's passt now and then drops the
  // rest of the guest's answers on a connection the client half-closed first (seen as one
  // 200 of four pipelined answers; issue 10's note has it).
  const guest = await startGuest([join(ROOT, "test", "services", "serving", "hostile.ts"), "--net", "slirp", "-p", `${port}:80`, "--timeout", "850s"], /serving HTTP on/);
  try {
    const batches = connections();
    t.diagnostic(`${CASES} cases on ${batches.length} connections`);
    let errorAnswers = 0;
    // Connections that got no byte at all where answers were due: the user network (slirp, and
    // passt too) now and then drops a whole connection under this load. Such a batch goes again
    // once; a server that never answers it fails the second time as well.
    let lost = 0;
    // Connections on which no answer is due (the case ends them unanswered): if the network
    // drops one of those whole, nothing shows it, so the guest may count up to that many fewer.
    let silent = 0;
    const failures: string[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: PARALLEL }, async () => {
      while (next < batches.length && failures.length < 5) {
        const index = next++;
        let { output } = await send(port, batches[index].input);
        let wrong = checkAnswers(batches[index], output);
        if (wrong !== undefined && output === "") {
          lost++;
          ({ output } = await send(port, batches[index].input));
          wrong = checkAnswers(batches[index], output);
        }
        if (batches[index].statuses.length === 0 && output === "") silent++;
        if (wrong !== undefined) failures.push(`connection ${index} (${batches[index].kind.slice(-200)}): ${wrong}\ninput: ${JSON.stringify(batches[index].input.slice(-300))}`);
        else errorAnswers += parseAnswers(output).filter((answer) => answer.status !== 200).length;
      }
    }));
    t.diagnostic(`fuzzing took ${((performance.now() - started) / 1000).toFixed(1)} s; ${lost} connection(s) lost by the network and sent again`);
    assert.deepEqual(failures, []);

    // Slowloris: a head sent a byte at a time, never finished, gets its 408 at the head's deadline.
    const slow = await send(port, "GET / HTTP/1.1\r\nHost: x\r\n" + "X-Slow: y\r\n".repeat(1000), { trickleMs: 20 });
    assert.deepEqual(parseAnswers(slow.output).map((answer) => answer.status), [408]);

    // A flood: with MAX_CONNECTIONS open, one more is closed unanswered. First the guest
    // lets go of the connections before (closing ones linger), as its own count says.
    const readStats = async () => JSON.parse(parseAnswers((await send(port, "GET /__stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).output)[0].body);
    let probes = 1;
    while ((await readStats()).connections > 1) {
      probes++;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Each held one is answered once (proof that the guest holds it: a host-side connect
    // says only that passt or slirp took it), then stays open, idle, for idleTimeoutMs.
    const held = [];
    for (let i = 0; i < MAX_CONNECTIONS; i++) {
      const socket = connect(port, "127.0.0.1");
      socket.on("connect", () => socket.write("GET /held HTTP/1.1\r\nHost: x\r\n\r\n"));
      const answered = await new Promise<boolean>((resolve) => {
        socket.once("data", () => resolve(true));
        socket.once("close", () => resolve(false));
      });
      assert.ok(answered, `held connection ${i} was not answered`);
      held.push(socket);
    }
    const past = await send(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert.equal(past.output, "");
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 1000)); // and seen them go

    // A normal request is answered, and the counters agree with what the clients saw.
    const normal = await send(port, "POST /after HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
    assert.deepEqual(parseAnswers(normal.output), [{ status: 200, body: "hello" }]);
    const answer = parseAnswers((await send(port, "GET /__stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).output);
    const stats = JSON.parse(answer[0].body);
    t.diagnostic(`stats: ${JSON.stringify(stats)}`);
    assert.equal(stats.refused, 1);
    // + the slowloris's 408. A lost connection may have reached the guest and been answered
    // there: then each counts at most once more.
    const rejected = Object.values(stats.rejected as Record<string, number>).reduce((sum, n) => sum + n, 0);
    const accepted = batches.length + 1 + probes + MAX_CONNECTIONS + 1 + 1;
    if (lost === 0) assert.equal(rejected, errorAnswers + 1);
    else assert.ok(rejected >= errorAnswers + 1 && rejected <= errorAnswers + 1 + lost, `rejected ${rejected}, seen ${errorAnswers + 1}, lost ${lost}`);
    assert.ok(stats.accepted >= accepted - silent && stats.accepted <= accepted + lost,
      `accepted ${stats.accepted}, expected ${accepted} (+ up to ${lost} lost and sent again, - up to ${silent} unanswered ones the network may have dropped)`);
    t.diagnostic(`the guest accepted ${stats.accepted} of the ${accepted} connections the clients made (${silent} were due no answer)`);
    for (const status of [400, 408, 413, 414, 417, 431, 501, 505]) assert.ok((stats.rejected[status] ?? 0) > 0, `no case was answered ${status}`);
  } finally {
    await guest.stop();
  }
});
