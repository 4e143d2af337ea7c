// The smallest Toro service: it prints, and ends when it has nothing left to do.
import { argv, env } from "toro";

const name = argv[0] ?? env.NAME ?? "world";
console.log(`Hello, ${name}! This is TypeScript on bare (virtual) metal.`);
console.log({ booted: new Date().toISOString(), uptimeMs: Math.round(performance.now()) });
