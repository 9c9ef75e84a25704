"""The runtime apart from the tooling: what every service imports knows no service and no tool,
and no service imports the tooling; only tests and tools may."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("orders", "accounts", "payments", "exports", "journal", "web", "sumup_standin")


def imported(folder: Path) -> dict[str, set[str]]:
    """Each module file under `folder`, with the top-level packages it imports (importlib's
    string imports included)."""
    found = {}
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text())
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
            elif (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module"
                  and node.args and isinstance(node.args[0], ast.Constant)):
                names.add(str(node.args[0].value).split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_the_runtime_package_imports_no_service_and_no_tool():
    leaks = {path: names & {*SERVICES, "ardoise_tools"}
             for path, names in imported(ROOT / "shared" / "src").items()}
    assert {path: names for path, names in leaks.items() if names} == {}


@pytest.mark.parametrize("service", ["orders", "accounts", "payments", "exports", "journal",
                                     "web"])
def test_a_service_imports_no_tool_and_no_other_service(service):
    others = {*SERVICES, "ardoise_tools"} - {service}
    leaks = {path: names & others
             for path, names in imported(ROOT / "services" / service / "src").items()}
    assert {path: names for path, names in leaks.items() if names} == {}
