// Run by client-node.test.ts as a process of its own: fetch the URL in argv
// twice over Node sockets, say so, and end. It must end at once, with the
// pooled connection still open: an idle pooled connection, and the pool's
// timer, keep nothing alive.
import { createFetch } from "../../../lib/http/client.ts";
import { nodeConnect } from "./node-stream.ts";

const fetch = createFetch(nodeConnect);
const url = process.argv[2];
for (let i = 0; i < 2; i++) await (await fetch(url)).text();
console.log("fetched twice");
