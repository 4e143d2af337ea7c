// Nothing a client sends ends the VM: deep JSON, a handler's runaway
// recursion and a request that takes all the memory each fail that request
// with a 500, and the service goes on serving (and has its memory back).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, ROOT, startGuest } from "./helpers.ts";

const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

test("deep JSON, runaway recursion and running out of memory fail one request each; the service serves on", { timeout: 240_000 }, async () => {
  const port = await freePort();
  const guest = await startGuest([join(ROOT, "test", "services", "serving", "hostile-handlers.ts"), "-p", `${port}:80`, "--timeout", "220s"], /serving HTTP on/);
  const call = async (path: string, body?: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, body === undefined ? {} : { method: "POST", body });
    return { status: response.status, text: await response.text() };
  };
  const alive = async () => assert.deepEqual(await call("/"), { status: 200, text: "ok\n" });
  try {
    // The request: 3.6 KB of 1,800 nested arrays, echoed whole.
    assert.deepEqual(await call("/echo", nested(1800)), { status: 200, text: nested(1800) });
    // Nesting past the stack: a RangeError in that request, a 500 for its client.
    assert.equal((await call("/echo", nested(100_000))).status, 500);
    await alive();
    assert.equal((await call("/stringify?depth=100000")).status, 500);
    assert.equal((await call("/recurse")).status, 500);
    await alive();
    for (let round = 0; round < 3; round++) {
      assert.equal((await call("/exhaust")).status, 500, `exhaust, round ${round}`);
      await alive();
    }
    // What the failed requests took is free again: the service can still hold 4 MiB of its own.
    for (let mib = 1; mib <= 4; mib++) assert.deepEqual(await call("/hold"), { status: 200, text: `holding ${mib} MiB\n` });
    assert.match(guest.output(), /RangeError: Maximum call stack size exceeded/);
    // The runaway recursion's trace is one frame and a count, not 1,500 lines.
    assert.match(guest.output(), /at runaway \(test\/services\/serving\/hostile-handlers\.ts:7\)\n\s+\.\.\. the frame above \d+ more times/);
    assert.ok(guest.output().split("\n").length < 200, `the console has ${guest.output().split("\n").length} lines`);
    assert.match(guest.output(), /out of memory/);
  } finally {
    await guest.stop();
  }
});
