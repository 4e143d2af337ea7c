import { test } from "node:test";
import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { connect, type Socket } from "node:net";
import { freePort, ROOT, runWrk, startGuest, type RunningGuest } from "./helpers.ts";
import { LossyTap, missingForNetns } from "./netns.ts";

function get(port: number, path: string, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("examples/hello-http on QEMU's user network: 10 s of wrk load with 32 connections and no errors", { timeout: 240_000 }, async () => {
  const port = await freePort();
  const guest = await startGuest(["examples/hello-http", "-p", `${port}:80`, "--timeout", "220s"], /serving HTTP on/);
  try {
    // wrk's default 2 s timeout counts a slow answer as an error; under TCG a loaded guest answers in well under 10 s.
    const load = await runWrk(["-t2", "-c32", "-d10s", "--timeout", "10s", `http://127.0.0.1:${port}/`]);
    console.log(`# wrk: ${load.requests} requests in 10 s`);
    assert.ok(load.requests > 0, load.output);
    assert.deepEqual(load.errors, [], load.output);
    assert.equal((await get(port, "/?name=after", new Agent())).status, 200, "still serving after the load");
  } finally {
    await guest.stop();
  }
});

// On a tap in a network namespace, so that the burst reaches the guest's own TCP at once: QEMU's
// user network accepts forwarded connections with a listen backlog of 1 and would space them out.
test("examples/hello-http on a tap: 100 connections opened at once are all answered", { timeout: 240_000 }, async (t) => {
  const missing = missingForNetns();
  if (missing) assert.fail(`${missing}; scripts/setup.sh installs iproute2 and nftables`);
  const namespace = new LossyTap({ hostAddress: "10.78.0.1", prefixLength: 24, lossPercent: 0 });
  let guest: RunningGuest | undefined;
  t.after(async () => {
    await guest?.stop();
    namespace.destroy();
  });
  guest = await startGuest(["examples/hello-http", "--net", `tap=${namespace.tap}`, "--ip", "10.78.0.2/24", "--timeout", "200s"], /serving HTTP on/,
    (command, args, options) => namespace.spawn(command, args, options));
  const peer = namespace.spawn(process.execPath, ["--import", "tsx", "test/boot/http-burst-peer.ts", "10.78.0.2", "100"], { cwd: ROOT });
  let report = "";
  peer.stdout!.on("data", (d) => (report += d));
  peer.stderr!.on("data", (d) => (report += d));
  const code = await new Promise((done) => peer.on("close", done));
  assert.equal(code, 0, report);
  assert.deepEqual(JSON.parse(report), { answered: 100, failures: [] });
  assert.doesNotMatch(guest.output(), /Uncaught|CPU fault/, guest.output());
});

/**
 * One HTTP/1.1 keep-alive connection on its own socket, so that a test says which
 * connection each request takes (node:http's Agent would pick one for it). Answers
 * are framed by Content-Length; a byte that no request asked for, or the peer
 * closing, is an error for the next (or the pending) request.
 */
class KeepAliveConnection {
  private received = Buffer.alloc(0);
  private pending: { resolve(answer: { status: number; body: string }): void; reject(error: Error): void } | undefined;
  /** Why the connection cannot carry another request, once it cannot. */
  private broken: Error | undefined;
  private readonly openedAt = performance.now();

  private constructor(private readonly socket: Socket, readonly label: string) {
    socket.on("data", (data) => {
      this.received = Buffer.concat([this.received, data]);
      this.answer();
    });
    socket.on("error", (error) => this.fail(new Error(`${label}: ${error.message}`)));
    socket.on("close", () => this.fail(new Error(`${label}: closed by the other end ${(performance.now() - this.openedAt).toFixed(0)} ms after it opened`)));
  }

  /** A connection to 127.0.0.1:`port`, resolved once the host's kernel has done the handshake (QEMU may not have accepted it yet: see below). */
  static open(port: number, label: string): Promise<KeepAliveConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port, noDelay: true });
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new KeepAliveConnection(socket, label));
      });
      socket.once("error", reject);
    });
  }

  /** Send a GET for `path` now; the promise is its answer. */
  get(path: string, limitMs: number): Promise<{ status: number; body: string }> {
    if (this.pending) return Promise.reject(new Error(`${this.label}: a request is already waiting`));
    if (this.broken) return Promise.reject(this.broken);
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => (this.pending = { resolve, reject }));
    const timer = setTimeout(() => this.fail(new Error(`${this.label}: no answer to ${path} within ${limitMs} ms`)), limitMs);
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    return answer.finally(() => clearTimeout(timer));
  }

  close(): void {
    this.broken ??= new Error(`${this.label}: closed`);
    this.socket.destroy();
  }

  private answer(): void {
    if (!this.pending) return this.fail(new Error(`${this.label}: ${this.received.length} bytes nobody asked for: ${JSON.stringify(this.received.toString())}`));
    const headEnd = this.received.indexOf("\r\n\r\n");
    if (headEnd < 0) return;
    const head = this.received.subarray(0, headEnd).toString("latin1");
    const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1]);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1]);
    if (!(status > 0 && length >= 0)) return this.fail(new Error(`${this.label}: an answer without a status or a Content-Length: ${JSON.stringify(head)}`));
    const bodyEnd = headEnd + 4 + length;
    if (this.received.length < bodyEnd) return;
    const body = this.received.subarray(headEnd + 4, bodyEnd).toString("utf8");
    this.received = this.received.subarray(bodyEnd);
    const { resolve } = this.pending;
    this.pending = undefined;
    resolve({ status, body });
    if (this.received.length > 0) this.answer(); // more than one answer to one request
  }

  private fail(error: Error): void {
    this.broken ??= error;
    this.pending?.reject(error);
    this.pending = undefined;
    this.socket.destroy();
  }
}

