// Booted: a service importing node:buffer, events, util, path, assert,
// string_decoder and process (by ES imports and by require() from CommonJS)
// prints in a Toro guest exactly what Node prints for the same file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, toro } from "../../boot/helpers.ts";

const SCRIPT = join(ROOT, "test", "lib", "node", "guest", "node-modules.ts");

test("the node: modules print in a Toro guest what Node's own print", async () => {
  const node = execFileSync(process.execPath, ["--import", "tsx", SCRIPT], { cwd: ROOT }).toString();
  const guest = await toro(["run", SCRIPT, "--net", "none", "--timeout", "60s"]);
  assert.equal(guest.code, 0, guest.stderr + guest.stdout);
  assert.equal(guest.stdout, node);
  // The script ran to its end, through every module.
  assert.match(guest.stdout, /^events require function true true function$/m);
  assert.match(guest.stdout, /^string_decoder "\|€\|"$/m);
  assert.match(guest.stdout, /written without a newline, then one\n$/);
});
