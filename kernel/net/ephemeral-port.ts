/** A free port from the dynamic range (RFC 6335), from a random start (RFC 6056), for UDP and TCP alike. */

const EPHEMERAL_FIRST = 49152;
const EPHEMERAL_COUNT = 16384;

export function pickEphemeralPort(isFree: (port: number) => boolean, random: () => number, what: string): number {
  const start = Math.floor(random() * EPHEMERAL_COUNT);
  for (let i = 0; i < EPHEMERAL_COUNT; i++) {
    const port = EPHEMERAL_FIRST + ((start + i) % EPHEMERAL_COUNT);
    if (isFree(port)) return port;
  }
  throw new Error(`no free ${what} port`);
}
