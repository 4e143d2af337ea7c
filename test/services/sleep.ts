// Sleeps for the number of milliseconds in argv[0]; the idle test watches the host CPU meanwhile.
// Then it reports the guest's own account of that time (cpuUsage), and of 200 ms of spinning.
import { argv, cpuUsage } from "toro";

const ms = Number(argv[0] ?? 1000);
console.log(`sleeping ${ms} ms`);
const started = performance.now();
const before = cpuUsage();
setTimeout(() => {
  const slept = cpuUsage();
  console.log(`woke after ${Math.round(performance.now() - started)} ms`);
  console.log(`asleep: idle ${(slept.idleMs - before.idleMs).toFixed(1)} ms, busy ${(slept.busyMs - before.busyMs).toFixed(1)} ms`);
  const spinUntil = performance.now() + 200;
  while (performance.now() < spinUntil);
  const spun = cpuUsage();
  console.log(`spinning: idle ${(spun.idleMs - slept.idleMs).toFixed(1)} ms, busy ${(spun.busyMs - slept.busyMs).toFixed(1)} ms`);
}, ms);
