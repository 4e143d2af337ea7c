// Timer and microtask ordering. The boot test runs this in the guest and in
// Node and expects the same order. After the first few, deadlines are 80 ms
// apart (the interval at 160, 320 and 480; the rest at 240, 400, 560 and 720),
// far more than the latency of a slow (emulated) guest on a busy host (tens
// of ms), so the order is the semantics, not luck. (Two deadlines were once
// equal, which made the order luck, and CI failed.)
const log = (s: string) => console.log(s);
let n = 0;

setTimeout(() => log("timeout 560"), 560);
setTimeout(() => {
  log("timeout 0 first");
  Promise.resolve().then(() => log("microtask inside the first timeout"));
  queueMicrotask(() => log("queued microtask inside the first timeout"));
}, 0);
setTimeout(() => log("timeout 0 second"), 0);
setTimeout((a: string, b: number) => log(`timeout 1 with args ${a} ${b}`), 1, "x", 2);
const interval = setInterval(() => {
  log(`interval ${++n}`);
  if (n === 3) clearInterval(interval);
}, 160);
const cancelled = setTimeout(() => log("never printed"), 20);
clearTimeout(cancelled);
queueMicrotask(() => log("microtask 1"));
Promise.resolve().then(() => log("promise 1")).then(() => log("promise 2"));
(async () => {
  log("async start");
  await null;
  log("async after await");
  await new Promise((resolve) => setTimeout(resolve, 240));
  log("async after 240 ms");
})();
const unrefd = setTimeout(() => log("unref'd timer still fires while the loop is alive"), 400);
unrefd.unref();
setTimeout(() => log("timeout 720, the last"), 720);
log("synchronous end");
