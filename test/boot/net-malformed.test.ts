import { test } from "node:test";
import assert from "node:assert/strict";
import { outcomeOfQemuStatus } from "../../cli/exit-codes.ts";
import type { TcpStream } from "../../kernel/net/tcp/stream.ts";
import { parseIpv4 } from "../../kernel/net/wire/address.ts";
import { bootDirect, service, toro } from "./helpers.ts";
import { peerStack, UdpCable } from "./frame-peer.ts";
import { hex, malformedTraffic, type BadFrame } from "./malformed-frames.ts";
import { ScriptedHost, type ScriptedConnection } from "./scripted-tcp.ts";
import { TcpFlags, TcpOptions } from "../../kernel/net/wire/index.ts";

const GUEST = "192.168.77.2", PEER = "192.168.77.1";
/** QEMU's default MAC for the first card. */
const GUEST_MAC = Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);
const PEER_MAC = Uint8Array.of(0x02, 0x00, 0x00, 0x77, 0x00, 0x01);
/** Frames injected between two checks that the guest still answers. */
const BATCH = 40;

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const { Ack, Psh, Rst, Syn, Fin, Urg } = TcpFlags;

/** SYN options: MSS 1460, SACK permitted, window scale 7, and `extra`. */
function synOptions(extra: Partial<TcpOptions> = {}): TcpOptions {
  return Object.assign(new TcpOptions(), { maxSegmentSize: 1460, sackPermitted: true, windowScale: 7 }, extra);
}

function sackOption(blocks: [number, number][]): TcpOptions {
  const options = new TcpOptions();
  blocks.forEach(([left, right], i) => options.sackBlocks.set([left >>> 0, right >>> 0], 2 * i));
  options.sackBlockCount = blocks.length;
  return options;
}

interface Lie {
  name: string;
  options?: TcpOptions;
  run(c: ScriptedConnection): Promise<void>;
}

/**
 * Lies told inside live connections to the TCP echo service, each on a
 * connection of its own from a scripted peer. Each ends by checking that
 * the connection still echoes (or ended as it should).
 */
const LIES: Lie[] = [
  {
    name: "acknowledgments of data never sent, and of data long gone",
    async run(c) {
      c.send(Ack, { ack: c.rcv + 100_000 });
      c.send(Ack, { ack: c.rcv - 100_000 });
      await c.echo("still here after ACKs that lie");
    },
  },
  {
    name: "data far outside the window, ahead and behind",
    async run(c) {
      c.send(Ack | Psh, { seq: c.snd + 1_000_000, data: "from the future" });
      c.send(Ack | Psh, { seq: c.snd - 1_000_000, data: "from the past" });
      await c.echo("only this comes back");
      assert.doesNotMatch(c.received, /future|past/);
    },
  },
  {
    name: "a retransmission that overlaps with different bytes",
    async run(c) {
      c.sendData("abcd");
      c.send(Ack | Psh, { seq: c.snd - 4, data: "XXXXefgh" });
      c.snd += 4;
      await c.waitFor(() => c.received.includes("abcdefgh"), 20_000, "the echo of abcdefgh");
    },
  },
  {
    name: "an inexact reset and a SYN inside the window",
    async run(c) {
      c.send(Rst, { seq: c.snd + 10 });
      c.send(Syn, { seq: c.snd - 5 });
      await c.echo("still here after a blind reset and SYN");
    },
  },
  {
    name: "a zero window, then the window opens",
    async run(c) {
      c.window = 0;
      c.sendData("held back by a zero window");
      await sleep(2_500);
      c.window = 65535;
      c.send(Ack);
      await c.waitFor(() => c.received.includes("held back by a zero window"), 30_000, "the echo after the window opened");
    },
  },
  { name: "window scale 14 and the largest window", options: synOptions({ windowScale: 14 }), run: (c) => c.echo("a gigabyte of window") },
  { name: "window scale 255", options: synOptions({ windowScale: 255 }), run: (c) => c.echo("a window scale of 255") },
  { name: "MSS 1", options: synOptions({ maxSegmentSize: 1 }), run: (c) => c.echo("m".repeat(500)) },
  {
    name: "SACK blocks that lie",
    async run(c) {
      const base = c.rcv;
      c.autoAck = false;
      const chunk = "s".repeat(1400);
      c.sendData(chunk);
      c.sendData(chunk);
      // Nagle holds the second (short of a full segment) until the first is acknowledged.
      await c.waitFor(() => c.received.length >= 1400, 20_000, "the echo, not acknowledged");
      const sacks: [number, number][][] = [
        [[base + 1_000_000, base + 1_000_100]],
        [[base + 2000, base + 1000]],
        [[base - 5000, base - 4000]],
        [[base + 1, base + 1]],
        [[base, base + 2 ** 31]],
        [[base + 100, base + 200], [base + 100, base + 200], [base + 150, base + 300], [base + 2800, base + 9000]],
      ];
      for (const blocks of sacks) for (let i = 0; i < 3; i++) c.send(Ack, { ack: base, options: sackOption(blocks) });
      await sleep(1_000);
      c.autoAck = true;
      c.send(Ack);
      await c.echo("after SACK blocks that lie");
    },
  },
  {
    name: "urgent data with a pointer past it",
    async run(c) {
      c.send(Ack | Psh | Urg, { data: "urgent", urgentPointer: 65535 });
      c.snd += 6;
      await c.echo("after urgent data");
    },
  },
  {
    name: "a hundred one-byte segments with gaps, then the whole",
    async run(c) {
      const whole = "0123456789".repeat(20);
      for (let i = 2; i < whole.length; i += 2) c.send(Ack, { seq: c.snd + i, data: whole[i] });
      c.sendData(whole);
      await c.waitFor(() => c.received.includes(whole), 20_000, "the echo of the whole");
    },
  },
  {
    name: "a segment with a bad checksum before a good one",
    async run(c) {
      c.send(Ack | Psh, { data: "BAD!", badChecksum: true });
      await c.echo("good");
      assert.doesNotMatch(c.received, /BAD!/);
    },
  },
  {
    name: "data after FIN",
    async run(c) {
      c.sendData("last words", Ack | Psh | Fin);
      c.send(Ack | Psh, { data: "after the end" });
      await c.waitFor(() => c.finReceived, 20_000, "the guest's FIN");
      assert.match(c.received, /last words/);
      assert.doesNotMatch(c.received, /after the end/);
    },
  },
];

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Read from `connection` until `expected` bytes came back (or EOF). */
async function readBack(connection: TcpStream, expected: number): Promise<string> {
  let got = "";
  while (got.length < expected) {
    const chunk = await connection.read();
    if (chunk === null) break;
    got += text(chunk);
  }
  return got;
}

