"""The kiln command as a user meets it: real files, real builds (linuxu,
which needs no VM), and every bad input answered in one line."""

import json

import pytest

from conftest import run_kiln, write


def assert_one_line_error(proc, *fragments, status=2):
    assert proc.returncode == status, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    errors = [l for l in proc.stderr.splitlines() if l.startswith("kiln: error:")]
    assert len(errors) == 1, proc.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]


@pytest.fixture
def console_app(tmp_path):
    """An app that needs only the console (no libc): quick to build."""
    folder = tmp_path / "con"
    write(folder / "kiln.toml", """
        [app]
        name = "con"
        requires = ["console"]
    """)
    write(folder / "main.c", """
        #include <kn/console.h>
        int main(int argc, char *argv[]) {
            kn_printk("con says hi (%d args)\\n", argc - 1);
            return argc - 1;
        }
    """)
    write(folder / "Kconfig", """
        config APP_BASE
        \tbool "Base feature"
        \tdefault n

        config APP_EXTRA
        \tbool "Extra feature (needs the base)"
        \tdepends on APP_BASE
    """)
    return folder


def test_no_manifest(tmp_path):
    assert_one_line_error(run_kiln("build", cwd=tmp_path), "no kiln.toml", "kiln init")


def test_unknown_command_is_one_line(tmp_path):
    proc = run_kiln("biuld", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_lib_list_and_json():
    proc = run_kiln("lib", "list")
    assert proc.returncode == 0
    assert "alloc-tlsf" in proc.stdout and "sched-coop" in proc.stdout
    rows = json.loads(run_kiln("lib", "list", "--json").stdout)
    by_name = {r["name"]: r for r in rows}
    assert by_name["alloc-buddy"]["provides"] == ["alloc"]
    assert by_name["plat-linuxu"]["kind"] == "platform"


def test_lib_show():
    proc = run_kiln("lib", "show", "sched-coop")
    assert proc.returncode == 0
    assert "SCHED_COOP_STACK_SIZE" in proc.stdout and "provides:  sched" in proc.stdout
    data = json.loads(run_kiln("lib", "show", "boot", "--json").stdout)
    assert any(o["name"] == "BOOT_MAX_ARGS" for o in data["options"])
    assert_one_line_error(run_kiln("lib", "show", "sched-cop"), "did you mean 'sched-coop'")


def test_build_run_noop_size_why_clean(console_app):
    proc = run_kiln("build", "--plat", "linuxu", cwd=console_app)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "kiln: built" in proc.stdout
    image = console_app / "build/linuxu/con"
    assert image.is_file() and (console_app / "build/linuxu/con.dbg").is_file()

    again = run_kiln("build", "--plat", "linuxu", cwd=console_app)
    assert again.returncode == 0 and "nothing to do" in again.stdout

    run = run_kiln("run", "--plat", "linuxu", "-a", "x y z", cwd=console_app)
    # kn_printk is a kernel message: the guest's stderr.
    assert "con says hi (3 args)" in run.stderr and run.returncode == 3

    size = run_kiln("size", "--plat", "linuxu", "--json", cwd=console_app)
    report = json.loads(size.stdout)
    libs = {r["library"] for r in report["libraries"]}
    assert {"console", "boot", "plat-linuxu", "con"} <= libs
    assert report["image_bytes"] == image.stat().st_size

    why = run_kiln("why", "plat-linuxu", "--plat", "linuxu", cwd=console_app)
    # The chain first, then the optional edges (uses sched, console-input).
    assert why.returncode == 0 and why.stdout.splitlines()[0].endswith("app")
    assert "uses sched (not in this image)" in why.stdout
    assert "not in the" in run_kiln("why", "sched-coop", "--plat", "linuxu", cwd=console_app).stdout
    assert_one_line_error(run_kiln("why", "nothing", "--plat", "linuxu", cwd=console_app),
                          "unknown library 'nothing'")

    clean = run_kiln("clean", cwd=console_app)
    assert clean.returncode == 0 and not image.exists()
    # The kept kiln.toml parse goes with the last build folder.
    assert not (console_app / "build").exists()


def test_configure_errors_and_unmet_dependency(console_app):
    assert_one_line_error(run_kiln("configure", "--plat", "linuxu", "-s", "NO_SUCH=1",
                                   cwd=console_app), "unknown option NO_SUCH")
    assert_one_line_error(run_kiln("configure", "--plat", "linuxu", "-s", "BOOT_MAX_ARGS=lots",
                                   cwd=console_app), "BOOT_MAX_ARGS must be an integer")
    assert_one_line_error(run_kiln("configure", "--plat", "linuxu", "-s", "novalue",
                                   cwd=console_app), "NAME=VALUE")
    proc = run_kiln("configure", "--plat", "linuxu", "-s", "APP_EXTRA=y", cwd=console_app)
    assert proc.returncode == 0
    assert "APP_EXTRA=y did not take" in proc.stderr and "depends on APP_BASE" in proc.stderr
    proc = run_kiln("configure", "--plat", "linuxu", "-s", "BOOT_MAX_ARGS=2", cwd=console_app)
    assert "within [4, 4096]" in proc.stderr
    # What did not take was not saved; given with its dependency (in any
    # order) it takes, and is remembered.
    proc = run_kiln("configure", "--plat", "linuxu", "-s", "APP_EXTRA=y", "-s", "APP_BASE=y",
                    cwd=console_app)
    assert proc.returncode == 0 and "did not take" not in proc.stderr
    listing = run_kiln("configure", "--plat", "linuxu", "--list", cwd=console_app).stdout
    assert any(l.startswith("APP_EXTRA") and " y " in l for l in listing.splitlines())
    assert (console_app / ".kiln/linuxu.toml").is_file()
    assert run_kiln("configure", "--plat", "linuxu", "--reset", cwd=console_app).returncode == 0
    assert not (console_app / ".kiln/linuxu.toml").exists()


def test_kiln_toml_config_that_does_not_take_names_the_line(console_app):
    manifest = console_app / "kiln.toml"
    manifest.write_text(manifest.read_text() + "\n[config]\nAPP_EXTRA = true\n")
    proc = run_kiln("build", "--plat", "linuxu", cwd=console_app)
    assert proc.returncode == 0
    assert "kiln.toml:7: APP_EXTRA=y did not take" in proc.stderr


def test_bad_choice_and_unknown_requirement(console_app):
    assert_one_line_error(run_kiln("build", "--plat", "linuxu", "--use", "alloc=bump",
                                   cwd=console_app), "'bump' is not an implementation")
    manifest = console_app / "kiln.toml"
    manifest.write_text(manifest.read_text().replace('["console"]', '["console", "shed"]'))
    assert_one_line_error(run_kiln("build", "--plat", "linuxu", cwd=console_app),
                          "unknown library or API 'shed'", "did you mean 'sched'")


def test_missing_api_at_link_time_gets_a_hint(console_app):
    write(console_app / "main.c", """
        #include <kn/sched.h>
        int main(void) { kn_yield(); return 0; }
    """)
    proc = run_kiln("build", "--plat", "linuxu", cwd=console_app)
    assert_one_line_error(proc, "API 'sched'", "add \"sched\" to requires", status=1)


def test_run_without_image_builds_it_dry_run_does_not(console_app):
    assert_one_line_error(run_kiln("run", "--plat", "linuxu", "--dry-run", cwd=console_app),
                          "no image", "kiln build")
    proc = run_kiln("run", "--plat", "linuxu", "-a", "x", cwd=console_app)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    # The build's messages and kn_printk's (a kernel message): on stderr.
    assert proc.stdout == "" and "con says hi (1 args)\n" in proc.stderr
    assert "kiln: building con for linuxu first (it has not been built)" in proc.stderr


def test_init_refuses_to_overwrite(tmp_path):
    target = tmp_path / "newapp"
    proc = run_kiln("init", target)
    assert proc.returncode == 0 and (target / "kiln.toml").is_file()
    assert_one_line_error(run_kiln("init", target), "already exists")


def test_refused_setting_keeps_the_built_value(console_app):
    config_h = console_app / "build/linuxu/include/kn/config.h"
    assert run_kiln("configure", "--plat", "linuxu", "-s", "BOOT_MAX_ARGS=32",
                    cwd=console_app).returncode == 0
    assert run_kiln("build", "--plat", "linuxu", cwd=console_app).returncode == 0
    assert "CONFIG_BOOT_MAX_ARGS 32" in config_h.read_text()
    refused = run_kiln("configure", "--plat", "linuxu", "-s", "BOOT_MAX_ARGS=2", cwd=console_app)
    assert "did not take" in refused.stderr
    assert run_kiln("build", "--plat", "linuxu", cwd=console_app).returncode == 0
    assert "CONFIG_BOOT_MAX_ARGS 32" in config_h.read_text()


def test_broken_saved_settings_can_be_forgotten(console_app):
    saved = write(console_app / ".kiln/linuxu.toml", '[use]\nalloc = "gone"\n')
    assert_one_line_error(run_kiln("build", "--plat", "linuxu", cwd=console_app),
                          "'gone' is not an implementation")
    assert run_kiln("configure", "--plat", "linuxu", "--reset", cwd=console_app).returncode == 0
    assert not saved.exists() and not saved.parent.exists()
    write(saved, "[config]\nAPP_GONE = true\nBOOT_MAX_ARGS = 16\n")
    assert_one_line_error(run_kiln("build", "--plat", "linuxu", cwd=console_app),
                          ".kiln/linuxu.toml", "unknown option APP_GONE",
                          "kiln configure --unset APP_GONE")
    assert run_kiln("configure", "--plat", "linuxu", "--unset", "APP_GONE",
                    cwd=console_app).returncode == 0
    assert saved.read_text().count("=") == 1 and "BOOT_MAX_ARGS = 16" in saved.read_text()
    assert run_kiln("build", "--plat", "linuxu", cwd=console_app).returncode == 0
    assert_one_line_error(run_kiln("configure", "--plat", "linuxu", "--unset", "NOPE",
                                   cwd=console_app), "NOPE is not a saved setting")


def test_use_that_breaks_configuration_is_not_saved(console_app):
    write(console_app / ".kiln/linuxu.toml", "[config]\nAPP_GONE = true\n")
    proc = run_kiln("build", "--plat", "linuxu", "--use", "alloc=buddy", cwd=console_app)
    assert proc.returncode == 2
    assert "alloc" not in (console_app / ".kiln/linuxu.toml").read_text()


def test_kconfig_syntax_error_is_one_line(console_app):
    write(console_app / "Kconfig", "config BROKEN\n\tbool \"x\"\n\tdepends on (\n")
    assert_one_line_error(run_kiln("build", "--plat", "linuxu", cwd=console_app), "Kconfig error")


def test_options_for_vms_are_refused_on_linuxu(console_app):
    assert run_kiln("build", "--plat", "linuxu", cwd=console_app).returncode == 0
    assert_one_line_error(run_kiln("run", "--plat", "linuxu", "--machine", "pc", cwd=console_app),
                          "--machine applies to the kvm platform only")
    # A double quote is carried, escaped, not refused.
    proc = run_kiln("run", "--plat", "linuxu", "-a", "'say \"hi\"'", cwd=console_app)
    assert proc.returncode == 1 and "con says hi (1 args)" in proc.stderr, proc.stderr


def test_timeout_stops_the_guest(tmp_path):
    app = tmp_path / "sleepy"
    write(app / "kiln.toml", '[app]\nname = "sleepy"\nrequires = ["console", "sched"]\n')
    write(app / "main.c", """
        #include <kn/sched.h>
        int main(void) { kn_sleep_ns(100000000000ULL); return 0; }
    """)
    assert run_kiln("build", "--plat", "linuxu", cwd=app).returncode == 0
    proc = run_kiln("run", "--plat", "linuxu", "--timeout", "1", cwd=app)
    assert proc.returncode == 124 and "timeout" in proc.stderr


def test_corrupt_image_is_a_one_line_qemu_error(console_app):
    # Built (so that run does not build it), then damaged: an image is an
    # output, whose presence, not content, is checked.
    assert run_kiln("build", cwd=console_app).returncode == 0
    image = console_app / "build/kvm/con"
    image.write_bytes(b"\x7fELF garbage, not a kernel")
    proc = run_kiln("run", "--timeout", "30", cwd=console_app)
    assert_one_line_error(proc, "QEMU failed", status=1)


def test_lib_show_api_and_app_local_library(console_app):
    api = run_kiln("lib", "show", "alloc")
    assert api.returncode == 0
    assert "implementations: alloc-buddy, alloc-region, alloc-tlsf" in api.stdout
    write(console_app / "lib/extra/library.toml", 'name = "extra"\nsummary = "app-local"\n')
    listing = run_kiln("lib", "list", cwd=console_app)
    assert "extra" in listing.stdout and "app-local" in listing.stdout


def test_rootfs_is_packed_and_passed_to_qemu(console_app):
    write(console_app / "root/etc/motd", "hi\n")
    manifest = console_app / "kiln.toml"
    manifest.write_text(manifest.read_text().replace('name = "con"',
                                                     'name = "con"\nrootfs = "root"'))
    assert run_kiln("build", cwd=console_app).returncode == 0
    initrd = console_app / "build/kvm/initrd.cpio"
    assert initrd.read_bytes().startswith(b"070701") and b"etc/motd" in initrd.read_bytes()
    again = run_kiln("build", cwd=console_app)
    assert "nothing to do" in again.stdout
    dry = run_kiln("run", "--dry-run", cwd=console_app).stdout
    assert f"-initrd {initrd}" in dry
    manifest.write_text(manifest.read_text().replace('"root"', '"nowhere"'))
    assert_one_line_error(run_kiln("build", cwd=console_app), "rootfs folder 'nowhere'")
