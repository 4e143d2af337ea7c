import { test } from "node:test";
import assert from "node:assert/strict";
import { addressWords } from "../../cli/run.ts";
import { parseCmdline } from "../../kernel/process/cmdline.ts";
import { configuredDnsServers, netmask, staticConfig } from "../../kernel/net/config.ts";
import { formatIpv4, parseIpv4 } from "../../kernel/net/wire/address.ts";

test("what the CLI writes, the kernel reads back", () => {
  const words = addressWords({ ip: "192.168.7.2", prefixLength: 20, gateway: "192.168.0.1", dns: ["1.1.1.1", "9.9.9.9"] });
  const config = staticConfig(parseCmdline(words.join(" ")).params);
  assert.deepEqual(config, { address: 0xc0a80702, prefixLength: 20, gateway: 0xc0a80001, dnsServers: [0x01010101, 0x09090909] });
});

test("no toro.ip means DHCP; malformed words are reported", () => {
  assert.equal(staticConfig(parseCmdline("toro.trace").params), undefined);
  assert.match(staticConfig(parseCmdline("toro.ip=10.0.0.1").params) as string, /not ADDRESS\/PREFIX/);
  assert.match(staticConfig(parseCmdline("toro.ip=10.0.0.1/8 toro.gateway=x").params) as string, /toro\.gateway=x/);
  assert.match(staticConfig(parseCmdline("toro.ip=10.0.0.1/8 toro.dns=1.2.3").params) as string, /toro\.dns=1\.2\.3/);
});

test("toro.dns without toro.ip names DNS servers for DHCP's leases to use instead of their own", () => {
  const params = parseCmdline("toro.dns=10.0.2.3").params;
  assert.equal(staticConfig(params), undefined);
  assert.deepEqual(configuredDnsServers(params), [0x0a000203]);
  assert.deepEqual(configuredDnsServers(parseCmdline("toro.trace").params), []);
  assert.match(configuredDnsServers(parseCmdline("toro.dns=10.0.2").params) as string, /toro\.dns=10\.0\.2 is not/);
});

test("addresses and masks", () => {
  assert.equal(parseIpv4("255.255.255.255"), 0xffffffff);
  assert.equal(parseIpv4("256.1.1.1"), undefined);
  assert.equal(formatIpv4(0x0a00020f), "10.0.2.15");
  assert.equal(netmask(24), 0xffffff00);
  assert.equal(netmask(32), 0xffffffff);
  assert.equal(netmask(0), 0);
});
