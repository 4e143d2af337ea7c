# Sourced first by the /init of each Linux guest the benches build
# (bench/linux/guest.ts puts it in the initramfs as /boot.sh): busybox's
# commands, /proc, /sys and /dev, fail(), and the modules loaded.
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

# Says what went wrong on the console and ends the VM.
fail() {
	echo "$0: $*"
	poweroff -f
}

# The modules, dependencies first, as the bench listed them.
for module in $(cat /modules/order); do
	insmod "/modules/$module.ko" || fail "insmod $module failed"
done

# Drivers bind as their modules load; waits up to 2 s for each path given to appear.
wait_for() {
	for path in "$@"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			[ -e "$path" ] && break
			sleep 0.2
		done
	done
}
