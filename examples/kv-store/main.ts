// A key-value store over HTTP whose data lives as files on a FAT disk, so it survives restarts.
//   ./toro disk create kv.img --size 16M
//   ./toro run examples/kv-store --disk kv.img -p 8080:80
//   curl -X PUT --data-binary 'hello' http://127.0.0.1:8080/keys/greeting
//   curl http://127.0.0.1:8080/keys/greeting       # hello
//   curl http://127.0.0.1:8080/keys                # ["greeting"]
//   curl -X DELETE http://127.0.0.1:8080/keys/greeting
// `--disk` mounts the disk's FAT volume at /data; `--env DATA=/elsewhere` keeps the files there instead.
import { env } from "toro";
import { MAX_VALUE_BYTES, openKvStore } from "./store.ts";

const dir = `${env.DATA ?? "/data"}/kv`;
const store = await openKvStore(dir);
console.log(`kv-store: ${store.keysAtStart} keys in ${dir}`);

export default {
  maxRequestBodySize: MAX_VALUE_BYTES,
  fetch: store.fetch,
};
