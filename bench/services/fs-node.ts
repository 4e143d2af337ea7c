// Node's side of bench/fs.ts's HTTP half: the static files on the FAT
// image, mounted as vfat in the Linux guest, served as a Node user would
// serve them without a framework: node:http, a stat() for the headers and
// fs.createReadStream() piped into the response. Bundled with esbuild into
// bench/build/fs-node.cjs for Debian's Node 18 in the guest:
//   ROOT=/data/www PORT=80 node fs-node.cjs
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";

const root = normalize(process.env.ROOT ?? "/data/www");
const port = Number(process.env.PORT ?? 80);

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".bin": "application/octet-stream" };

createServer(async (request, response) => {
  const notFound = () => {
    response.statusCode = 404;
    response.end();
  };
  let path: string;
  try {
    path = join(root, decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname));
  } catch {
    return notFound();
  }
  if (!path.startsWith(root + sep)) return notFound();
  try {
    const info = await stat(path);
    if (!info.isFile()) return notFound();
    response.writeHead(200, {
      "content-type": TYPES[extname(path)] ?? "application/octet-stream",
      "content-length": info.size,
      "last-modified": info.mtime.toUTCString(),
    });
    if (request.method === "HEAD") return response.end();
    createReadStream(path).on("error", () => response.destroy()).pipe(response);
  } catch {
    notFound();
  }
}).listen(port, "0.0.0.0", () => console.log(`fs-node: Node ${process.version} serving ${root} on port ${port}`));
