#!/usr/bin/env python3
"""Writes the binary seeds of tests/fuzz/corpus (small tar layers for the unpack target,
rtnetlink replies for the netlink target) and the binary reproducers in tests/fuzz/regress. Run from anywhere; the output is committed, so this is
only needed to change the seeds."""
import gzip
import io
import os
import struct
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))


def tar(entries, compress=False):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, kind, extra in entries:
            info = tarfile.TarInfo(name)
            info.mtime = 1700000000
            data = b""
            if kind == "dir":
                info.type, info.mode = tarfile.DIRTYPE, 0o755
            elif kind == "file":
                data = extra.encode()
                info.size, info.mode = len(data), 0o644
            elif kind == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, extra
            elif kind == "hardlink":
                info.type, info.linkname = tarfile.LNKTYPE, extra
            elif kind == "chr":
                info.type, info.devmajor, info.devminor = tarfile.CHRTYPE, 1, 3
            elif kind == "fifo":
                info.type = tarfile.FIFOTYPE
            elif kind == "xattr":
                data = b"x"
                info.size = 1
                info.pax_headers = {"SCHILY.xattr.user.k": extra}
            t.addfile(info, io.BytesIO(data) if data else None)
    raw = buf.getvalue()
    return gzip.compress(raw, mtime=0) if compress else raw


LAYERS = {
    "basic.tar": [("etc", "dir", None), ("etc/hosts", "file", "127.0.0.1 localhost\n"),
                  ("bin", "dir", None), ("bin/sh", "symlink", "busybox"),
                  ("bin/busybox", "file", "#!"), ("bin/ls", "hardlink", "bin/busybox")],
    "whiteouts.tar": [("a", "dir", None), ("a/.wh.old", "file", ""),
                      ("b", "dir", None), ("b/.wh..wh..opq", "file", ""), ("b/new", "file", "n")],
    "special.tar": [("dev", "dir", None), ("dev/null", "chr", None), ("run", "dir", None),
                    ("run/fifo", "fifo", None), ("x", "xattr", "v")],
    "hostile.tar": [("link", "symlink", "../outside"), ("link/pwn", "file", "x"),
                    ("../escape", "file", "x"), ("h", "hardlink", "../outside/secret"),
                    ("/abs", "file", "x")],
}


def nlmsg(msg_type, payload, flags=2):
    return struct.pack("=IHHII", 16 + len(payload), msg_type, flags, 0, 0) + payload


def attr(kind, data):
    length = 4 + len(data)
    return struct.pack("=HH", length, kind) + data + b"\0" * ((4 - length % 4) % 4)


RTM_NEWLINK, NLMSG_DONE, NLMSG_ERROR = 16, 3, 2
IFLA_IFNAME, IFLA_MTU, IFLA_IFALIAS = 3, 4, 20


def link(index, name, alias=None):
    ifi = struct.pack("=BBHiII", 0, 0, 1, index, 0x1043, 0)
    attrs = attr(IFLA_IFNAME, name + b"\0") + attr(IFLA_MTU, struct.pack("=I", 1500))
    if alias is not None:
        attrs += attr(IFLA_IFALIAS, alias + b"\0")
    return nlmsg(RTM_NEWLINK, ifi + attrs)


NETLINK = {
    "one-link": link(1, b"lo"),
    "dump": link(1, b"lo") + link(7, b"sheep0", b"sheep-net bridge") + nlmsg(NLMSG_DONE, b"\0" * 4),
    "ack": nlmsg(NLMSG_ERROR, struct.pack("=i", 0) + nlmsg(RTM_NEWLINK, b"")[:16]),
}

# Reproducers of fixed crashes (tests/fuzz/regress/NAME), replayed by make check.
REGRESS = {
    # IFLA_IFNAME without its NUL: the parser read on past the attribute (fixed in src/net/nl.c)
    "netlink/unterminated-ifname": nlmsg(RTM_NEWLINK, struct.pack("=BBHiII", 0, 0, 1, 3, 0, 0)
                                         + attr(IFLA_IFNAME, b"eth0")),
}


def main():
    for name, entries in LAYERS.items():
        with open(os.path.join(HERE, "corpus/unpack", name), "wb") as f:
            f.write(tar(entries))
    with open(os.path.join(HERE, "corpus/unpack/basic.tar.gz"), "wb") as f:
        f.write(tar(LAYERS["basic.tar"], compress=True))
    for name, data in NETLINK.items():
        with open(os.path.join(HERE, "corpus/netlink", name), "wb") as f:
            f.write(data)
    for name, data in REGRESS.items():
        with open(os.path.join(HERE, "regress", name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
