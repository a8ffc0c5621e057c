"""The code's structure as contracts (issue 15): no import cycles within a package, production code independent of
the demo generator, a dashboard that does not run the pipeline (import-linter, contracts in pyproject.toml), and no
module importing another module's private (underscore) names."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pipelines", "dashboard", "benchmarks", "tests")


def test_import_contracts_are_kept():
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports")], cwd=PROJECT_ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def _private_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PACKAGES:
            found += [f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}: {node.module}.{alias.name}"
                      for alias in node.names if alias.name.startswith("_")]
    return found


def test_no_module_imports_private_names_of_another():
    found = [hit for package in PACKAGES for path in sorted((PROJECT_ROOT / package).rglob("*.py"))
             for hit in _private_imports(path)]
    assert found == []
