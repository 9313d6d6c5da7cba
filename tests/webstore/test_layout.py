"""The code's layout, as README.md ("Where things live") states it: imports go one way, shared
pieces import no app, and no module or function grows past what a reader takes in at once."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGES = [
    "core",
    "webstore",
    "accounts",
    "configuration",
    "catalog",
    "customers",
    "purchases",
    "shipments",
    "printing",
    "partners",
    "channels",
    "deliveries",
    "returns",
    "demo",
]
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60


def app_modules() -> dict[str, Path]:
    """Every module of the project's apps, by dotted name; migrations aside."""
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    return modules


MODULES = app_modules()


def imported(module: str, node: ast.AST) -> list[str]:
    """The project modules an import statement names (from x import y: x.y when it is one)."""
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            parts = package.split(".")
            base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
        names = [f"{base}.{alias.name}" for alias in node.names] + [base]
    found = []
    for name in names:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name and name != module and name not in found:
            found.append(name)
    return found


def imports_of(module: str) -> tuple[set[str], list[tuple[int, str]]]:
    """What a module imports at its top, and what it imports inside functions (line, module)."""
    tree = ast.parse(MODULES[module].read_text())
    top, inside = set(), []
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            top.update(imported(module, node))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    inside += [(inner.lineno, name) for name in imported(module, inner)]
    return top, inside


def is_own_task_module(module: str, target: str) -> bool:
    """A service enqueuing its own app's task module: the one import allowed inside a function
    (the task module imports the service it runs)."""
    return module.endswith(".services") and target == module.rpartition(".")[0] + ".tasks"


def test_no_module_imports_another_inside_a_function():
    hidden = [
        f"{module}:{line} imports {target}"
        for module in MODULES
        for line, target in imports_of(module)[1]
        if not is_own_task_module(module, target)
    ]
    assert hidden == []


def test_no_two_modules_import_each_other_directly_or_through_others():
    graph = {module: imports_of(module)[0] for module in MODULES}
    cycles, done, path = [], set(), []
    on_path: set[str] = set()

    def visit(module: str) -> None:
        path.append(module)
        on_path.add(module)
        for target in sorted(graph[module]):
            if target in on_path:
                cycles.append(" → ".join([*path[path.index(target) :], target]))
            elif target not in done:
                visit(target)
        on_path.discard(module)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            visit(module)
    assert cycles == []


def test_core_imports_no_app():
    leaks = [
        f"{module} imports {target}"
        for module in MODULES
        if module.split(".")[0] == "core"
        for target in imports_of(module)[0] | {name for _, name in imports_of(module)[1]}
        if target.split(".")[0] != "core"
    ]
    assert leaks == []


def test_shipment_models_import_no_app_so_purchases_may_read_them():
    models = [module for module in MODULES if module.startswith("shipments.models")]
    imported_apps = {t.split(".")[0] for module in models for t in imports_of(module)[0]}
    assert len(models) > 1 and imported_apps <= {"core", "shipments"}


def test_no_module_or_function_is_longer_than_a_reader_takes_in():
    too_long = []
    for module, path in MODULES.items():
        text = path.read_text()
        lines = text.count("\n")
        if lines > MAX_FILE_LINES:
            too_long.append(f"{module}: {lines} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{module}.{node.name}: {length} lines")
    assert too_long == []
