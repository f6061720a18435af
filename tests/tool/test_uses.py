"""Optional dependencies: `uses` in library.toml, the config symbols the C
tests, and what `kiln why` and `kiln lib show` say about them."""

import json

import pytest

from conftest import run_kiln, write
from kiln import catalog, kconfig, uses
from kiln.errors import KilnError
from kiln.manifest import load_app
from kiln.resolve import resolve


def user_lib(root, uses_line, sources=""):
    write(root / "lib/user/library.toml", f"""
        name = "user"
        summary = "uses memory when there is some"
        requires = ["console"]
        {uses_line}
        {sources}
    """)


def test_uses_is_read_and_pulls_nothing_in(fake_tree):
    user_lib(fake_tree, 'uses = ["alloc"]')
    cat = catalog.discover()
    assert cat.libraries["user"].uses == ["alloc"]
    res = resolve(cat, "kvm", ["user"])
    assert "alloc-one" not in res.names() and res.provider("alloc") is None
    res = resolve(cat, "kvm", ["user", "alloc"])
    assert res.provider("alloc") == "alloc-one"


def test_unknown_use_is_one_line_with_a_hint(fake_tree):
    user_lib(fake_tree, 'uses = ["aloc"]')
    with pytest.raises(KilnError, match=r"library.toml:\d+: user uses unknown library or API "
                                        r"'aloc'; did you mean 'alloc'\?"):
        catalog.discover()


def test_use_and_require_of_one_name_is_refused(fake_tree):
    user_lib(fake_tree, 'uses = ["console"]')
    with pytest.raises(KilnError, match="both requires and uses 'console'"):
        catalog.discover()


def test_uses_must_be_a_list_of_names(fake_tree):
    user_lib(fake_tree, 'uses = "alloc"')
    with pytest.raises(KilnError, match="uses"):
        catalog.discover()


def test_config_has_a_symbol_per_api_in_the_image(fake_tree, app, tmp_path):
    user_lib(fake_tree, 'uses = ["alloc"]')
    write(app / "kiln.toml", '[app]\nname = "a"\nrequires = ["user", "alloc"]\n')
    res = resolve(catalog.discover(), "kvm", ["user", "alloc"])
    top = kconfig.write_top_kconfig(res, load_app(app), tmp_path / "Kconfig")
    text = top.read_text()
    for symbol in ("HAVE_ALLOC", "HAVE_PLAT", "HAVE_TIME", "HAVE_USER", "LIB_ALLOC_ONE"):
        assert f"config {symbol}\n" in text
    assert "HAVE_ALLOC_ONE" not in text  # a library name: LIB_ALLOC_ONE


def test_config_tests_of_undeclared_names_are_refused(fake_tree):
    user_lib(fake_tree, 'uses = ["alloc"]', 'sources = ["user.c"]')
    write(fake_tree / "lib/user/user.c", """
        #ifdef CONFIG_HAVE_ALLOC
        #endif
        #ifdef CONFIG_LIB_CONSOLE
        #endif
        #ifdef CONFIG_USER_OPTION
        #endif
    """)
    cat = catalog.discover()
    uses.check([cat.libraries["user"]])  # declared, required or its own option
    write(fake_tree / "lib/user/user.c", "#if CONFIG_HAVE_SCHED\n#endif\n")
    with pytest.raises(KilnError, match=r"user.c: tests CONFIG_HAVE_SCHED, but user neither "
                                        r"requires nor uses 'sched'; add uses = \[\"sched\"\]"):
        uses.check([cat.libraries["user"]])


def test_headers_are_read_but_not_a_nested_librarys_or_test_shims(fake_tree):
    user_lib(fake_tree, 'uses = ["alloc"]')
    write(fake_tree / "lib/user/tests/shim.h", "#ifdef CONFIG_HAVE_SCHED\n#endif\n")
    write(fake_tree / "lib/user/inner/library.toml", """
        name = "user-inner"
        summary = "a library in the folder of another"
        uses = ["alloc"]
    """)
    write(fake_tree / "lib/user/inner/include/kn/inner.h", "#ifdef CONFIG_HAVE_ALLOC\n#endif\n")
    cat = catalog.discover()
    uses.check([cat.libraries["user"], cat.libraries["user-inner"]])
    write(fake_tree / "lib/user/include/kn/user.h", "#ifdef CONFIG_HAVE_SCHED\n#endif\n")
    with pytest.raises(KilnError, match=r"include/kn/user.h: tests CONFIG_HAVE_SCHED, but user"):
        uses.check([cat.libraries["user"]])


def test_every_library_of_the_tree_declares_what_it_tests():
    cat = catalog.discover()
    assert not {lib.name: uses.undeclared_tests(lib) for lib in cat.libraries.values()
                if uses.undeclared_tests(lib)}


@pytest.fixture
def plain_app(tmp_path):
    """An app with memory but without a scheduler: boot's optional sched is
    absent, plat-kvm's optional alloc there."""
    folder = tmp_path / "plain"
    write(folder / "kiln.toml", '[app]\nname = "plain"\nrequires = ["console", "alloc"]\n')
    write(folder / "main.c", "int main(void) { return 0; }\n")
    return folder


def test_why_shows_optional_edges(plain_app):
    proc = run_kiln("why", "boot", "--plat", "linuxu", cwd=plain_app)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["boot <- app", "uses sched (not in this image)"]
    proc = run_kiln("why", "plat-kvm", cwd=plain_app)
    assert proc.stdout.splitlines() == [
        "plat-kvm <- app", "uses alloc (in this image: alloc-tlsf)",
        "uses sched (not in this image)", "uses console-input (not in this image)"]
    proc = run_kiln("why", "sched-coop", "--plat", "linuxu", cwd=plain_app)
    assert "not in the linuxu image" in proc.stdout
    assert "would be used by arch-x86-64, plat-linuxu, boot (uses)" in proc.stdout


def test_lib_show_marks_optional_edges(plain_app):
    outside = run_kiln("lib", "show", "boot", cwd=plain_app.parent)
    assert "uses:      sched (optional)" in outside.stdout
    inside = run_kiln("lib", "show", "plat-kvm", cwd=plain_app)
    assert ("uses:      alloc (in this image: alloc-tlsf), sched (not in this image), "
            "console-input (not in this image)" in inside.stdout), inside.stdout
    data = json.loads(run_kiln("lib", "show", "plat-kvm", "--json", cwd=plain_app).stdout)
    assert data["uses"] == ["alloc", "sched", "console-input"]
    assert data["uses_in_image"] == {"alloc": "alloc-tlsf", "sched": None, "console-input": None}
