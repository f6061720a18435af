"""Resolution: one implementation per API, with errors that explain."""

import pytest

from conftest import write
from kiln import catalog
from kiln.errors import KilnError
from kiln.resolve import resolve


def resolve_in(root, requires, choices=None, platform="kvm"):
    return resolve(catalog.discover(), platform, requires, choices)


def test_default_implementation_and_chain(fake_tree):
    write(fake_tree / "lib/user/library.toml", """
        name = "user"
        summary = "needs memory"
        requires = ["alloc"]
    """)
    res = resolve_in(fake_tree, ["user"])
    assert res.chosen["alloc"] == "alloc-one"
    names = res.names()
    assert names.index("alloc-one") < names.index("user")  # dependencies first
    assert res.chain("alloc-one") == ["alloc-one (API alloc)", "user", "app"]


def test_choice_by_short_name(fake_tree):
    res = resolve_in(fake_tree, ["alloc"], {"alloc": "two"})
    assert "alloc-two" in res.names() and "alloc-one" not in res.names()


def test_unknown_requirement_suggests(fake_tree):
    with pytest.raises(KilnError, match="unknown library or API 'aloc'.*did you mean 'alloc'"):
        resolve_in(fake_tree, ["aloc"])


def test_unknown_choice(fake_tree):
    with pytest.raises(KilnError, match="'three' is not an implementation of API 'alloc'"):
        resolve_in(fake_tree, ["alloc"], {"alloc": "three"})


def test_two_implementations_for_one_api(fake_tree):
    with pytest.raises(KilnError, match="two implementations of API 'alloc'"):
        resolve_in(fake_tree, ["alloc-one", "alloc-two"])


def test_choice_conflicts_with_requirement(fake_tree):
    with pytest.raises(KilnError, match="alloc-two is chosen but app requires alloc-one"):
        resolve_in(fake_tree, ["alloc-one"], {"alloc": "two"})


def test_no_implementation(fake_tree):
    write(fake_tree / "lib/net/api.toml", 'name = "net"\nsummary = "network"\n')
    with pytest.raises(KilnError, match="no implementation of API 'net'"):
        resolve_in(fake_tree, ["net"])


def test_several_implementations_without_default(fake_tree):
    (fake_tree / "lib/alloc/api.toml").write_text('name = "alloc"\nsummary = "a"\n')
    with pytest.raises(KilnError, match=r"several implementations.*\[choose\] alloc"):
        resolve_in(fake_tree, ["alloc"])


def test_dependency_cycle(fake_tree):
    write(fake_tree / "lib/a/library.toml", 'name = "a"\nsummary = "a"\nrequires = ["b"]\n')
    write(fake_tree / "lib/b/library.toml", 'name = "b"\nsummary = "b"\nrequires = ["c"]\n')
    write(fake_tree / "lib/c/library.toml", 'name = "c"\nsummary = "c"\nrequires = ["a"]\n')
    cycle = r"dependency cycle: (a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)"
    with pytest.raises(KilnError, match=cycle):
        resolve_in(fake_tree, ["a"])


def test_platform_only_library(fake_tree):
    write(fake_tree / "lib/hw/library.toml",
          'name = "hw"\nsummary = "x"\nplatforms = ["linuxu"]\n')
    with pytest.raises(KilnError, match="does not build for platform kvm"):
        resolve_in(fake_tree, ["hw"])


def test_duplicate_library_names(fake_tree):
    write(fake_tree / "lib/dup/library.toml", 'name = "console"\nsummary = "again"\n')
    with pytest.raises(KilnError, match="library 'console' is also defined"):
        catalog.discover()


def test_bad_library_manifest_names_file(fake_tree):
    write(fake_tree / "lib/bad/library.toml", 'name = "bad"\nsummary = "x"\nsources = ["gone.c"]\n')
    with pytest.raises(KilnError, match=r"bad/library.toml.*source 'gone.c' does not exist"):
        catalog.discover()


def test_unknown_platform(fake_tree):
    with pytest.raises(KilnError, match="unknown platform 'xen'"):
        resolve_in(fake_tree, [], platform="xen")


def test_real_catalog_resolves_helloworld():
    res = resolve(catalog.discover(), "kvm", ["libc"])
    assert res.platform.name == "plat-kvm"
    assert {"boot", "console", "libc-nolibc"} <= set(res.names())
    assert res.chosen["alloc"] == "alloc-tlsf"


