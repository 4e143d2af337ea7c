// The StaticWebServer: serves a host directory over HTTP.
//   ./toro run examples/static-web-server --dir examples/static-web-server/site:/www -p 8080:80
// then open http://127.0.0.1:8080/. `--env ROOT=/other` serves another mounted directory.
import { env } from "toro";
import { serveStatic } from "toro/http";

export default { fetch: serveStatic({ root: env.ROOT ?? "/www" }) };
