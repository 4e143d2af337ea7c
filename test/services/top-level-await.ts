// Top-level await in a service's main module and in a module it imports. The boot
// test runs this file both in the guest and in Node and expects the same output.
import { config } from "./modules/slow-config.ts";

console.log("main: start, port", config.port);
Promise.resolve().then(() => console.log("a microtask queued before the await"));
setTimeout(() => console.log("a timer set before the await"), 0);
await null;
console.log("after await null");

const doubled = await Promise.all([1, 2, 3].map(async (n) => n * 2));
console.log("Promise.all", doubled);

async function* countTo(n: number) {
  for (let i = 1; i <= n; i++) yield i;
}
for await (const n of countTo(2)) console.log("for await", n);

try {
  await Promise.reject(new RangeError("caught at the top level"));
} catch (e) {
  console.log("caught", (e as Error).name, (e as Error).message);
}

await new Promise((resolve) => setTimeout(resolve, 5));
console.log("done: the top level ran to its end");
