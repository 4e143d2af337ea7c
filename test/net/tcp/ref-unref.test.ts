// A connection's unref()/ref(): whether it keeps the service alive, counted
// through the keep-alive handle, across TIME-WAIT, a reset and the end.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { KeepAlive } from "../../../kernel/devices/hardware.ts";
import { Ipv4Interface } from "../../../kernel/net/ipv4-interface.ts";
import type { Connection } from "../../../kernel/net/tcp/connection.ts";
import { TcpLayer } from "../../../kernel/net/tcp/tcp-layer.ts";
import { SimulatedNic } from "../../sim/link.ts";
import { VirtualClock } from "../../sim/virtual-clock.ts";

const A = 0x0a000001, B = 0x0a000002;

/** A keep-alive handle that counts, and fails the test if it is given back more often than taken. */
function counter() {
  const count = { held: 0 };
  const keepAlive: KeepAlive = {
    retain: () => void count.held++,
    release: () => {
      count.held--;
      assert.ok(count.held >= 0, "released more often than retained");
    },
  };
  return { count, keepAlive };
}

/** Two hosts joined by a clean cable; only the client's (a's) keep-alive handle is counted. */
function network() {
  const clock = new VirtualClock(1);
  const nicA = new SimulatedNic("a", Uint8Array.of(2, 0, 0, 0, 0, 1));
  const nicB = new SimulatedNic("b", Uint8Array.of(2, 0, 0, 0, 0, 2));
  const wire = (to: SimulatedNic) => (frame: Uint8Array) => {
    clock.at(clock.now + 1, () => to.deliver([Uint8Array.from(frame)]));
    return true;
  };
  nicA.send = wire(nicB);
  nicB.send = wire(nicA);
  const ifA = new Ipv4Interface(nicA, clock.host()), ifB = new Ipv4Interface(nicB, clock.host());
  ifA.configure({ address: A, prefixLength: 24, gateway: undefined, dnsServers: [] });
  ifB.configure({ address: B, prefixLength: 24, gateway: undefined, dnsServers: [] });
  const { count, keepAlive } = counter();
  const none: KeepAlive = { retain() {}, release() {} };
  return { clock, count, a: new TcpLayer(ifA, clock.host(), keepAlive), b: new TcpLayer(ifB, clock.host(), none) };
}

async function connected(net: ReturnType<typeof network>, server: (c: Connection) => void = () => {}): Promise<{ client: Connection; peer: () => Connection }> {
  let peer: Connection | undefined;
  net.b.listen(7, (c) => {
    peer = c;
    server(c);
  });
  let client: Connection | undefined;
  void net.a.connect(B, 7).then((c) => (client = c));
  await net.clock.run(() => client !== undefined && peer !== undefined);
  return { client: client!, peer: () => peer! };
}

test("unref() lets go of the service and ref() takes it again, each once however often called", async () => {
  const net = network();
  const { client } = await connected(net);
  assert.equal(net.count.held, 1);
  client.unref();
  client.unref();
  assert.equal(net.count.held, 0);
  client.ref();
  client.ref();
  assert.equal(net.count.held, 1);
});

test("an unreferenced connection closes in order through TIME-WAIT without giving the handle back twice", async () => {
  const net = network();
  const { client } = await connected(net, async (server) => {
    for await (const _ of server);
    await server.end();
  });
  client.unref();
  client.close();
  await net.clock.run(() => client.state === "TIME-WAIT");
  assert.equal(net.count.held, 0);
  client.ref(); // TIME-WAIT keeps nothing alive, whatever it is told
  assert.equal(net.count.held, 0);
  await net.clock.run(() => client.state === "CLOSED");
  assert.equal(net.count.held, 0);
});

test("a referenced connection still lets go at TIME-WAIT; one the peer closes lets go at the end", async () => {
  const net = network();
  const first = await connected(net, async (server) => {
    for await (const _ of server);
    await server.end();
  });
  first.client.close();
  await net.clock.run(() => first.client.state === "TIME-WAIT");
  assert.equal(net.count.held, 0);

  const other = network();
  const second = await connected(other);
  second.client.unref();
  second.client.ref();
  void second.peer().end();
  await other.clock.run(() => second.client.state === "CLOSE-WAIT");
  assert.equal(other.count.held, 1);
  second.client.close();
  await other.clock.run(() => second.client.state === "CLOSED");
  assert.equal(other.count.held, 0);
});

test("an unreferenced connection that is reset gives nothing back twice", async () => {
  const net = network();
  const { client, peer } = await connected(net);
  client.unref();
  await net.clock.run(() => false, net.clock.now + 10);
  // Unread data makes close() a reset.
  void client.write("data");
  await net.clock.run(() => false, net.clock.now + 10);
  peer().close();
  await net.clock.run(() => client.state === "CLOSED");
  assert.equal(net.count.held, 0);
  await assert.rejects(client.closed);
});
