#!/bin/busybox sh
# /init of the Linux guest bench/devices.ts builds: the same two measures as
# bench/services/devices.ts, with busybox applets, then one JSON line.
# The kernel hands us the bench's words from its command line as variables:
# bench_seconds (how long to do round trips), bench_blocks (64 KiB blocks to
# write, then read).
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

fail() {
	echo "linux-init: $*"
	poweroff -f
}

# The modules, dependencies first, as the bench listed them.
for module in $(cat /modules/order); do
	insmod "/modules/$module.ko" || fail "insmod $module failed"
done

# Drivers bind as their modules load; give the devices a moment to appear.
for _ in 1 2 3 4 5 6 7 8 9 10; do
	[ -b /dev/vda ] && [ -e /sys/class/net/eth0 ] && break
	sleep 0.2
done
[ -b /dev/vda ] || fail "no /dev/vda"
ip link set eth0 up || fail "no eth0"
ip addr add 10.0.2.15/24 dev eth0

# Sets ns to the monotonic clock in nanoseconds, from /proc/timer_list's
# third line ("now at 5577852123 nsecs"). Builtins only, and no $(...),
# which would fork: the clock costs next to nothing inside the timed loops.
clock() {
	{ read -r _; read -r _; read -r _ _ ns _; } </proc/timer_list
}

# Nanoseconds as seconds, for the JSON line.
seconds() {
	printf '%d.%09d' $(($1 / 1000000000)) $(($1 % 1000000000))
}

# busybox arping sends one request a second, so each round trip is its own
# arping that quits on the first reply (-f): process start-up is in the time.
clock
start=$ns
end=$((start + bench_seconds * 1000000000))
replies=0
while [ "$ns" -lt "$end" ]; do
	arping -q -f -c 1 -w 1 -I eth0 10.0.2.2 && replies=$((replies + 1))
	clock
done
round_trip_ns=$((ns - start))

# conv=fsync: the time includes the flush, as the Toro guest's does.
clock
start=$ns
dd if=/dev/zero of=/dev/vda bs=64k count="$bench_blocks" oflag=direct conv=fsync 2>/tmp/dd || fail "dd write: $(cat /tmp/dd)"
clock
write_ns=$((ns - start))
start=$ns
dd if=/dev/vda of=/dev/null bs=64k count="$bench_blocks" iflag=direct 2>/tmp/dd || fail "dd read: $(cat /tmp/dd)"
clock
read_ns=$((ns - start))

printf '{"roundTrips":%d,"roundTripSeconds":%s,"bytes":%d,"writeSeconds":%s,"readSeconds":%s}\n' \
	"$replies" "$(seconds "$round_trip_ns")" $((bench_blocks * 65536)) "$(seconds "$write_ns")" "$(seconds "$read_ns")"
poweroff -f
