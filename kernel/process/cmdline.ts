/**
 * The kernel command line. The CLI passes the service's arguments and
 * environment as percent-encoded `toro.arg=` and `toro.env=` words, in
 * order; other words (the hypervisor's own, like virtio_mmio.device=) are
 * kept as parameters for the units that want them.
 */

export interface BootParameters {
  argv: string[];
  env: Record<string, string>;
  /** Every other `key=value` word: all values of a key, in order (QEMU repeats virtio_mmio.device=). */
  params: Map<string, string[]>;
  /** Words of the form toro.flag (no value), like toro.trace. */
  flags: Set<string>;
}

function decode(word: string): string {
  try {
    return decodeURIComponent(word);
  } catch {
    return word; // not percent-encoded by us: take it as it is
  }
}

export function parseCmdline(cmdline: string): BootParameters {
  const result: BootParameters = { argv: [], env: {}, params: new Map(), flags: new Set() };
  for (const word of cmdline.split(/\s+/)) {
    if (!word) continue;
    const eq = word.indexOf("=");
    if (eq < 0) {
      result.flags.add(word);
      continue;
    }
    const key = word.slice(0, eq), value = word.slice(eq + 1);
    if (key === "toro.arg") result.argv.push(decode(value));
    else if (key === "toro.env") {
      const pair = decode(value), split = pair.indexOf("=");
      const name = pair.slice(0, split);
      if (split > 0 && name !== "__proto__") result.env[name] = pair.slice(split + 1);
    } else {
      const values = result.params.get(key);
      if (values) values.push(value);
      else result.params.set(key, [value]);
    }
  }
  return result;
}

/** The inverse, for the CLI: words that carry argv and env to the guest. */
export function encodeCmdline(argv: string[], env: Record<string, string>): string[] {
  return [
    ...argv.map((a) => `toro.arg=${encodeURIComponent(a)}`),
    ...Object.entries(env).map(([k, v]) => `toro.env=${encodeURIComponent(`${k}=${v}`)}`),
  ];
}
