import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeCmdline, parseCmdline } from "../../kernel/process/cmdline.ts";

test("argv and env survive the trip through the kernel command line", () => {
  const argv = ["plain", "with space", "per%cent", "", "ünï", "a=b"];
  const env = { HOME: "/", MESSAGE: "hello world = yes", EMPTY: "" };
  const words = ["virtio_mmio.device=512@0xfeb00000:12", "toro.trace", "virtio_mmio.device=512@0xfeb00200:11", "toro.epoch_ms=1", ...encodeCmdline(argv, env)];
  const parsed = parseCmdline(words.join(" "));
  assert.deepEqual(parsed.argv, argv);
  assert.deepEqual(parsed.env, env);
  assert.deepEqual(parsed.params.get("virtio_mmio.device"), ["512@0xfeb00000:12", "512@0xfeb00200:11"]);
  assert.deepEqual(parsed.params.get("toro.epoch_ms"), ["1"]);
  assert.ok(parsed.flags.has("toro.trace"));
});

test("malformed words are taken as they are, and cannot reach the prototype", () => {
  const parsed = parseCmdline("toro.arg=%E0%A4%A toro.env=noequals toro.env=__proto__%3Dx  ");
  assert.deepEqual(parsed.argv, ["%E0%A4%A"]);
  assert.deepEqual(Object.keys(parsed.env), []);
  assert.equal(({} as Record<string, unknown>).x, undefined);
});
