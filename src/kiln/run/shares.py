"""`kiln run -v HOSTDIR:GUESTPATH[:ro]`: host folders shared with the
guest, as docker's and kraft's -v. The guest's share API (lib/share) mounts
each at GUESTPATH from a kernel parameter share.mount=SOURCE:GUESTPATH[:ro],
SOURCE being how the platform reaches the folder: on kvm a virtio-9p
device's mount tag, on linuxu the host path itself. A read-only share is
read-only on both sides (QEMU's readonly=on; the guest's EROFS)."""

import os

from ..errors import KilnError

FORM = "-v HOSTDIR:GUESTPATH or HOSTDIR:GUESTPATH:ro (e.g. -v ./data:/data)"
# The device each machine's virtio transport finds.
DEVICES = {"microvm": "virtio-9p-device", "pc": "virtio-9p-pci"}


class Share:
    def __init__(self, host: str, guest: str, read_only: bool, tag: str):
        self.host, self.guest, self.read_only, self.tag = host, guest, read_only, tag

    def kernel_arg(self, source: str) -> str:
        return f"share.mount={source}:{self.guest}{':ro' if self.read_only else ''}"

    def qemu_args(self, machine: str) -> list[str]:
        path = self.host.replace(",", ",,")  # QEMU's option syntax doubles commas
        ro = ",readonly=on" if self.read_only else ""
        return ["-fsdev", f"local,id={self.tag},path={path},security_model=none{ro}",
                "-device", f"{DEVICES[machine]},fsdev={self.tag},mount_tag={self.tag}"]


def parse(value: str, index: int, label: str | None = None) -> Share:
    """The share `value` (HOSTDIR:GUESTPATH[:ro]) tagged kn<index>; errors
    start with `label` (default: the -v flag)."""
    label = label or f"-v {value}"
    host, sep, rest = value.partition(":")
    guest, _, mode = rest.partition(":")
    if not sep or not host or not guest or mode not in ("", "ro", "rw"):
        raise KilnError(f"{label}: share a folder as {FORM}")
    if not guest.startswith("/"):
        raise KilnError(f"{label}: the guest path {guest!r} is not absolute; "
                        f"write it from the root, e.g. -v {host}:/{guest.lstrip('./')}")
    if not os.path.exists(host):
        raise KilnError(f"{label}: host folder {host} does not exist; create it "
                        f"(mkdir -p {host}) or fix the path")
    if not os.path.isdir(host):
        raise KilnError(f"{label}: {host} is a file, not a folder; share the folder "
                        f"that holds it (-v {os.path.dirname(os.path.abspath(host))}:{guest})")
    if not os.access(host, os.R_OK | os.X_OK):
        raise KilnError(f"{label}: host folder {host} cannot be read by kiln; "
                        f"fix its permissions")
    guest = os.path.normpath(guest)
    return Share(os.path.abspath(host), guest, mode == "ro", f"kn{index}")


def combine(declared, values) -> list[Share]:
    """kiln.toml's [[mount]] shares (kiln.manifest.Mount), then the -v
    values; a -v for the same guest path replaces kiln.toml's."""
    flagged = {os.path.normpath(v.partition(":")[2].partition(":")[0] or "/") for v in values}
    kept = [m for m in declared if os.path.normpath(m.path) not in flagged]
    found = [parse(m.spec, i, m.label) for i, m in enumerate(kept)]
    return _checked(found + [parse(v, len(kept) + i) for i, v in enumerate(values)])


def parse_all(values) -> list[Share]:
    return _checked([parse(v, i) for i, v in enumerate(values)])


def _checked(shares: list[Share]) -> list[Share]:
    seen = set()
    for share in shares:
        if share.guest == "/":
            raise KilnError(f"-v {share.host}:/: a share cannot replace the guest's root; "
                            f"mount it below, e.g. -v {share.host}:/data")
        if share.guest in seen:
            raise KilnError(f"-v: guest path {share.guest} is given twice; "
                            f"give each share its own path")
        seen.add(share.guest)
    return shares
