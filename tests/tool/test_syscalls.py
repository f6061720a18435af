"""Syscall ownership, the generated dispatch table and `kiln syscalls`."""

import json
import re

import pytest

from conftest import run_kiln, write
from kiln import catalog
from kiln.errors import KilnError
from kiln.resolve import resolve
from kiln.syscalls import coverage, generate_table, linux_table


def test_linux_table_is_complete():
    table = linux_table()
    assert table["read"] == 0 and table["write"] == 1 and table["openat"] == 257
    assert table["clone"] == 56 and table["futex"] == 202 and len(table) > 330


def syscall_library(root, name, files: dict[str, str]):
    """A library whose sources define system calls with KN_SYSCALL."""
    for file, text in files.items():
        write(root / f"lib/{name}/{file}", text)
    sources = ", ".join(f'"{f}"' for f in files)
    write(root / f"lib/{name}/library.toml", f'name = "{name}"\nsummary = "x"\n'
                                              f'sources = [{sources}]\n')


def test_owners_come_from_the_c_definitions(fake_tree):
    syscall_library(fake_tree, "fs", {"fs.c": """
        #include <kn/syscall.h>
        /* KN_SYSCALL(close) in a comment is no definition */
        KN_SYSCALL(read)(int fd, void *buf, unsigned long n) { return 0; }
        KN_SYSCALL(write)(int fd, const void *buf, unsigned long n)
        {
            return n;
        }
        """})
    lib = catalog.discover().libraries["fs"]
    assert lib.syscalls == ["read", "write"]
    assert [d.line for d in lib.syscall_definitions()] == [4, 5]  # after the blank first line
    cov = coverage(resolve(catalog.discover(), "kvm", ["fs"]))
    assert cov.implemented == {"read": "fs", "write": "fs"}
    assert "openat" in cov.missing and "read" not in cov.missing and "close" in cov.missing


def test_adding_a_syscall_is_one_edit_in_c(fake_tree):
    syscall_library(fake_tree, "fs", {"fs.c": "KN_SYSCALL(read)(void) { return 0; }\n"})
    assert coverage(resolve(catalog.discover(), "kvm", ["fs"])).implemented == {"read": "fs"}
    src = fake_tree / "lib/fs/fs.c"
    src.write_text(src.read_text() + "KN_SYSCALL(pread64)(void) { return 0; }\n")
    cov = coverage(resolve(catalog.discover(), "kvm", ["fs"]))
    assert cov.implemented == {"read": "fs", "pread64": "fs"}


def test_platform_sources_count_only_on_their_platform(fake_tree):
    write(fake_tree / "plat/q/library.toml", """
        name = "plat-q"
        summary = "second platform"
        kind = "platform"
        platform = "linuxu"
        launcher = "linuxu"
        provides = ["plat", "time"]
        requires = ["console"]
    """)
    write(fake_tree / "lib/fs/fs.c", "KN_SYSCALL(read)(void) { return 0; }\n")
    write(fake_tree / "lib/fs/trap.c", "KN_SYSCALL(arch_prctl)(void) { return 0; }\n")
    write(fake_tree / "lib/fs/library.toml", 'name = "fs"\nsummary = "x"\nsources = ["fs.c"]\n'
          '[platform-sources]\nkvm = ["trap.c"]\n')
    cat = catalog.discover()
    assert coverage(resolve(cat, "kvm", ["fs"])).implemented == {"read": "fs",
                                                                  "arch_prctl": "fs"}
    assert coverage(resolve(cat, "linuxu", ["fs"])).implemented == {"read": "fs"}
    assert cat.libraries["fs"].syscalls == ["read", "arch_prctl"]  # lib show: every platform


def test_typo_and_double_ownership_are_refused(fake_tree):
    syscall_library(fake_tree, "fs", {"fs.c": "KN_SYSCALL(write)(void) { return 0; }\n"})
    syscall_library(fake_tree, "io", {"io.c": "\nKN_SYSCALL(write)(void) { return 0; }\n"})
    with pytest.raises(KilnError, match=r"write is implemented by both fs \(.*fs\.c:1\) "
                                        r"and io \(.*io\.c:2\); one library owns it"):
        coverage(resolve(catalog.discover(), "kvm", ["fs", "io"]))
    syscall_library(fake_tree, "io", {"io.c": "KN_SYSCALL(wirte)(void) { return 0; }\n"})
    with pytest.raises(KilnError, match=r"io\.c:1: KN_SYSCALL\(wirte\): 'wirte' is not a "
                                        r"Linux x86-64 system call"):
        coverage(resolve(catalog.discover(), "kvm", ["io"]))


def test_a_conditional_definition_is_refused(fake_tree):
    syscall_library(fake_tree, "fs", {"fs.c": "#ifdef CONFIG_X\n"
                                              "KN_SYSCALL(read)(void) { return 0; }\n#endif\n"})
    with pytest.raises(KilnError, match=r"fs\.c:2: KN_SYSCALL\(read\) is inside #if"):
        coverage(resolve(catalog.discover(), "kvm", ["fs"]))


def test_an_old_syscalls_list_is_a_clear_error(fake_tree, app):
    write(fake_tree / "lib/fs/library.toml",
          'name = "fs"\nsummary = "x"\nsyscalls = ["read"]\n')
    write(app / "kiln.toml", '[app]\nname = "a"\nrequires = ["fs"]\n')
    proc = run_kiln("lib", "list", cwd=app)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "library.toml:3: 'syscalls' is not a key any more" in proc.stderr
    assert "KN_SYSCALL(name)" in proc.stderr


def test_generated_table_has_stubs_for_the_rest(fake_tree, tmp_path):
    syscall_library(fake_tree, "fs", {"fs.c": "KN_SYSCALL(read)(void) { return 0; }\n"})
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
    proc = run_kiln("syscalls", "--plat", "linuxu", "--json", cwd=app)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["total"] == len(linux_table()) and "read" in data["missing"] or data["count"]
    text = run_kiln("syscalls", "--plat", "linuxu", "--missing", cwd=app).stdout
    assert "(ENOSYS)" in text and "system calls implemented" in text


def test_build_follows_a_new_definition(tmp_path):
    """A KN_SYSCALL added to a source (library.toml untouched) is in the
    next build's table, and `kiln syscalls` names its owner."""
    app = tmp_path / "sys"
    write(app / "kiln.toml", '[app]\nname = "sys"\nrequires = ["syscall", "mysys"]\n')
    write(app / "main.c", "int main(void) { return 0; }\n")
    write(app / "lib/mysys/library.toml",
          'name = "mysys"\nsummary = "x"\nrequires = ["syscall"]\nsources = ["sys.c"]\n')
    src = write(app / "lib/mysys/sys.c", "#include <kn/syscall.h>\n"
                                         "KN_SYSCALL(getpid)(void) { return 7; }\n")
    table = app / "build/linuxu/gen/syscall_table.c"
    proc = run_kiln("build", "--plat", "linuxu", cwd=app)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "kn_sys_getpid," in table.read_text() and "kn_sys_getppid," not in table.read_text()
    src.write_text(src.read_text() + "KN_SYSCALL(getppid)(void) { return 1; }\n")
    proc = run_kiln("build", "--plat", "linuxu", cwd=app)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "kn_sys_getppid," in table.read_text()
    listed = run_kiln("syscalls", "--plat", "linuxu", cwd=app).stdout
    assert re.search(r"^ +110  getppid +mysys$", listed, re.M), listed