const greeting = (name: string) => `Hello, ${name}! This is TypeScript on bare (virtual) metal.\n`;

/** Send a GET for `name(i)`'s greeting on every connection i in the same tick, then check every answer; fails naming the first failures. */
async function askAll(connections: KeepAliveConnection[], name: (i: number) => string): Promise<void> {
  const answers = connections.map((c, i) => c.get(`/?name=${name(i)}`, 20_000).then((answer) => {
    assert.deepEqual(answer, { status: 200, body: greeting(name(i)) }, `${c.label}: the answer to ${name(i)}`);
  }));
  const results = await Promise.allSettled(answers);
  const failures = results.flatMap((r) => (r.status === "rejected" ? [String((r.reason as Error).message)] : []));
  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${connections.length} requests failed (the first 5 shown)`);
}

// QEMU's user network (libslirp, --net slirp: passt, the default, has no such limit) listens on the forwarded port with a backlog of 1, so the
// host's kernel holds at most 2 handshakes that slirp has not accepted yet; past that it drops
// the client's SYN, or the handshake's final ACK while the client already counts itself
// connected, and that connection waits for retransmissions (seconds, or never within the test:
// 100 connects at once here had 70 to 90 answered in half a second and the rest after 1 to 30 s
// or not at all, while the host counted hundreds of TcpExtListenOverflows; the guest never saw them).
// So at most 2 connects are in progress at once, each until its first answer has come back, which
// shows slirp accepted it and the guest serves it. Then all 100 are open at once, and the guest
// holds them all while the requests on every one go out together, twice. The whole phase of
// connecting has to fit in the server's 5 s keep-alive idle timeout, or it closes the first ones.
test("examples/hello-http on QEMU's slirp: 100 connections open at once, each answered twice, requests sent on all at the same moment", { timeout: 120_000 }, async (t) => {
  const count = 100, connectsAtOnce = 2;
  const port = await freePort();
  const guest = await startGuest(["examples/hello-http", "--net", "slirp", "-p", `${port}:80`, "--timeout", "100s"], /serving HTTP on/);
  const connections: KeepAliveConnection[] = [];
  t.after(async () => {
    for (const c of connections) c?.close();
    await guest.stop();
  });

  const connectStart = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: connectsAtOnce }, async () => {
    for (let i = next++; i < count; i = next++) {
      const connection = await KeepAliveConnection.open(port, `connection ${i}`);
      connections[i] = connection;
      assert.deepEqual(await connection.get(`/?name=c${i}`, 10_000), { status: 200, body: greeting(`c${i}`) }, `connection ${i}'s first answer`);
    }
  }));
  const connectMs = performance.now() - connectStart;
  t.diagnostic(`${count} connections opened, ${connectsAtOnce} at a time, each with its first answer, in ${connectMs.toFixed(0)} ms`);

  const burstStart = performance.now();
  await askAll(connections, (i) => `c${i}-together`);
  const burstMs = performance.now() - burstStart;
  t.diagnostic(`${count} requests sent at once on the ${count} open connections, all answered in ${burstMs.toFixed(0)} ms`);

  const againStart = performance.now();
  await askAll(connections, (i) => `c${i}-again`);
  t.diagnostic(`and again on each: ${(performance.now() - againStart).toFixed(0)} ms`);

  for (const c of connections) c.close();
  assert.equal((await get(port, "/?name=after", new Agent())).status, 200, "still serving after the connections closed");
  assert.doesNotMatch(guest.output(), /Uncaught|CPU fault/, guest.output());
});
