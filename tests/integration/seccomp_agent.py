#!/usr/bin/env python3
"""A one-shot seccomp agent for the bats tests (runtime-spec config-linux.md "seccomp", listenerPath).

seccomp_agent.py SOCKET record OUT
    takes the listener fd the runtime sends, writes what the fd is and the message that came with
    it (the container process state) to OUT, and closes it: the pending call fails with ENOSYS.
seccomp_agent.py SOCKET hold SECS
    answers the first notification with SECCOMP_USER_NOTIF_FLAG_CONTINUE after SECS seconds.

SOCKET.ready appears once the agent listens.
"""
import fcntl
import os
import socket
import struct
import sys
import time

SECCOMP_IOCTL_NOTIF_RECV = 0xC0502100  # _IOWR('!', 0, struct seccomp_notif), 80 bytes
SECCOMP_IOCTL_NOTIF_SEND = 0xC0182101  # _IOWR('!', 1, struct seccomp_notif_resp), 24 bytes
SECCOMP_USER_NOTIF_FLAG_CONTINUE = 1


def main():
    path, mode, arg = sys.argv[1:4]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(1)
    open(path + ".ready", "w").close()
    c, _ = s.accept()
    msg, fds, _, _ = socket.recv_fds(c, 65536, 4)
    if mode == "record":
        with open(arg, "w") as f:
            f.write("".join(os.readlink("/proc/self/fd/%d" % x) + "\n" for x in fds))
            f.write(msg.decode())
        return
    notif = bytearray(80)
    fcntl.ioctl(fds[0], SECCOMP_IOCTL_NOTIF_RECV, notif)
    time.sleep(float(arg))
    notif_id = struct.unpack_from("=Q", notif)[0]
    resp = struct.pack("=QqiI", notif_id, 0, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE)
    fcntl.ioctl(fds[0], SECCOMP_IOCTL_NOTIF_SEND, resp)


if __name__ == "__main__":
    main()
