"""The import graph flows one way: features never import ``jobs/``; ``jobs/`` import features.

Read with ``ast`` (nothing is executed), counting imports inside functions too: a late import
is still a dependency, only hidden. Features enqueue jobs by dotted name, and every such name
must exist.
"""
import ast
import importlib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, by full dotted name."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _unit(module: str) -> str | None:
    """The layer a module belongs to: ``feature:<name>``, ``jobs:<topic>``, or None (core)."""
    parts = module.split(".")
    if parts[:2] == ["dip", "modules"] and len(parts) > 2:
        return f"feature:{parts[2]}"
    if parts[0] == "jobs" and len(parts) > 1:
        return f"jobs:{parts[1]}"
    return None


def _graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for path in list((ROOT / "dip").rglob("*.py")) + list((ROOT / "jobs").rglob("*.py")):
        source = _unit(_module_name(path))
        if source is None:
            continue
        for target in map(_unit, _imports(path)):
            if target is not None and target != source:
                edges[source].add(target)
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every elementary cycle through a ``jobs:`` node, as a path (small graph: plain DFS)."""
    found = []

    def walk(start, node, path):
        for nxt in sorted(edges.get(node, ())):
            if nxt == start:
                found.append(path + [start])
            elif nxt not in path and nxt > start:
                walk(start, nxt, path + [nxt])

    for start in sorted(edges):
        walk(start, start, [start])
    return [c for c in found if any(n.startswith("jobs:") for n in c)]


def test_no_feature_imports_jobs():
    offenders = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / "dip").rglob("*.py")
        for module in _imports(path) if module == "jobs" or module.startswith("jobs."))
    assert offenders == [], "features enqueue jobs by dotted name instead:\n" + "\n".join(offenders)


def test_no_cycle_between_features_and_jobs():
    cycles = _cycles(_graph())
    assert cycles == [], "\n".join(" -> ".join(c) for c in cycles)


def test_the_checker_sees_a_cycle():
    assert _cycles({"feature:earnings": {"jobs:earnings"}, "jobs:earnings": {"feature:earnings"}})


def test_jobs_import_their_code_at_the_top():
    for path in (ROOT / "jobs").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        late = [node.lineno for fn in tree.body if isinstance(fn, ast.FunctionDef)
                for node in ast.walk(fn) if isinstance(node, (ast.Import, ast.ImportFrom))]
        assert late == [], f"{path.name}: imports inside job functions at lines {late}"


def test_every_job_named_by_a_feature_exists():
    names = {node.value for path in (ROOT / "dip").rglob("*.py")
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and node.value.startswith("jobs.") and node.value.count(".") == 2}
    assert names  # the features do enqueue by name
    for name in names:
        module, _, function = name.rpartition(".")
        assert callable(getattr(importlib.import_module(module), function, None)), name
