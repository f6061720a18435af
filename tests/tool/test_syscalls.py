"""Syscall ownership, the generated dispatch table and `kiln syscalls`."""

import json

import pytest

from kiln import catalog
from kiln.errors import KilnError
from kiln.resolve import resolve
from kiln.syscalls import coverage, generate_table, linux_table
from conftest import run_kiln, write


def test_linux_table_is_complete():
    table = linux_table()
    assert table["read"] == 0 and table["write"] == 1 and table["openat"] == 257
    assert table["clone"] == 56 and table["futex"] == 202 and len(table) > 330


def test_owner_typo_and_double_ownership(fake_tree):
    write(fake_tree / "lib/fs/library.toml",
          'name = "fs"\nsummary = "x"\nsyscalls = ["read", "write"]\n')
    res = resolve(catalog.discover(), "kvm", ["fs"])
    cov = coverage(res)
    assert cov.implemented == {"read": "fs", "write": "fs"}
    assert "openat" in cov.missing and "read" not in cov.missing
    write(fake_tree / "lib/io/library.toml",
          'name = "io"\nsummary = "x"\nsyscalls = ["write"]\n')
    with pytest.raises(KilnError, match="write is implemented by both fs and io"):
        coverage(resolve(catalog.discover(), "kvm", ["fs", "io"]))
    write(fake_tree / "lib/io/library.toml",
          'name = "io"\nsummary = "x"\nsyscalls = ["wirte"]\n')
    with pytest.raises(KilnError, match="'wirte' is not a Linux x86-64 system call"):
        coverage(resolve(catalog.discover(), "kvm", ["io"]))


def test_generated_table_has_stubs_for_the_rest(fake_tree, tmp_path):
    write(fake_tree / "lib/fs/library.toml",
          'name = "fs"\nsummary = "x"\nsyscalls = ["read"]\n')
    text = generate_table(resolve(catalog.discover(), "kvm", ["fs"]),
                          tmp_path / "t.c").read_text()
    assert "long kn_sys_read();" in text
    assert "KN_SYSCALL(write)(void) { return kn_syscall_enosys(1); }" in text
    # Only implemented calls fill the table: a stub stays out of the image
    # unless something calls it by name.
    assert "[0] = (kn_syscall_fn)(void (*)(void))kn_sys_read," in text
    assert "[1] = (kn_syscall_fn)" not in text and "[257] = (kn_syscall_fn)" not in text


def test_missing_syscalls_are_named_on_the_host():
    from kiln.run.symbolize import name_syscall
    assert name_syscall("kn: syscall 246 is not implemented\n") == \
        "kn: syscall kexec_load (246) is not implemented\n"
    assert name_syscall("kn: syscall 1000 is not implemented\r\n") == \
        "kn: syscall ? (1000) is not implemented\n"
    assert name_syscall("kn: something else\n") == "kn: something else\n"


def test_kiln_syscalls_command(tmp_path):
    app = tmp_path / "sys"
    write(app / "kiln.toml", '[app]\nname = "sys"\nrequires = ["syscall"]\n')
    write(app / "main.c", "int main(void) { return 0; }\n")
    proc = run_kiln("syscalls", "-p", "linuxu", "--json", cwd=app)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["total"] == len(linux_table()) and "read" in data["missing"] or data["count"]
    text = run_kiln("syscalls", "-p", "linuxu", "--missing", cwd=app).stdout
    assert "(ENOSYS)" in text and "system calls implemented" in text
