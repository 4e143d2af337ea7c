// Assets named by package.json ("assets": "public"), read at /app.
import { readdir, readFile } from "node:fs/promises";

console.log(`app: ${JSON.stringify((await readdir("/app", { recursive: true })).sort())}`);
console.log(`index: ${await readFile("/app/index.html", "utf8")}`);
