#!/bin/busybox sh
# /init of the Linux guest bench/fs.ts builds. The FAT image on /dev/vda is
# mounted as vfat at /data; /bin/fs-io (bench/linux/fs-io.c) runs the file
# workload over it and prints its JSON line; the volume is then remounted
# read-only (which writes it back clean) and Debian's Node serves /data/www
# (bench/services/fs-node.ts, bundled as /fs-node.cjs) on port 80 of QEMU's
# user network until the bench stops the VM.
# The kernel hands us the bench's words from its command line as variables:
# bench_bytes (each workload file's size), bench_ops (random reads, and writes).
. /boot.sh
wait_for /dev/vda /sys/class/net/eth0
[ -b /dev/vda ] || fail "no /dev/vda"
mkdir -p /data
mount -t vfat /dev/vda /data || fail "cannot mount /dev/vda as vfat"
# fs-io times itself with CLOCK_MONOTONIC: the bench reports the clock behind it.
echo "clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
fs-io /data "$bench_bytes" "$bench_ops" || fail "fs-io failed"
mount -o remount,ro /data || fail "cannot remount /data read-only"

# QEMU's user network: the address its DHCP server would hand out, and its gateway.
ip link set lo up
ip addr add 10.0.2.15/24 dev eth0 || fail "no eth0"
ip link set eth0 up
ip route add default via 10.0.2.2

# Debian's Node reads this file at start and warns when it is missing; the bench makes no TLS connections.
mkdir -p /etc/ssl/certs && : >/etc/ssl/certs/ca-certificates.crt
ROOT=/data/www PORT=80 node /fs-node.cjs
fail "node ended with status $?"
