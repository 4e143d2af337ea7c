/**
 * The wire layer: zero-copy views over the bytes of each protocol the
 * network unit speaks, with checksums and header builders. No state, no
 * allocation on the per-packet path; the layers above decide what to do.
 */
export * from "./address.ts";
export * from "./arp.ts";
export * from "./bytes.ts";
export * from "./checksum.ts";
export * from "./ethernet.ts";
export * from "./icmp.ts";
export * from "./ipv4.ts";
export * from "./tcp.ts";
export * from "./udp.ts";
