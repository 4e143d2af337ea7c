/**
 * The process unit's per-core singletons: this core's event loop and the
 * boot parameters. A module of their own so that units (devices, the
 * runtime API) can reach them without importing boot.ts, which imports them.
 */
import { hw } from "../hw.ts";
import { parseCmdline } from "./cmdline.ts";
import { EventLoop } from "./event-loop.ts";
import { exitHooks } from "./exit-hooks.ts";

export const bootParameters = parseCmdline(hw.cmdline());
export const loop = new EventLoop(() => hw.now(), exitHooks);
