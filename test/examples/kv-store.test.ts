// examples/kv-store's store over Node's node:fs/promises (the booted test runs it on FAT).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openKvStore } from "../../examples/kv-store/store.ts";

async function withStore(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "toro-kv-"));
  try {
    await body(join(dir, "kv"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const call = (store: { fetch(r: Request): Promise<Response> }, path: string, method = "GET", body?: string | ReadableStream<Uint8Array>) =>
  store.fetch(new Request(`http://kv${path}`, { method, body, ...(body ? { duplex: "half" } : {}) } as RequestInit));

test("PUT, GET, list, DELETE; keys are case-sensitive and any UTF-8 of up to 120 bytes", async () => {
  await withStore(async (dir) => {
    const store = await openKvStore(dir);
    assert.equal(store.keysAtStart, 0);
    const odd = "a/b: ünï*?\"<>|";
    assert.equal((await call(store, `/keys/${encodeURIComponent(odd)}`, "PUT", "odd")).status, 201);
    assert.equal((await call(store, "/keys/a", "PUT", "lower")).status, 201);
    assert.equal((await call(store, "/keys/A", "PUT", "upper")).status, 201);
    assert.equal((await call(store, "/keys/a", "PUT", "replaced")).status, 204);
    assert.equal(await (await call(store, "/keys/a")).text(), "replaced");
    assert.equal(await (await call(store, "/keys/A")).text(), "upper");
    assert.equal(await (await call(store, `/keys/${encodeURIComponent(odd)}`)).text(), "odd");
    assert.deepEqual(await (await call(store, "/keys")).json(), ["A", "a", odd].sort());
    assert.equal((await call(store, "/keys/A", "DELETE")).status, 204);
    assert.equal((await call(store, "/keys/A")).status, 404);
    assert.equal((await call(store, "/keys/A", "DELETE")).status, 404);
    assert.equal((await call(store, `/keys/${"k".repeat(120)}`, "PUT", "long")).status, 201);
    for (const bad of [`/keys/${"k".repeat(121)}`, "/keys/%zz", "/keys/"]) {
      assert.equal((await call(store, bad, "PUT", "x")).status, bad === "/keys/" ? 405 : 400, bad);
    }
    assert.equal((await call(store, "/keys/a", "POST", "x")).status, 405);
    assert.equal((await call(store, "/elsewhere")).status, 404);
  });
});

test("values survive reopening; a PUT cut short keeps the old value and leaves no file", async () => {
  await withStore(async (dir) => {
    const store = await openKvStore(dir);
    await call(store, "/keys/kept", "PUT", "old value");
    const failing = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("half of a new"));
        controller.error(new Error("the client went away"));
      },
    });
    await assert.rejects(call(store, "/keys/kept", "PUT", failing), /went away/);
    assert.equal(await (await call(store, "/keys/kept")).text(), "old value");
    assert.deepEqual(await readdir(dir), ["6b657074"]);

    // A crash between write and rename leaves a temporary file: the next open removes it.
    await writeFile(join(dir, "tmp-123-0"), "orphan");
    const reopened = await openKvStore(dir);
    assert.equal(reopened.keysAtStart, 1);
    assert.deepEqual(await readdir(dir), ["6b657074"]);
    assert.equal(await (await call(reopened, "/keys/kept")).text(), "old value");
  });
});
