"""Every app has the house's one layout (shared style, "The shape of the house"), so a newcomer
who knows one app knows them all.

The layout: ``apps.py``, ``models``, ``services``, ``selectors``, ``tasks.py``, ``admin``,
``views``, ``forms``, ``templates/<app>/``, ``tests/`` (with a test in it) and ``migrations/``;
a part may be a module or a package (``models.py`` or ``models/``). A part an app lacks is
listed in ``MISSING`` below with the reason, and where the reason can be read off the code (no
URLs, so no views; no Celery task, so no ``tasks.py``) the test checks it still holds: an app
that starts serving pages is told to add its ``views``.

Two rules of where things live are checked too: Celery tasks are defined in ``tasks.py``, and
the forms of an app's pages in its ``forms`` module (an admin's own forms stay beside their
``ModelAdmin``, as Django's admin does). And a view never fetches a row with
``Model.objects.get`` or ``get_object_or_404``: it asks a selector, which applies the ownership
check and raises 404 for someone else's object (``appraisals/selectors/submissions.py``).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.apps import apps as django_apps

ROOT = Path(__file__).resolve().parent.parent

# The domain apps, the engines, the interfaces and the outbox: everything but the project core
# (`authplatform`, the settings and URL map).
APPS = ["appraisals", "disputes", "passports", "members", "membership", "billing", "community",
        "provenance", "ml", "events", "api", "webhooks"]  # fmt: skip

PARTS = ["apps", "models", "services", "selectors", "tasks", "admin", "views", "forms",
         "templates", "tests", "migrations"]  # fmt: skip

EMPTY = "registered and empty until its issue starts: nothing to lay out yet"

# Each part an app lacks, with the reason a newcomer would otherwise ask for.
MISSING: dict[str, dict[str, str]] = {
    "community": {part: EMPTY for part in PARTS if part != "apps"},
    "passports": {
        "tasks": "no background work: its events are recorded in the transaction of the report "
        "or transfer that causes them, and notifications are emailed on commit",
    },
    "members": {
        "tasks": "no background work: notifications are emailed on commit, lock-outs are "
        "counted in the sign-in request",
    },
    "provenance": {
        "services": "an engine whose state changes are split by what they do, each module "
        "named for it: documents.py (register, revoke), anchoring.py (deploy, seal, the "
        "writer's tick), signing_keys.py (the key record)",
        "forms": "no form: its pages (verification, the revocation feed) are read-only",
    },
    "ml": {
        "tasks": "an engine: the pre-screen task belongs to appraisals, which calls ml's "
        "inference; ml only takes images and returns scores",
        "views": "an engine: it serves no page; staff see model versions in the admin and "
        "train with management commands",
        "forms": "serves no page",
        "templates": "serves no page",
    },
    "membership": {
        "forms": "its pages only read (my membership, plans, points); buying or cancelling a "
        "pass is billing's form",
    },
    "events": {
        "views": "the outbox is infrastructure: nothing to show but the admin",
        "forms": "serves no page",
        "templates": "serves no page",
    },
    "api": {
        "forms": "a JSON API: input is validated by serializers (api/serializers/)",
        "templates": "a JSON API: it renders no template of its own (the schema's Swagger UI "
        "comes from drf-spectacular)",
    },
    "webhooks": {
        "forms": "endpoints are managed through the partner API: serializers validate input",
        "templates": "a JSON API and outgoing deliveries: nothing rendered",
    },
}

# Views that fetch a row themselves, each with the reason the row is not someone's to hide.
# Keyed by the function's qualified name, wherever in the app's views it lives.
DIRECT_FETCH_ALLOWED = {
    "VerifyReport.get": "verification is public: anyone holding a report's id may check it, "
    "and the answer names no owner",
}


# --- reading the code ---------------------------------------------------------------------


def _source_files(app: str) -> Iterator[Path]:
    """The app's own code: no tests, no migrations."""
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT / app).parts
        if relative[0] not in ("tests", "migrations"):
            yield path


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _is_admin(path: Path, app: str) -> bool:
    return path.relative_to(ROOT / app).parts[0] in ("admin", "admin.py")


