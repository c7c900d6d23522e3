# Shared by the unpack bats files that drive podman (see unpack-podman.bats for why podman runs
# on a private store, in a private mount namespace). Needs P (the store's directory) set.

# pm ARGS...: podman with the test's own store, in its own mount namespace (see the top).
pm() {
	CONTAINERS_CONF=$P/containers.conf timeout -k 5 120 unshare -m sh -c \
		'mount -t tmpfs sheep-pm-run /run && mount -t tmpfs sheep-pm-lib /var/lib && exec "$@"' \
		_ podman --root "$P/storage" --runroot "$P/run" --tmpdir "$P/tmp" --storage-driver vfs \
		--events-backend none --cgroup-manager cgroupfs --network-config-dir "$P/networks" \
		"$@" 3>&-
}


# pm_setup DIR: P=DIR, the store's directory, with a containers.conf.
pm_setup() {
	P=$1
	mkdir -p "$P" "$ROOT"
	# podman as root asks for RLIMIT_NOFILE/NPROC 1048576 for a RUN step, which the machine refuses
	printf '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n' \
		>"$P/containers.conf"
}

# pm_teardown: the images, a leaked RUN step (by pid), mounts and the store go.
pm_teardown() {
	local pid
	[ -n "${P-}" ] && [ -d "$P" ] || return 0
	pm rmi -af >/dev/null 2>&1
	# a RUN step that outlived a killed `podman build` would be podman's leak: end it by pid
	for pid in $(test_processes "$P"); do
		kill -KILL "$pid" 2>/dev/null
	done
	awk -v p="$P/" 'index($2, p) == 1 {print $2}' /proc/self/mounts | sort -r | xargs -r -n1 umount -l
	rm -rf "$P"
}
