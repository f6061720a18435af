"""The library dependency graph of the tree: hard requires form no cycle,
and the console's output does not reach into the scheduler (the scheduler
prints, so the console must not need it; input is console-input)."""

import re

from kiln import catalog

INCLUDE = re.compile(r'^\s*#\s*include\s*<([^>]+)>', re.M)


def requires_graph(cat) -> dict[str, list[str]]:
    """Library -> the libraries its `requires` can resolve to: a library
    named directly, or every implementation of an API."""
    graph = {}
    for lib in cat.libraries.values():
        deps = []
        for req in lib.requires:
            if req in cat.libraries:
                deps.append(req)
            elif req in cat.apis:
                deps += cat.apis[req].implementations
        graph[lib.name] = sorted(set(deps) - {lib.name})
    return graph


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """One cycle as a path that ends where it starts, or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node, path):
        if state.get(node) == 2:
            return None
        if state.get(node) == 1:
            return path[path.index(node):] + [node]
        state[node] = 1
        for dep in graph.get(node, []):
            cycle = visit(dep, path + [node])
            if cycle:
                return cycle
        state[node] = 2
        return None

    for node in sorted(graph):
        cycle = visit(node, [])
        if cycle:
            return cycle
    return None


def test_find_cycle_sees_one():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["b", "c"], "b": ["c"], "c": []}) is None


def test_requires_form_no_cycle():
    cycle = find_cycle(requires_graph(catalog.discover()))
    assert cycle is None, (f"dependency cycle in the tree: {' -> '.join(cycle)}; "
                           f"one of these libraries must stop requiring the next")


def test_console_output_does_not_need_the_scheduler():
    cat = catalog.discover()
    console = cat.libraries["console"]
    sched_headers = {str(h.relative_to(cat.apis["sched"].dir / "include"))
                     for h in (cat.apis["sched"].dir / "include").rglob("*.h")}
    files = [console.dir / s for s in console.sources]
    files += list((console.dir / "include").rglob("*.h"))
    for path in files:
        used = set(INCLUDE.findall(path.read_text()))
        assert not used & sched_headers, f"{path} includes {used & sched_headers}"
    # Nor through what it requires.
    closure, todo = set(), ["console"]
    graph = requires_graph(cat)
    while todo:
        for dep in graph[todo.pop()]:
            if dep not in closure:
                closure.add(dep)
                todo.append(dep)
    assert not closure & set(cat.apis["sched"].implementations), closure
