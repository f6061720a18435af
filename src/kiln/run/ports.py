"""`kiln run -p`: publishing guest ports on the host, as docker's -p does:
`HOSTPORT:GUESTPORT`, with an optional host address in front
(`127.0.0.1:8080:80`) and protocol behind (`5353:53/udp`); without an
address the port listens on every interface, as docker's does."""

from .. import platforms
from ..errors import KilnError

PROTOCOLS = ("tcp", "udp")


class Port:
    def __init__(self, host_addr: str, host_port: int, guest_port: int, proto: str):
        self.host_addr, self.host_port = host_addr, host_port
        self.guest_port, self.proto = guest_port, proto

    def __str__(self) -> str:
        addr = self.host_addr or "0.0.0.0"
        return f"{self.proto} {addr}:{self.host_port} -> guest port {self.guest_port}"


def platform_hint(value: str) -> str:
    """What older kiln users meant by -p (kept word for word with the
    other commands' refusal, kiln.commands)."""
    return (f"-p {value}: choose the platform with --plat {value} (as kraft does); "
            f"-p is kept for publishing ports (HOST:GUEST, as docker)")


def _port(text: str, value: str, which: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise KilnError(f"-p {value}: {which} port {text!r} is not a port number 1-65535; "
                        f"write e.g. -p 8080:80")
    return int(text)


def parse(value: str) -> Port:
    if value in platforms.names():
        raise KilnError(platform_hint(value))
    spec, _, proto = value.partition("/")
    proto = proto or "tcp"
    if proto not in PROTOCOLS:
        raise KilnError(f"-p {value}: protocol {proto!r} is not tcp or udp; "
                        f"write e.g. -p 5353:53/udp")
    parts = spec.split(":")
    if len(parts) == 3:
        addr, host, guest = parts
        if not addr or any(not (p.isdigit() and int(p) < 256) for p in addr.split(".")) \
                or addr.count(".") != 3:
            raise KilnError(f"-p {value}: {addr!r} is not an IPv4 address to listen on; "
                            f"write e.g. -p 127.0.0.1:8080:80")
    elif len(parts) == 2:
        addr, (host, guest) = "", parts
    else:
        raise KilnError(f"-p {value}: publish a port as HOSTPORT:GUESTPORT "
                        f"(e.g. -p 8080:80, -p 127.0.0.1:8080:80, -p 5353:53/udp)")
    return Port(addr, _port(host, value, "host"), _port(guest, value, "guest"), proto)


def parse_all(values) -> list[Port]:
    ports = [parse(v) for v in values]
    seen = set()
    for port in ports:
        key = (port.proto, port.host_port)
        if key in seen:
            raise KilnError(f"-p: host port {port.proto} {port.host_port} is published twice; "
                            f"give each its own host port")
        seen.add(key)
    return ports
