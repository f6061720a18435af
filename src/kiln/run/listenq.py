"""Deepening the listen queue of QEMU's published TCP ports.

QEMU's user network (libslirp) listens on a published port with a queue
one connection deep. A burst of clients overflows it; Linux then answers
with SYN cookies, and when its queue stays full it resets some clients
before the guest ever sees them (seen: 3 of 32 concurrent clients on a
loaded host). Linux resizes a listening socket's queue when listen() is
called on it again, and pidfd_getfd(2) lends kiln QEMU's socket for that
call, so kiln deepens each queue once QEMU has opened it."""

import ctypes
import errno
import os
import socket
import sys
import time

QUEUE = 4096          # Linux's default net.core.somaxconn caps it anyway
SYS_PIDFD_GETFD = 438  # one number on every architecture
POLL_SECONDS = 0.01


def _borrow(pidfd: int, fd: int) -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    ours = libc.syscall(SYS_PIDFD_GETFD, pidfd, fd, 0)
    if ours < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return ours


def _deepen_if_wanted(fd: int, left: set[int]) -> None:
    """Deepens fd's queue if it listens for TCP on a port in left. The
    fd is ours (borrowed) and closed here; an fd number QEMU reused for
    something else meanwhile is no socket of interest (OSError)."""
    try:
        s = socket.socket(fileno=fd)
    except OSError:
        os.close(fd)
        raise
    with s:
        if s.type == socket.SOCK_STREAM and s.family == socket.AF_INET \
                and s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) \
                and s.getsockname()[1] in left:
            s.listen(QUEUE)
            left.discard(s.getsockname()[1])


def _socket_fds(pid: int) -> list[int]:
    fds = []
    try:
        for name in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{name}").startswith("socket:"):
                    fds.append(int(name))
            except OSError:  # closed meanwhile
                continue
    except OSError:  # the process is gone
        pass
    return fds


def deepen(proc, ports: set[int]) -> None:
    """Waits until proc listens on every port in ports, or ends, and
    deepens each queue. A host that will not lend the sockets (no
    pidfd_getfd, or ptrace refused) gets one line saying what it costs."""
    left = set(ports)
    try:
        pidfd = os.pidfd_open(proc.pid)
    except OSError as e:
        return _cannot(e)
    try:
        while left and proc.poll() is None:
            for fd in _socket_fds(proc.pid):
                try:
                    ours = _borrow(pidfd, fd)
                except ProcessLookupError:
                    return
                except OSError as e:
                    if e.errno == errno.EBADF:  # closed meanwhile
                        continue
                    return _cannot(e)  # the host will not lend it: EPERM, ENOSYS
                try:
                    _deepen_if_wanted(ours, left)
                except OSError:
                    continue  # not a socket of ours after all (the number was reused)
            if left:
                time.sleep(POLL_SECONDS)
    finally:
        os.close(pidfd)


def _cannot(error: OSError) -> None:
    print(f"kiln: note: QEMU's published ports keep their one-deep listen queue "
          f"({error.strerror}): a burst of connections may see resets", file=sys.stderr)
