import { test } from "node:test";
import assert from "node:assert/strict";
import { Headers } from "../../../lib/http/headers.ts";
import { Request } from "../../../lib/http/request.ts";
import { Response } from "../../../lib/http/response.ts";

test("Headers: case-insensitive, combined values, sorted lowercased iteration, Set-Cookie apart", () => {
  const headers = new Headers([["X-B", "1"], ["x-b", "2"], ["A", " padded\t"]]);
  headers.append("Set-Cookie", "a=1");
  headers.append("set-cookie", "b=2");
  assert.equal(headers.get("X-b"), "1, 2");
  assert.equal(headers.get("a"), "padded");
  assert.deepEqual([...headers], [["a", "padded"], ["set-cookie", "a=1"], ["set-cookie", "b=2"], ["x-b", "1, 2"]]);
  assert.deepEqual(headers.getSetCookie(), ["a=1", "b=2"]);
  headers.set("x-b", "3");
  headers.delete("A");
  assert.deepEqual([...headers.keys()], ["set-cookie", "set-cookie", "x-b"]);
  assert.equal(headers.has("a"), false);
  assert.equal(new Headers({ K: "v" }).get("k"), "v");
  assert.equal(new Headers(headers).get("x-b"), "3");
});

test("Headers refuses names and values that could inject fields", () => {
  assert.throws(() => new Headers({ "bad name": "v" }), TypeError);
  assert.throws(() => new Headers({ ok: "a\r\nInjected: 1" }), TypeError);
  assert.throws(() => new Headers({ ok: "a\nInjected: 1" }), TypeError);
  assert.throws(() => new Headers({ ok: "nul\0" }), TypeError);
  // Names are remembered once checked; a bad one never is.
  assert.throws(() => new Headers({ "bad name": "again" }), TypeError);
  assert.equal(new Headers({ "X-Remembered": " v " }).get("x-remembered"), "v");
  assert.equal(new Headers({ "X-Remembered": "\tw" }).get("X-REMEMBERED"), "w");
  assert.throws(() => new Headers([["only-name"]] as unknown as [string, string][]), TypeError);
});

test("Request: normalized method, absolute URL, implied content type, body read once", async () => {
  const request = new Request("http://example.com/a?b", { method: "post", body: "héllo" });
  assert.equal(request.method, "POST");
  assert.equal(new Request("http://x/", { method: "patch" }).method, "patch");
  assert.equal(request.url, "http://example.com/a?b");
  assert.equal(request.headers.get("content-type"), "text/plain;charset=UTF-8");
  assert.equal(request.clone().bodyUsed, false);
  assert.equal(await request.text(), "héllo");
  assert.equal(request.bodyUsed, true);
  await assert.rejects(request.text(), TypeError);
  assert.throws(() => new Request("http://x/", { body: "no" }), TypeError);
  assert.throws(() => new Request("relative"), TypeError);
});

test("Response: defaults, json, redirect, status checks, body kinds", async () => {
  const plain = new Response();
  assert.equal(plain.status, 200);
  assert.equal(plain.ok, true);
  assert.equal(plain.body, null);
  assert.equal(await plain.text(), "");
  const json = Response.json({ a: [1] }, { status: 201, headers: { "x-y": "z" } });
  assert.equal(json.statusText, "Created");
  assert.equal(json.headers.get("content-type"), "application/json");
  assert.deepEqual(await json.json(), { a: [1] });
  const redirect = Response.redirect("http://x/next", 307);
  assert.equal(redirect.headers.get("location"), "http://x/next");
  assert.throws(() => Response.redirect("http://x/", 200), RangeError);
  assert.throws(() => new Response(null, { status: 99 }), RangeError);
  assert.throws(() => new Response("body", { status: 204 }), TypeError);
  const bytes = Uint8Array.of(1, 2, 3);
  const fromBytes = new Response(bytes);
  bytes[0] = 9; // The body was copied.
  assert.deepEqual(new Uint8Array(await fromBytes.arrayBuffer()), Uint8Array.of(1, 2, 3));
  const form = new Response(new URLSearchParams({ q: "a b" }));
  assert.equal(form.headers.get("content-type"), "application/x-www-form-urlencoded;charset=UTF-8");
  assert.equal(await form.text(), "q=a+b");
  async function* stream() { yield "a"; yield Uint8Array.of(98); }
  const streamed = new Response(stream());
  assert.equal(await streamed.clone().text(), "ab"); // a streamed body is teed
  assert.equal(await streamed.text(), "ab");
});

test("a body's async iteration yields its bytes", async () => {
  const chunks: (Uint8Array | string)[] = [];
  for await (const chunk of new Response("xyz").body!) chunks.push(chunk);
  assert.deepEqual(chunks, [new TextEncoder().encode("xyz")]);
});