def _has_part(app: str, name: str) -> bool:
    return (ROOT / app / f"{name}.py").is_file() or (ROOT / app / name / "__init__.py").is_file()


def _name(node: ast.expr) -> str:
    """The last name of ``a.b.c`` or ``c``."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _celery_tasks(app: str) -> list[str]:
    """``module:function`` of every function decorated as a Celery task."""
    found = []
    for path in _source_files(app):
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for decorator in node.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    if _name(target) in ("shared_task", "task"):
                        found.append(f"{path.relative_to(ROOT)}:{node.name}")
    return found


def _page_forms(app: str) -> list[str]:
    """``module:Class`` of every form defined outside the admin."""
    found = []
    for path in _source_files(app):
        if _is_admin(path, app):
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ClassDef) and any(
                _name(base).endswith("Form") for base in node.bases
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.name}")
    return found


def _renders_a_template(call: ast.Call) -> bool:
    renderers = {"render", "render_to_string", "TemplateResponse", "get_template"}
    if _name(call.func) not in renderers:
        return False
    # A DRF renderer's render() writes JSON, not a template.
    return not (isinstance(call.func, ast.Attribute) and "enderer" in ast.unparse(call.func.value))


def _renders_pages(app: str) -> list[str]:
    """Modules outside the admin that render a template."""
    found = []
    for path in _source_files(app):
        if _is_admin(path, app):
            continue
        for node in ast.walk(_tree(path)):
            if (isinstance(node, ast.Call) and _renders_a_template(node)) or (
                isinstance(node, ast.Assign)
                and any(_name(target) == "template_name" for target in node.targets)
            ):
                found.append(str(path.relative_to(ROOT)))
                break
    return found


def _url_modules(app: str) -> list[str]:
    return sorted(p.name for p in (ROOT / app).glob("urls*.py"))


def _models(app: str) -> list[str]:
    label = django_apps.get_containing_app_config(app)
    return [] if label is None else [m.__name__ for m in label.get_models()]


def _views_modules(app: str) -> Iterator[Path]:
    """The modules of the app's pages and API endpoints."""
    for name in ("views", "api"):
        yield from (ROOT / app).glob(f"{name}.py")
        yield from sorted((ROOT / app / name).rglob("*.py"))


# --- the parts ----------------------------------------------------------------------------


def _has_tests(app: str) -> bool:
    return any((ROOT / app / "tests").glob("test_*.py"))


def _has_migrations(app: str) -> bool:
    return any((ROOT / app / "migrations").glob("0*.py"))


HAS: dict[str, Callable[[str], bool]] = {
    "apps": lambda app: (ROOT / app / "apps.py").is_file(),
    "models": lambda app: _has_part(app, "models"),
    "services": lambda app: _has_part(app, "services"),
    "selectors": lambda app: _has_part(app, "selectors"),
    "tasks": lambda app: (ROOT / app / "tasks.py").is_file(),
    "admin": lambda app: _has_part(app, "admin"),
    # A partner API's views are the style's `api/` (`api.py` when it is one module).
    "views": lambda app: _has_part(app, "views") or _has_part(app, "api"),
    "forms": lambda app: _has_part(app, "forms"),
    "templates": lambda app: (ROOT / app / "templates" / app).is_dir(),
    "tests": _has_tests,
    "migrations": _has_migrations,
}


def _code_besides_the_app_config(app: str) -> list[str]:
    """Modules with code in them, other than ``apps.py`` (a docstring alone is no code)."""
    found = []
    for path in _source_files(app):
        body = _tree(path).body
        if ast.get_docstring(_tree(path)) is not None:
            body = body[1:]
        if path.name != "apps.py" and body:
            found.append(str(path.relative_to(ROOT)))
    return found


# What would make a listed absence wrong, read off the code: empty means the reason holds.
CONTRADICTS: dict[str, Callable[[str], list[str]]] = {
    "tasks": _celery_tasks,
    "views": _url_modules,
    "forms": _page_forms,
    "templates": _renders_pages,
    "migrations": _models,
}


