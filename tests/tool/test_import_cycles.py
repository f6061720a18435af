"""No import cycles between the modules of src/kiln and bench/.

A cycle works only while the import order happens to suit it (hence the
function-level imports that hide one), so every `import` and `from`, at any
depth, counts as an edge here."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _modules() -> dict[str, Path]:
    """Module name -> file: kiln's by dotted name, the benchmarks' by their
    file name (they import each other as top-level modules)."""
    found = {}
    for path in sorted((ROOT / "src").rglob("*.py")):
        parts = list(path.relative_to(ROOT / "src").with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    for path in sorted((ROOT / "bench").glob("*.py")):
        found[path.stem] = path
    return found


def _package(name: str, path: Path) -> str:
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _targets(node: ast.AST, name: str, path: Path, modules: dict[str, Path]) -> list[str]:
    """The modules of this checkout that one import statement loads."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name in modules]
    base = node.module or ""
    if node.level:
        package = _package(name, path)
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if node.module else package
    found = []
    for alias in node.names:  # `from pkg import mod` loads pkg.mod
        if f"{base}.{alias.name}" in modules:
            found.append(f"{base}.{alias.name}")
        elif base in modules:
            found.append(base)
    return found


def _graph() -> dict[str, dict[str, str]]:
    """Importer -> {imported: "file:line" of the first such import}."""
    modules = _modules()
    graph: dict[str, dict[str, str]] = {name: {} for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for target in _targets(node, name, path, modules):
                if target != name:
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    graph[name].setdefault(target, where)
    return graph


def _cycle(graph: dict[str, dict[str, str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_the_graph_sees_function_level_and_relative_imports():
    graph = _graph()
    assert "kiln.fetch" in graph["kiln.build"]      # from . import ..., fetch
    assert "kiln.paths" in graph["kiln.fetch"]      # from .paths import ...
    assert "kiln.autoport" in graph["kiln.commands"]  # inside a function
    assert "images" in graph["boot_time"]           # bench: import images


def test_no_import_cycles():
    graph = _graph()
    cycle = _cycle(graph)
    if cycle:
        steps = [f"{a} -> {b} ({graph[a][b]})" for a, b in zip(cycle, cycle[1:])]
        raise AssertionError("import cycle: " + "; ".join(steps)
                             + "; pass what the lower module needs down instead")