test("malformed traffic (cut, lying, corrupt, fragmented, flooding, random) never crashes the guest, and it keeps serving", { timeout: 15 * 60_000 }, async (t) => {
  const seed = Number(process.env.TORO_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  t.diagnostic(`seed ${seed} (TORO_FUZZ_SEED=${seed} repeats this traffic)`);
  const built = await toro(["build", service("net-echo")]);
  assert.equal(built.code, 0, built.stdout + built.stderr);
  const image = built.stdout.trim().split(" ")[0];

  const cable = await UdpCable.open(PEER_MAC);
  // With a static address the guest has no reason to broadcast IP; answering junk must not make it.
  const ipBroadcasts: string[] = [];
  cable.watchers.push((frame) => {
    if (frame.length >= 14 && frame.subarray(0, 6).every((b) => b === 0xff) && frame[12] === 0x08 && frame[13] === 0x00) ipBroadcasts.push(hex(frame));
  });
  const vm = bootDirect({ image, net: cable.wire, cmdline: `toro.ip=${GUEST}/24 toro.gateway=${PEER}` });
  let output = "";
  vm.stdout.on("data", (d) => (output += d));
  vm.stderr.on("data", (d) => (output += d));
  const ended = new Promise<number | null>((resolve) => vm.on("close", resolve));
  t.after(() => {
    if (vm.exitCode === null && vm.signalCode === null) vm.kill("SIGKILL");
    cable.close();
  });
  /** Rejects as soon as the guest ends, with what its console said. */
  const guestEnded = ended.then((status) => {
    throw new Error(`the guest ended (QEMU status ${status}); its console:\n${output}`);
  });
  guestEnded.catch(() => {});
  const guard = <T>(promise: Promise<T>) => Promise.race([promise, guestEnded]);

  await guard(withTimeout(new Promise<void>((resolve) => vm.stdout.on("data", () => /echo on /.test(output) && resolve())), 60_000, "boot"));

  const stack = peerStack(cable, { address: parseIpv4(PEER)!, prefixLength: 24, gateway: undefined, dnsServers: [] });
  await stack.start();
  const udp = stack.openUdp();
  const waiting = new Map<string, (reply: string) => void>();
  udp.onMessage(({ data }) => {
    const reply = text(data);
    const key = reply.startsWith("{") ? "memory" : reply;
    waiting.get(key)?.(reply);
    waiting.delete(key);
  });
  /** Send `message` to the UDP echo service and wait for its answer, a few times over if need be (datagrams may be lost). */
  const ask = async (message: string, key = message): Promise<string> => {
    for (let attempt = 1; ; attempt++) {
      const answer = new Promise<string>((resolve) => waiting.set(key, resolve));
      udp.send(message, GUEST, 7);
      try {
        return await guard(withTimeout(answer, 5_000, `UDP "${message}"`));
      } catch (error) {
        if (attempt === 3 || !waiting.has(key)) throw error;
      }
    }
  };
  /** Open a connection, echo a line over it, close it. `attempts` connects (each retries its SYN for about a minute). */
  const newConnection = async (label: string, attempts = 1) => {
    let connection: TcpStream | undefined;
    for (let attempt = 1; !connection; attempt++) {
      try {
        connection = await guard(withTimeout(stack.connect(GUEST, 7), 90_000, `a new TCP connection (${label})`));
      } catch (error) {
        if (attempt >= attempts) throw error;
      }
    }
    const message = `a new connection, ${label}`;
    await connection.write(message);
    const back = await guard(withTimeout(readBack(connection, message.length), 30_000, `TCP echo (${label})`));
    assert.equal(back, message);
    await connection.end();
    await guard(withTimeout(connection.closed, 30_000, `TCP close (${label})`));
  };

  const memoryBefore = JSON.parse(await ask("memory"));
  await newConnection("before the traffic");
  // One connection stays open through it all.
  const long = await guard(withTimeout(stack.connect(GUEST, 7), 60_000, "the long-lived TCP connection"));
  let checks = 0, frames = 0;
  const addresses = { guestMac: GUEST_MAC, peerMac: PEER_MAC, guestIp: parseIpv4(GUEST)!, peerIp: parseIpv4(PEER)! };
  const phases = malformedTraffic(addresses, seed);
  /** Lies inside live connections, from a scripted peer at an address of its own. */
  const tellLies = async () => {
    const scripted = new ScriptedHost(cable, addresses, parseIpv4("192.168.77.50")!, Uint8Array.of(0x02, 0x00, 0x00, 0x77, 0x00, 0x50));
    for (const lie of LIES) {
      let connection: ScriptedConnection | undefined;
      try {
        connection = await guard(scripted.open(7, lie.options ?? synOptions()));
        await guard(lie.run(connection));
        assert.equal(await ask(`after ${lie.name}`), `after ${lie.name}`);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n(a lie inside a connection: "${lie.name}") the scripted peer sent:\n  ${connection?.sent.join("\n  ") ?? "(nothing: no connection)"}`);
      } finally {
        connection?.abort();
      }
    }
    t.diagnostic(`${LIES.length} lies inside live connections`);
  };

  for (const phase of phases) {
    // Before the SYN floods fill the half-open queue for a minute.
    if (phase.name === "SYN floods") await tellLies();
    const started = performance.now();
    for (let i = 0; i < phase.frames.length; i += BATCH) {
      const batch = phase.frames.slice(i, i + BATCH);
      for (const frame of batch) cable.inject(frame.bytes);
      frames += batch.length;
      try {
        const n = ++checks;
        assert.equal(await ask(`check ${n}`), `check ${n}`);
        if (n % 10 === 0) {
          await long.write(`long ${n}`);
          assert.equal(await guard(withTimeout(readBack(long, `long ${n}`.length), 30_000, "TCP echo on the long-lived connection")), `long ${n}`);
        }
      } catch (error) {
        const list = (frames: BadFrame[]) => frames.map((f) => `  ${f.what}: ${hex(f.bytes)}`).join("\n");
        throw new Error(`${(error as Error).message}\n(seed ${seed}) after these frames of "${phase.name}":\n${list(batch)}`);
      }
    }
    // A SYN flood from hosts that never answer fills the half-open queue until it times out: the last check waits it out.
    if (phase.name !== "SYN floods") await newConnection(`after ${phase.name}`);
    t.diagnostic(`${phase.name}: ${phase.frames.length} frames, ${Math.round(performance.now() - started)} ms`);
  }

  const waitStarted = performance.now();
  await newConnection("after everything", 3);
  t.diagnostic(`a new connection after the SYN floods took ${Math.round(performance.now() - waitStarted)} ms`);
  await long.write("long, the end");
  assert.equal(await guard(withTimeout(readBack(long, "long, the end".length), 30_000, "the long-lived connection at the end")), "long, the end");
  await long.end();

  const memoryAfter = JSON.parse(await ask("memory"));
  t.diagnostic(`${frames} frames sent, ${cable.framesFromGuest} came back; guest heap ${memoryBefore.heapBytes} → ${memoryAfter.heapBytes} bytes, ` +
    `free pages ${memoryBefore.freeBytes} → ${memoryAfter.freeBytes} bytes`);

  assert.deepEqual(ipBroadcasts.slice(0, 5), [], `${ipBroadcasts.length} IP broadcasts from the guest`);

  udp.send("exit", GUEST, 7);
  const status = await withTimeout(ended, 30_000, "exit");
  assert.deepEqual(outcomeOfQemuStatus(status), { kind: "exited", code: 0 }, output);
  assert.doesNotMatch(output, /Uncaught|CPU fault|panic/i, output);
});
