#!/bin/sh
# Checks the dependency directions of ARCHITECTURE.md from the quoted #include lines:
#   cli -> core, unpack -> util;  net -> util;  everything -> libocispec;  libocispec -> (yajl, libc).
# Prints each violation and exits 1 if there is any.
top=${1:-.}
cd "$top" || exit 2
status=0

# allowed_prefixes DIR: the quoted-include prefixes files under DIR may use.
allowed() {
	case "$1" in
	libocispec) echo "ocispec" ;;
	src/util) echo "util/" ;;
	src/core) echo "core/ util/ ocispec" ;;
	src/unpack) echo "unpack/ util/ ocispec image.h" ;;
	src/net) echo "net/ util/ ocispec" ;;
	src/cli) echo "cli/ core/ unpack/ util/ ocispec" ;;
	*) echo "" ;;
	esac
}

for dir in libocispec src/util src/core src/unpack src/net src/cli; do
	[ -d "$dir" ] || continue
	prefixes=$(allowed "$dir")
	for f in $(find "$dir" -name '*.[ch]' | sort); do
		grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
		while IFS= read -r line; do
			inc=$(printf '%s\n' "$line" | sed 's/.*"\(.*\)".*/\1/')
			ok=0
			for p in $prefixes; do
				case "$inc" in "$p"*) ok=1 ;; esac
			done
			# a file may include a header next to it (same directory, no slash)
			case "$inc" in */*) ;; *) [ -f "$(dirname "$f")/$inc" ] && ok=1 ;; esac
			if [ $ok = 0 ]; then
				echo "check-deps: $f:${line%%:*}: '$inc' is not allowed from $dir"
				echo x >>"${TMPDIR:-/tmp}/check-deps.$$"
			fi
		done
	done
done
if [ -f "${TMPDIR:-/tmp}/check-deps.$$" ]; then
	rm -f "${TMPDIR:-/tmp}/check-deps.$$"
	exit 1
fi
echo "check-deps: ok"
exit $status
