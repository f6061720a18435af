"""`kiln run --net tap`'s host side without booting: the commands it
builds (the namespace's set-up, QEMU's tap netdev or linuxu's tap.dev=,
the guest's address), [run] net in kiln.toml, and the refusals: -p with
tap, an image without a network card, and a kiln without CAP_NET_ADMIN
(simulated in process, and real through setpriv when root)."""

import os
import shlex
import shutil
import subprocess
import sys

import pytest

from conftest import mark_built, run_kiln, write
from test_run_rules import fake_elf, one_line_error


def with_netdev(app, platform):
    """Makes app's fake image one with a network card driver."""
    write(app / f"build/{platform}/include/kn/config.h",
          "#define CONFIG_HAVE_NETDEV 1\n#define CONFIG_HAVE_NET 1\n")


@pytest.fixture
def app(fake_built_app):
    write(fake_built_app / "kiln.toml", '[app]\nname = "fake"\n')
    fake_elf(fake_built_app / "build/kvm/fake", 0x400000)
    mark_built(fake_built_app, "kvm")
    for platform in ("kvm", "linuxu"):
        with_netdev(fake_built_app, platform)
    return fake_built_app


def script(proc) -> list[list[str]]:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return [shlex.split(line) for line in proc.stdout.splitlines()]


def check_namespace_lines(lines, guest_argv_start: str) -> tuple[str, list[str]]:
    """The namespace's name and the guest's argv inside it."""
    *setup, guest, teardown = lines
    name = setup[0][3]
    assert setup[0] == ["ip", "netns", "add", name] and name.startswith("kiln-")
    assert ["ip", "-n", name, "tuntap", "add", "dev", "kn-tap0", "mode", "tap"] in setup
    assert ["ip", "-n", name, "addr", "add", "10.0.3.1/24", "dev", "kn-tap0"] in setup
    assert ["ip", "-n", name, "link", "set", "kn-tap0", "up"] in setup
    assert guest[:4] == ["ip", "netns", "exec", name]
    assert guest_argv_start in guest[4]
    assert teardown == ["ip", "netns", "delete", name]
    return name, guest[4:]


def test_kvm_dry_run_puts_qemu_on_the_tap_device_in_the_namespace(app):
    _, qemu = check_namespace_lines(
        script(run_kiln("run", "--dry-run", "--accel", "tcg", "--net", "tap", cwd=app)),
        "qemu-system-x86_64")
    netdev = qemu[qemu.index("-netdev") + 1]
    assert netdev == "tap,id=n0,ifname=kn-tap0,script=no,downscript=no,vhost=off"
    assert qemu[qemu.index("-device", qemu.index("-netdev")) + 1] == "virtio-net-device,netdev=n0"
    assert qemu[qemu.index("-append") + 1] == "net.ip=10.0.3.2/24 net.gw=10.0.3.1 --"


def test_user_network_stays_the_default(app):
    proc = run_kiln("run", "--dry-run", "--accel", "tcg", cwd=app)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 1 and "ip netns" not in proc.stdout
    assert "-netdev user,id=n0 " in proc.stdout


def test_pc_gets_the_pci_card_on_the_tap(app):
    _, qemu = check_namespace_lines(
        script(run_kiln("run", "--dry-run", "--machine", "pc", "--net", "tap", cwd=app)),
        "qemu-system-x86_64")
    assert "virtio-net-pci,netdev=n0" in qemu


def test_linuxu_dry_run_runs_the_image_in_the_namespace_with_tap_dev(app):
    _, argv = check_namespace_lines(
        script(run_kiln("run", "--plat", "linuxu", "--dry-run", "--net", "tap",
                        "-k", "net.echo=7", cwd=app)), "build/linuxu/fake")
    assert argv[1:] == ["tap.dev=kn-tap0", "net.ip=10.0.3.2/24", "net.gw=10.0.3.1",
                        "net.echo=7", "--"]


