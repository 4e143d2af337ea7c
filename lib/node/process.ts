/**
 * `node:process`, and the global `process` (process-global.ts) that Node,
 * Deno and Workers' nodejs_compat have: Node's process object over Toro's
 * runtime (its arguments, environment, exit, clock and console).
 */
import { hw } from "../../kernel/hw.ts";
import * as runtime from "../../kernel/runtime.ts";
import { createProcess } from "./process-object.ts";

const process = createProcess({
  argv: runtime.argv,
  env: runtime.env,
  exit: runtime.exit,
  now: () => hw.now() / 1e6,
  write: (text) => hw.write(text),
  memory: runtime.memoryUsage,
  busyMs: () => runtime.cpuUsage().busyMs,
});

export const {
  title, argv0, execPath, argv, execArgv, env, platform, arch, pid, ppid, version, versions, release, stdout, stderr,
  cwd, exit, nextTick, hrtime, uptime, memoryUsage, cpuUsage, emitWarning,
} = process;
export default process;
