/**
 * `node:fs` (and bare `fs`): what Toro has of it is the promise API,
 * `promises` (the same module as node:fs/promises and toro/fs), and
 * `constants`. The callback and synchronous functions are not here (the
 * build fails naming the missing export), since a Toro service has one
 * thread and its disks answer through the event loop.
 */
import * as promises from "../../kernel/fs/index.ts";
import { constants } from "../../kernel/fs/constants.ts";

export { constants, promises };

export default { promises, constants };
