"""The import graph of ``kg``: no cycle, and no layer imports a higher one.

Every module of the package is parsed with :mod:`ast`, so imports inside
functions count as much as those at the top: a cycle hidden in a function
still ties the modules together.

The layers, from the bottom: the shared leaves (``kg``, ``kg.messages``,
``kg.records``, ``kg.columns``), ``kg.extraction``, ``kg.store``, then
``kg.ingest`` (extraction into the store) and ``kg.analysis`` side by side,
``kg.service``, ``kg.web`` and ``kg.cli``.
"""

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parent.parent / "kg"

#: Layer of each top-level part of ``kg``; a module may import its own part
#: and the parts of lower layers only (two parts of one layer: neither).
LAYERS = {"kg": 0, "kg.messages": 0, "kg.records": 0, "kg.columns": 0, "kg.report": 4,
          "kg.extraction": 1, "kg.store": 2, "kg.ingest": 3, "kg.analysis": 3,
          "kg.service": 4, "kg.web": 5, "kg.cli": 6}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, modules: set[str]) -> set[str]:
    """The kg modules PATH imports, wherever the import statement is."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:              # relative: from the module's own package
                package = module_name(path) if path.name == "__init__.py" \
                    else module_name(path).rpartition(".")[0]
                base = ".".join([*package.split(".")[:len(package.split(".")) - node.level + 1],
                                 *([base] if base else [])])
            # `from kg.web import viewer` imports the module kg.web.viewer
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                     for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


def import_graph() -> nx.DiGraph:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for path in paths:
        source = module_name(path)
        graph.add_edges_from((source, target) for target in imports(path, modules)
                             if target != source and not source.startswith(target + "."))
    return graph


def part(module: str) -> str:
    """The entry of LAYERS a module belongs to (its longest prefix there)."""
    return max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)


def test_the_import_graph_is_read_from_function_local_imports_too(tmp_path):
    """A module whose only kg import sits inside a function still has the edge."""
    (tmp_path / "late.py").write_text("def f():\n    from kg.records import SECTOR\n")
    assert imports(tmp_path / "late.py", {"kg.records", "kg"}) == {"kg.records"}


def test_no_import_cycle_among_kg_modules():
    cycles = list(nx.simple_cycles(import_graph()))
    assert cycles == [], f"import cycles: {sorted(cycles, key=len)[:5]}"


def test_no_module_imports_a_higher_or_a_sibling_layer():
    wrong = sorted((a, b) for a, b in import_graph().edges
                   if part(a) != part(b) and LAYERS[part(b)] >= LAYERS[part(a)]
                   and part(b) != "kg")
    assert wrong == []