def test_provides_defaults_to_the_library_name(fake_tree):
    """A family member (vfs-pipe, posix-*) is an API of its own without
    saying so; an explicit list, even empty, is taken as written."""
    write(fake_tree / "lib/extra/library.toml", 'name = "extra"\nsummary = "x"\n')
    write(fake_tree / "lib/quiet/library.toml", 'name = "quiet"\nsummary = "x"\nprovides = []\n')
    cat = catalog.discover()
    assert cat.libraries["extra"].provides == ["extra"]
    assert cat.apis["extra"].implementations == ["extra"]
    assert cat.libraries["quiet"].provides == [] and "quiet" not in cat.apis
    assert cat.libraries["alloc-one"].provides == ["alloc"]
    assert resolve_in(fake_tree, ["extra"]).chosen["extra"] == "extra"


def test_api_shared_sources_reach_every_implementation(fake_tree):
    write(fake_tree / "lib/alloc/api.toml", """
        name = "alloc"
        summary = "allocators"
        default = "alloc-one"
        shared-sources = ["heap.c"]
        shared-ktest-sources = ["ktest.c"]
    """)
    write(fake_tree / "lib/alloc/heap.c", "int heap;\n")
    write(fake_tree / "lib/alloc/ktest.c", "int ktest;\n")
    write(fake_tree / "lib/alloc/one/one.c", "int one;\n")
    write(fake_tree / "lib/alloc/one/library.toml", """
        name = "alloc-one"
        summary = "allocator one"
        provides = ["alloc"]
        sources = ["one.c"]
    """)
    cat = catalog.discover()
    alloc = fake_tree / "lib/alloc"
    one, two = cat.libraries["alloc-one"], cat.libraries["alloc-two"]
    assert one.sources_for("kvm", with_ktests=False) == [alloc / "one/one.c", alloc / "heap.c"]
    assert one.sources_for("kvm", with_ktests=True)[-1] == alloc / "ktest.c"
    assert two.sources_for("kvm", with_ktests=False) == [alloc / "heap.c"]
    assert cat.libraries["console"].sources_for("kvm", with_ktests=True) == []
    (alloc / "heap.c").unlink()
    with pytest.raises(KilnError, match=r"alloc/api.toml:5: API alloc: source 'heap.c' "
                                        r"does not exist"):
        catalog.discover()


def test_implementations_of_an_api(fake_tree):
    """Tests and benchmarks loop over these: the default first."""
    assert catalog.implementations("alloc") == ["one", "two"]
    write(fake_tree / "lib/alloc/api.toml",
          'name = "alloc"\nsummary = "allocators"\ndefault = "alloc-two"\n')
    write(fake_tree / "lib/alloc/zero/library.toml",
          'name = "alloc-zero"\nsummary = "z"\nprovides = ["alloc"]\n')
    assert catalog.implementations("alloc") == ["two", "one", "zero"]
    with pytest.raises(KilnError, match="unknown API 'nope'"):
        catalog.implementations("nope")


def test_real_allocators_come_from_the_catalog():
    assert catalog.implementations("alloc") == ["tlsf", "buddy", "region"]


def test_host_test_tables_are_checked(fake_tree):
    lib = fake_tree / "lib/alloc/one"
    write(lib / "t.c", "int main(void) { return 0; }\n")
    write(lib / "host.py", "")
    base = 'name = "alloc-one"\nsummary = "one"\nprovides = ["alloc"]\n'
    write(lib / "library.toml", base + '[host-test]\ndriver = "host.py"\n'
          '[host-test.t]\nsources = ["t.c"]\nconfig = {X = 1}\nsanitize = ["undefined"]\n')
    test = catalog.discover().libraries["alloc-one"].host_test
    assert test.driver == lib / "host.py" and test.owner == "alloc-one"
    assert test.programs["t"]["sources"] == [lib / "t.c"]
    assert test.programs["t"]["config"] == {"X": 1}
    write(lib / "library.toml", base + '[host-test.t]\nsources = ["gone.c"]\n')
    with pytest.raises(KilnError, match=r"library.toml:5: alloc-one: source 'gone.c' does "
                                        r"not exist"):
        catalog.discover()
    write(lib / "library.toml", base + '[host-test.t]\nsource = ["t.c"]\n')
    with pytest.raises(KilnError, match=r"unknown key 'source' in \[host-test.t\]"):
        catalog.discover()
    write(lib / "library.toml", base + '[host-test]\ndriver = "nope.py"\n')
    with pytest.raises(KilnError, match=r"host-test driver 'nope.py' must name an existing"):
        catalog.discover()
