// The compatibility suite: each script beside this file exercises one npm
// package (pinned in this directory's package-lock.json). It runs booted in
// the guest and under Node, and what the two print must be the same. A
// package that does not work yet is listed in GAPS with the reason, and its
// test checks that the outputs still differ, so a fix shows up as a failure
// that asks to move it out of GAPS (and the README's table with it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, ROOT, startGuest, toro } from "../boot/helpers.ts";

const HERE = join(ROOT, "test", "compat");
const lock = JSON.parse(readFileSync(join(HERE, "package-lock.json"), "utf8"));
const manifest = JSON.parse(readFileSync(join(HERE, "package.json"), "utf8"));

/** Packages that do not work yet, with why (the README's table says the same). */
export const GAPS: Record<string, string> = {};

/** Each script and the package it is about (its file name). */
const scripts = readdirSync(HERE).filter((name) => name.endsWith(".ts") && !["show.ts", "hono-app.ts"].includes(name) && !name.endsWith(".test.ts"));

function underNode(script: string): string {
  // The guest's clock is UTC, so Node's is too.
  const run = spawnSync(process.execPath, ["--import", "tsx", join(HERE, script)], { cwd: ROOT, encoding: "utf8", env: { ...process.env, TZ: "UTC" } });
  assert.equal(run.status, 0, `${script} under Node: ${run.stderr}`);
  return run.stdout;
}

for (const script of scripts) {
  const name = script.slice(0, -".ts".length);
  test(`${name} ${lock.packages[`node_modules/${name}`]?.version}: the guest prints what Node prints`, { timeout: 240_000 }, async () => {
    const expected = underNode(script);
    const run = await toro(["run", join(HERE, script), "--timeout", "200s"], 230_000);
    if (GAPS[name]) {
      assert.notEqual(run.stdout, expected, `${name} now works: take it out of GAPS and the README's table`);
      return;
    }
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.stdout, expected);
  });
}

test("every package the suite installs has a script, and every script's package is installed", () => {
  const installed = Object.keys(manifest.dependencies).filter((name) => name !== "ajv-formats");
  assert.deepEqual(scripts.map((script) => script.slice(0, -".ts".length)).sort(), installed.sort());
});

test("the README's compatibility table names each package at the version the lock file pins, and its gaps", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  for (const name of Object.keys(manifest.dependencies)) {
    const version = lock.packages[`node_modules/${name}`].version;
    const row = readme.split("\n").find((line) => line.startsWith(`| ${name} |`));
    assert.ok(row, `README has no row for ${name}`);
    assert.match(row, new RegExp(`\\| ${version.replace(/\./g, "\\.")} \\|`), `README's row for ${name} should say ${version}`);
    assert.equal(/\| no\b/.test(row), Boolean(GAPS[name]), `README's row for ${name} and GAPS disagree`);
  }
});

test("a Hono app exported as the default, as Hono's docs write it, is served", { timeout: 240_000 }, async () => {
  const port = await freePort();
  const guest = await startGuest([join(HERE, "hono-app.ts"), "-p", `${port}:80`, "--timeout", "200s"], /serving HTTP on/);
  try {
    const hello = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(hello.status, 200);
    assert.equal(hello.headers.get("access-control-allow-origin"), "*");
    assert.equal(await hello.text(), "Hello Hono!");
    const user = await fetch(`http://127.0.0.1:${port}/users/7`, { headers: { "user-agent": "compat" } });
    assert.deepEqual(await user.json(), { id: "7", agent: "compat" });
    const echo = await fetch(`http://127.0.0.1:${port}/echo`, { method: "POST", body: '{"nested":[[1]]}', headers: { "content-type": "application/json" } });
    assert.deepEqual(await echo.json(), { nested: [[1]] });
    const bad = await fetch(`http://127.0.0.1:${port}/echo`, { method: "POST", body: "{not json", headers: { "content-type": "application/json" } });
    assert.equal(bad.status, 500);
    assert.ok(((await bad.json()) as { error?: string }).error, "onError answers with the parse error");
  } finally {
    await guest.stop();
  }
});