def test_a_given_address_comes_after_kilns(app):
    _, argv = check_namespace_lines(
        script(run_kiln("run", "--plat", "linuxu", "--dry-run", "--net", "tap",
                        "-k", "net.ip=10.0.3.9/24", cwd=app)), "build/linuxu/fake")
    assert argv.index("net.ip=10.0.3.9/24") > argv.index("net.ip=10.0.3.2/24")


def test_run_table_chooses_tap_and_the_flag_overrides_it(app):
    write(app / "kiln.toml", '[app]\nname = "fake"\n\n[run]\nnet = "tap"\n')
    check_namespace_lines(script(run_kiln("run", "--plat", "linuxu", "--dry-run", cwd=app)),
                          "build/linuxu/fake")
    proc = run_kiln("run", "--plat", "linuxu", "--dry-run", "--net", "user", cwd=app)
    assert proc.returncode == 0 and "netns" not in proc.stdout and "tap.dev" not in proc.stdout


def test_unknown_network_in_run_table_is_refused(app):
    write(app / "kiln.toml", '[app]\nname = "fake"\n\n[run]\nnet = "bridge"\n')
    proc = run_kiln("run", "--plat", "linuxu", "--dry-run", cwd=app)
    one_line_error(proc, "kiln.toml:5", "unknown network 'bridge'", "user, tap")


def test_unknown_network_flag_is_refused(app):
    proc = run_kiln("run", "--plat", "linuxu", "--dry-run", "--net", "bridge", cwd=app)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "'bridge' is not one of 'user', 'tap'" in proc.stderr


def test_publishing_with_tap_is_refused(app):
    one_line_error(run_kiln("run", "--dry-run", "--net", "tap", "-p", "8080:80", cwd=app),
                   "-p cannot be used with --net tap", "ip netns exec")


def test_tap_needs_a_network_card(app):
    os.remove(app / "build/linuxu/include/kn/config.h")
    write(app / "build/linuxu/include/kn/config.h", "#define CONFIG_HAVE_CONSOLE 1\n")
    one_line_error(run_kiln("run", "--plat", "linuxu", "--dry-run", "--net", "tap", cwd=app),
                   "--net tap: fake has no network card driver", 'add "net"')


def test_linuxu_refuses_publishing(app):
    one_line_error(run_kiln("run", "--plat", "linuxu", "--dry-run", "-p", "8080:80", cwd=app),
                   "-p publishes ports over QEMU's user network", "--net tap")


def namespaces() -> set[str]:
    try:
        return set(os.listdir("/run/netns"))
    except OSError:
        return set()


def test_without_cap_net_admin_one_line_and_nothing_created(app, monkeypatch, capsys):
    """In process: the capability check says no; kiln says so in one line,
    exits 2 and creates no namespace (nor starts the guest)."""
    from kiln import cli
    from kiln.run import netns
    monkeypatch.setattr(netns, "may_admin_network", lambda: False)
    monkeypatch.setattr(netns, "setup_commands",
                        lambda name: pytest.fail("a namespace was created"))
    monkeypatch.chdir(app)
    before = namespaces()
    with pytest.raises(SystemExit) as exit_:
        cli.main(["run", "--plat", "linuxu", "--net", "tap"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err == ("kiln: error: --net tap needs root (CAP_NET_ADMIN) to create a network "
                   "namespace and a tap device; run kiln as root (sudo), or leave --net out "
                   "for QEMU's user network\n")
    assert namespaces() == before


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="needs root and setpriv to drop CAP_NET_ADMIN for real")
def test_root_without_cap_net_admin_is_refused(app):
    """The real check: root whose bounding set lacks CAP_NET_ADMIN."""
    proc = subprocess.run(["setpriv", "--inh-caps=-net_admin", "--bounding-set=-net_admin",
                           sys.executable, "-m", "kiln", "run", "--plat", "linuxu",
                           "--net", "tap"], cwd=app, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    one_line_error(proc, "--net tap needs root (CAP_NET_ADMIN)")


def test_capability_check_reads_the_effective_set():
    from kiln.run import netns
    with open("/proc/self/status") as f:
        eff = next(int(line.split()[1], 16) for line in f if line.startswith("CapEff:"))
    assert netns.may_admin_network() == bool(eff & (1 << 12))
