"""Figures about the code's structure, for closing notes and docs/architecture.md:

    .venv/bin/python scripts/architecture_figures.py [--root DIR]

- the import cycles among non-test modules (strongly connected components of the import
  graph with more than one module), per app;
- the lines of non-test Python per app (and each app's share);
- how many source files mypy's configuration checks.

``--root`` points at another checkout (a git worktree of an older commit) to compare.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

import grimp

APPS = ["authplatform", "events", "members", "membership", "billing", "appraisals", "disputes",
        "passports", "community", "provenance", "ml", "api", "webhooks"]  # fmt: skip


def _source(module: str) -> bool:
    parts = module.split(".")
    return "tests" not in parts and "migrations" not in parts


def cycles(apps: list[str]) -> list[list[str]]:
    """Strongly connected components (Tarjan) of more than one non-test module."""
    graph = grimp.build_graph(*apps)
    nodes = sorted(m for m in graph.modules if _source(m))
    edges = {
        m: sorted(i for i in graph.find_modules_directly_imported_by(m) if _source(i))
        for m in nodes
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    sys.setrecursionlimit(10000)

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, []):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in nodes:
        if node not in index:
            visit(node)
    return sorted(found, key=len, reverse=True)


def lines(root: Path, apps: list[str]) -> dict[str, int]:
    counted = {}
    for app in apps:
        total = 0
        for path in (root / app).rglob("*.py"):
            relative = path.relative_to(root).as_posix()
            if "/tests/" in relative or "/migrations/" in relative:
                continue
            total += sum(1 for _ in path.open(encoding="utf-8"))
        counted[app] = total
    return counted


def mypy_scope(root: Path) -> list[str]:
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config.get("tool", {}).get("mypy", {}).get("files", []))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    sys.path.insert(0, str(root))
    apps = [app for app in APPS if (root / app / "__init__.py").exists()]
    found = cycles(apps)
    print(f"import cycles (non-test modules): {len(found)}")
    for component in found:
        print(f"  {len(component)} modules: {', '.join(component)}")
    counted = lines(root, apps)
    total = sum(counted.values())
    print(f"lines of non-test Python: {total}")
    for app, count in sorted(counted.items(), key=lambda item: -item[1]):
        print(f"  {app:<13} {count:>6}  {100 * count / total:4.1f}%")
    scope = mypy_scope(root)
    print(f"mypy checks: {', '.join(scope) if scope else '(no files setting)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
