// A connection's unref()/ref(): whether it keeps the service alive, counted
// through the keep-alive handle, across TIME-WAIT, a reset and the end.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { KeepAlive } from "../../../kernel/devices/hardware.ts";
import type { Connection } from "../../../kernel/net/tcp/connection.ts";
import { B, network } from "./network.ts";

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
function countedNetwork() {
  const { count, keepAlive } = counter();
  return { count, ...network({}, 1, { a: keepAlive }) };
}

async function connected(net: ReturnType<typeof countedNetwork>, server: (c: Connection) => void = () => {}): Promise<{ client: Connection; peer: () => Connection }> {
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
  const net = countedNetwork();
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
  const net = countedNetwork();
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
  const net = countedNetwork();
  const first = await connected(net, async (server) => {
    for await (const _ of server);
    await server.end();
  });
  first.client.close();
  await net.clock.run(() => first.client.state === "TIME-WAIT");
  assert.equal(net.count.held, 0);

  const other = countedNetwork();
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
  const net = countedNetwork();
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
