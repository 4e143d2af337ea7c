// Sleeps for the number of milliseconds in argv[0]; the idle test watches the host CPU meanwhile.
import { argv } from "toro";

const ms = Number(argv[0] ?? 1000);
console.log(`sleeping ${ms} ms`);
const started = performance.now();
setTimeout(() => console.log(`woke after ${Math.round(performance.now() - started)} ms`), ms);