@pytest.mark.parametrize("app", APPS)
def test_the_app_has_every_part_of_the_layout(app: str) -> None:
    listed = MISSING.get(app, {})
    lacking = [part for part in PARTS if part not in listed and not HAS[part](app)]

    assert not lacking, (
        f"{app}/ lacks {', '.join(lacking)} (the layout: shared style, 'The shape of the "
        "house'). Add them, or list each in MISSING with the reason."
    )


@pytest.mark.parametrize("app", APPS)
def test_each_listed_absence_still_holds(app: str) -> None:
    problems = []
    for part, reason in MISSING.get(app, {}).items():
        if HAS[part](app):
            problems.append(f"{app} has {part} now: drop it from MISSING")
            continue
        contradiction = (
            _code_besides_the_app_config(app)
            if reason == EMPTY
            else CONTRADICTS.get(part, lambda app: [])(app)
        )
        if contradiction:
            problems.append(f"{app} lacks {part} ({reason}), yet: {contradiction}")

    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("app", APPS)
def test_celery_tasks_live_in_tasks_py(app: str) -> None:
    elsewhere = [task for task in _celery_tasks(app) if not task.startswith(f"{app}/tasks.py:")]

    assert not elsewhere, f"Celery tasks outside {app}/tasks.py: {elsewhere}"


@pytest.mark.parametrize("app", APPS)
def test_the_forms_of_pages_live_in_forms(app: str) -> None:
    elsewhere = [
        form
        for form in _page_forms(app)
        if not form.startswith((f"{app}/forms.py:", f"{app}/forms/"))
    ]

    assert not elsewhere, f"forms outside {app}'s forms module: {elsewhere}"


def _direct_fetches(path: Path) -> Iterator[tuple[str, int]]:
    """(qualified function name, line) of each ``X.objects…get(`` or ``get_object_or_404(``."""

    def walk(node: ast.AST, scope: list[str]) -> Iterator[tuple[str, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                yield from walk(child, [*scope, child.name])
                continue
            if isinstance(child, ast.Call) and _fetches(child):
                yield ".".join(scope), child.lineno
            yield from walk(child, scope)

    yield from walk(_tree(path), [])


def _fetches(call: ast.Call) -> bool:
    if _name(call.func) == "get_object_or_404":
        return True
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "get"):
        return False
    receiver: ast.expr = call.func.value
    while True:
        if isinstance(receiver, ast.Attribute):
            if receiver.attr == "objects":
                return True
            receiver = receiver.value
        elif isinstance(receiver, ast.Call):
            receiver = receiver.func
        else:
            return False


def test_no_view_fetches_a_row_without_a_selector() -> None:
    found = {
        (name, f"{path.relative_to(ROOT)}:{line}")
        for app in APPS
        for path in _views_modules(app)
        for name, line in _direct_fetches(path)
    }
    unexplained = sorted(where for name, where in found if name not in DIRECT_FETCH_ALLOWED)
    stale = sorted(set(DIRECT_FETCH_ALLOWED) - {name for name, _ in found})

    assert not unexplained, (
        f"views that fetch rows themselves: {unexplained}. Call a selector that checks the "
        "owner and raises 404 (appraisals/selectors/submissions.py), or list the view in "
        "DIRECT_FETCH_ALLOWED with the reason the row is no one's to hide."
    )
    assert not stale, f"no longer fetched directly: drop {stale} from DIRECT_FETCH_ALLOWED"


def test_the_checks_see_what_they_look_for() -> None:
    """The readers above find the things they police, so a passing run means something."""
    assert "provenance/tasks.py:anchor_tick" in _celery_tasks("provenance")
    assert "passports/forms.py:TransferForm" in _page_forms("passports")
    assert "passports/views.py" in _renders_pages("passports")
    assert "Item" in _models("passports") and _models("community") == []
    assert _url_modules("events") == [] and "urls.py" in _url_modules("members")
    sample = ast.parse("Item.objects.select_related('brand').get(pk=1)", mode="eval").body
    assert isinstance(sample, ast.Call) and _fetches(sample)
    other = ast.parse("request.POST.get('action')", mode="eval").body
    assert isinstance(other, ast.Call) and not _fetches(other)
