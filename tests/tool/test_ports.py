"""`kiln run -p`, read as docker reads it: HOSTPORT:GUESTPORT with an
optional listening address and protocol; every mistake is one line."""

import pytest

from conftest import run_kiln
from kiln.errors import KilnError
from kiln.run import ports


@pytest.mark.parametrize("value, expected", [
    ("8080:80", ("", 8080, 80, "tcp")),
    ("127.0.0.1:8080:80", ("127.0.0.1", 8080, 80, "tcp")),
    ("5353:53/udp", ("", 5353, 53, "udp")),
    ("0.0.0.0:1:65535/tcp", ("0.0.0.0", 1, 65535, "tcp")),
])
def test_forms(value, expected):
    port = ports.parse(value)
    assert (port.host_addr, port.host_port, port.guest_port, port.proto) == expected


@pytest.mark.parametrize("value, fragment", [
    ("80", "publish a port as HOSTPORT:GUESTPORT"),
    ("a:b:c:d", "publish a port as HOSTPORT:GUESTPORT"),
    ("0:80", "host port '0' is not a port number 1-65535"),
    ("8080:65536", "guest port '65536' is not a port number"),
    ("8080:http", "guest port 'http' is not a port number"),
    ("8080:80/sctp", "protocol 'sctp' is not tcp or udp"),
    ("1.2.3:8080:80", "'1.2.3' is not an IPv4 address"),
    ("localhost:8080:80", "'localhost' is not an IPv4 address"),
    ("kvm", "-p kvm: choose the platform with --plat kvm (as kraft does)"),
])
def test_mistakes(value, fragment):
    with pytest.raises(KilnError) as err:
        ports.parse(value)
    assert fragment in str(err.value) and "\n" not in str(err.value)


def test_one_host_port_twice():
    with pytest.raises(KilnError, match="host port tcp 8080 is published twice"):
        ports.parse_all(["8080:80", "127.0.0.1:8080:81"])
    assert len(ports.parse_all(["8080:80", "8080:80/udp"])) == 2


def test_a_platform_after_p_gets_the_hint_before_anything_else(tmp_path):
    """Outside an app folder too: the hint comes first."""
    proc = run_kiln("run", "-pkvm", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "kiln: error: -p kvm: choose the platform with --plat kvm (as kraft does); -p is kept "
        "for publishing ports (HOST:GUEST, as docker)"]
