#!/usr/bin/env python3
"""Writes one hostile layer tar for the unpack tests: KIND OUT OUTSIDE_DIR."""
import io, sys, tarfile

kind, out, outside = sys.argv[1], sys.argv[2], sys.argv[3]


def add(t, name, type_=tarfile.REGTYPE, data=b"pwned", link=""):
    ti = tarfile.TarInfo(name)
    ti.type = type_
    ti.linkname = link
    ti.mode = 0o644 if type_ == tarfile.REGTYPE else 0o777
    ti.size = len(data) if type_ == tarfile.REGTYPE else 0
    t.addfile(ti, io.BytesIO(data) if type_ == tarfile.REGTYPE else None)


with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
    if kind == "dotdot":
        add(t, "../../../../../../.." + outside + "/secret")
    elif kind == "absolute":
        add(t, outside + "/secret")
    elif kind == "symlink":  # the symlink; a second layer writes through it
        add(t, "evil", tarfile.SYMTYPE, link=outside)
    elif kind == "through":
        add(t, "evil/secret")
        add(t, "evil/new")
    elif kind == "hardlink":
        add(t, "h", tarfile.LNKTYPE, link="../../../../.." + outside + "/secret")
    elif kind == "hardlink-abs":
        add(t, "h", tarfile.LNKTYPE, link=outside + "/secret")
    elif kind == "whiteout":
        add(t, ".wh...")
    elif kind == "whiteout-through":
        add(t, "evil/.wh.secret")
    else:
        sys.exit("unknown kind " + kind)
