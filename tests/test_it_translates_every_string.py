"""Every user-facing string is in Simplified Chinese too (issue 16).

Four checks, each able to fail on its own:

1. The catalog is complete: every msgid of ``locale/zh_Hans/LC_MESSAGES/django.po`` has a
   non-empty, non-fuzzy translation carrying the same placeholders.
2. The catalog is up to date: ``manage.py makemessages -l zh_Hans`` (the project's plain
   invocation, as the ``.po``'s header says) run on a copy of the source finds exactly the
   committed msgids, so a string marked but never extracted (or removed but still in the
   catalog) fails.
3. No template carries unmarked text: each ``.html`` and ``.txt`` template of the project
   (``templates/`` and every app's ``templates/``) is split by Django's template ``Lexer``;
   the text outside ``{% translate %}``, ``{% blocktranslate %}``, comments, ``<script>``,
   ``<style>`` and ``<code>``/``<kbd>``/``<samp>``/``<pre>`` (commands and codes, not prose)
   may hold no word with letters, and neither may the user-visible attributes (``alt``, ``title``,
   ``placeholder``, ``aria-label``, ``label``, a submit or button input's ``value``,
   ``<meta name=description>``'s ``content``). ``ALLOWED_WORDS`` names the few exceptions,
   each with its reason.
4. Python: in the apps that serve pages (members, appraisals, disputes, passports,
   provenance; tests and migrations aside) a string literal containing letters may not be
   passed, unwrapped, where Django shows it to a person. The places are listed in
   ``_UserFacingLiterals``: field and form ``label``/``help_text``/``verbose_name``/
   ``empty_label``, an admin ``description``, ``Meta.verbose_name(_plural)``, choice labels
   (a ``TextChoices`` member's label and ``choices=[(value, label)]``), a form's
   ``error_messages``, ``add_error``'s message, ``messages.*``'s message, the message of a
   ``ValidationError`` raised in a form, view, service or admin module, and the subject and
   body given to ``notification_send`` or ``send_mail``. "Wrapped" means the literal is the
   argument of a gettext-family call; an f-string is never wrapped (its text can't be
   extracted), a value computed elsewhere is not judged here. Strings of other kinds (log
   lines, API error codes, signed documents) are out of scope by design.
"""

from __future__ import annotations

import ast
import html.parser
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

from tests.servers import ROOT
from tests.tools import require_tool, source_trees

PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

# --- 1 and 2: the catalog ------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgstrs: list[str] = field(default_factory=list)
    fuzzy: bool = False
    context: str = ""


def _po_entries(path: Path) -> list[Entry]:
    """The live entries of a .po file (obsolete ``#~`` ones and the header left out)."""
    entries: list[Entry] = []
    current = Entry()
    target: str | None = None
    parts: dict[str, str] = {}

    def close() -> None:
        nonlocal current, parts
        if "msgid" in parts and parts["msgid"]:
            current.msgid = parts["msgid"]
            current.msgid_plural = parts.get("msgid_plural", "")
            current.context = parts.get("msgctxt", "")
            current.msgstrs = [v for k, v in sorted(parts.items()) if k.startswith("msgstr")]
            entries.append(current)
        current, parts = Entry(), {}

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            close()
            target = None
        elif line.startswith("#,"):
            current.fuzzy = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"') and target is not None:
            parts[target] += ast.literal_eval(line)
        else:
            keyword, _, literal = line.partition(" ")
            target = keyword
            parts[target] = ast.literal_eval(literal)
    close()
    return entries


_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def test_every_msgid_has_a_chinese_translation_with_the_same_placeholders() -> None:
    entries = _po_entries(PO)
    assert len(entries) > 300, "the catalog lost its entries"
    missing = [e.msgid for e in entries if not all(s.strip() for s in e.msgstrs)]
    fuzzy = [e.msgid for e in entries if e.fuzzy]
    placeholders = [
        e.msgid
        for e in entries
        for s in e.msgstrs
        if sorted(set(_PLACEHOLDER.findall(s)))
        != sorted(set(_PLACEHOLDER.findall(e.msgid + e.msgid_plural)))
    ]
    assert missing == [], f"no Chinese for {len(missing)} msgids: {missing[:20]}"
    assert fuzzy == [], f"fuzzy (unchecked) translations: {fuzzy[:20]}"
    assert placeholders == [], f"placeholders differ: {placeholders[:20]}"


# Where makemessages must not look: the same folders .gitignore names (installed tooling,
# runtime state, test output); everything else of the checkout is source.
_NOT_SOURCE = {".git", ".venv", ".venv-lock", "node_modules", "var", "test-artifacts"}


def test_the_catalog_holds_exactly_the_strings_of_the_source(tmp_path: Path) -> None:
    require_tool("xgettext", package="gettext")
    require_tool("msgmerge", package="gettext")
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=lambda folder, names: [
            name
            for name in names
            if (Path(folder) == ROOT and name in _NOT_SOURCE)
            or name == "__pycache__"
            or name.startswith(".")  # as makemessages' own default ignores
        ],
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--verbosity", "0"],
        cwd=copy,
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    extracted = {(e.context, e.msgid) for e in _po_entries(copy / PO.relative_to(ROOT))}
    committed = {(e.context, e.msgid) for e in _po_entries(PO)}

    unextracted = sorted(m for _, m in extracted - committed)
    stale = sorted(m for _, m in committed - extracted)
    assert unextracted == [], (
        f"{len(unextracted)} marked strings are not in the catalog (run makemessages -l "
        f"zh_Hans, translate, compilemessages): {unextracted[:20]}"
    )
    assert stale == [], f"the catalog holds strings the source no longer has: {stale[:20]}"


# --- 3: templates --------------------------------------------------------------------------

# Words that stay as they are in every language, each with its reason.
ALLOWED_WORDS = {
    "authplatform": "the product's name, a brand",
    "authplatform-verify": "the name of the command-line verifier a reader runs",
    "A": "the seal letter of the brand mark next to the product's name (aria-hidden)",
    "JSON": "the name of a file format, a link to the machine-readable proof",
    "UTC": "the time zone's name, written so in Chinese too",
    "secp256k1": "the name of the signature's curve, a technical identifier",
    "EIP-191": "the name of the signing standard, a technical identifier",
    "AUROC": "the name of a metric (area under the ROC curve), written so in Chinese too",
}

_VISIBLE_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "label"}
_SKIPPED_ELEMENTS = {"script", "style", "code", "kbd", "samp", "pre"}
_WORD = re.compile(r"[^\s]*[^\W\d_][^\s]*")
# Stands for a {{ variable }} or a {% tag %}: a private-use character no template contains.
_HOLE = "\ue000"


def project_templates() -> list[Path]:
    roots = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]
    return sorted(
        path
        for root in roots
        if not any(part in _NOT_SOURCE for part in root.relative_to(ROOT).parts)
        for path in root.rglob("*")
        if path.suffix in {".html", ".txt"}
    )


def _unmarked_text(source: str) -> str:
    """The template with everything that is marked, a comment, or not text replaced by holes."""
    out: list[str] = []
    inside: str | None = None  # the end tag of a block whose text is not ours to judge
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split(" ", 1)[0]
            if inside is None and name in {"blocktranslate", "blocktrans", "comment"}:
                inside = "endcomment" if name == "comment" else f"end{name}"
            elif inside is not None and name == inside:
                inside = None
            out.append(_HOLE)
        elif token.token_type == TokenType.TEXT and inside is None:
            out.append(token.contents)
        else:
            out.append(_HOLE)
    return "".join(out)


class _Literals(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.skipping: list[str] = []

    def _check(self, text: str, where: str) -> None:
        text = " ".join(text.replace(_HOLE, " ").split())
        words = [w for w in _WORD.findall(text) if w.strip(".,:;!?()·") not in ALLOWED_WORDS]
        if words:
            self.found.append(f"{where}: {text[:80]!r}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            visible = name in _VISIBLE_ATTRIBUTES
            # A button shows its content; an input button shows its value.
            visible |= (
                name == "value"
                and tag == "input"
                and values.get("type") in {"submit", "button", "reset"}
            )
            visible |= tag == "meta" and name == "content" and values.get("name") == "description"
            if visible:
                self._check(value, f"<{tag} {name}>")
        if tag in _SKIPPED_ELEMENTS:
            self.skipping.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self._check(data, "text")


def unmarked_literals(path: Path) -> list[str]:
    parser = _Literals()
    parser.feed(_unmarked_text(path.read_text(encoding="utf-8")))
    parser.close()
    return parser.found


def test_the_template_check_finds_unmarked_text_and_accepts_marked_text(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '{% load i18n %}{% block title %}Sign in{% endblock %}<img alt="Front" src="x.png">'
        '<input type="submit" value="Send"><p>{% translate "Fine" %} {{ name }} · 3 €</p>'
        "{% blocktranslate %}Also {{ fine }}{% endblocktranslate %}{# Comment #}"
        "<script>const a = 'js';</script><code>authplatform-verify --issuer</code>",
        encoding="utf-8",
    )
    found = " ".join(unmarked_literals(page))
    assert "'Sign in'" in found and "'Front'" in found and "'Send'" in found
    assert "Fine" not in found and "Also" not in found and "js" not in found
    assert "Comment" not in found and "issuer" not in found


@pytest.mark.parametrize(
    "path", project_templates(), ids=lambda path: path.relative_to(ROOT).as_posix()
)
def test_no_template_carries_unmarked_text(path: Path) -> None:
    assert unmarked_literals(path) == []


# --- 4: Python -----------------------------------------------------------------------------

APPS = ["members", "appraisals", "disputes", "passports", "provenance"]
_MARKERS = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "format_lazy",
}
_SHOWN_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label"}
_LETTER = re.compile(r"[^\W\d_]")
# Modules whose ValidationErrors reach a person (a form's errors, a page's message).
_FACING = re.compile(r"(^|/)(forms|views|services|admin)(\.py$|/)")


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _bare_text(node: ast.expr | None) -> bool:
    """Whether ``node`` holds a literal with letters that no gettext call wraps."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(_LETTER.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_bare_text(part) for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _bare_text(node.left) or _bare_text(node.right)
    return False


class _UserFacingLiterals(ast.NodeVisitor):
    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[str] = []

    def flag(self, node: ast.expr | None, why: str) -> None:
        if node is not None and _bare_text(node):
            self.found.append(f"{self.path}:{node.lineno} {why}: {ast.unparse(node)[:70]}")

    def visit_Call(self, node: ast.Call) -> None:
        name = _name(node.func)
        if name in _MARKERS:
            return
        for keyword in node.keywords:
            if keyword.arg in _SHOWN_KEYWORDS:
                self.flag(keyword.value, keyword.arg)
            elif keyword.arg == "description" and _name(node.func) in {"display", "action"}:
                self.flag(keyword.value, "admin description")
            elif keyword.arg == "choices" and isinstance(keyword.value, ast.List | ast.Tuple):
                for choice in keyword.value.elts:
                    if isinstance(choice, ast.Tuple) and len(choice.elts) == 2:
                        self.flag(choice.elts[1], "choice label")
            elif keyword.arg in {"subject", "body"} and name == "notification_send":
                self.flag(keyword.value, f"notification {keyword.arg}")
        if name == "ValidationError" and node.args and _FACING.search(self.path):
            message = node.args[0]
            for value in message.values if isinstance(message, ast.Dict) else [message]:
                self.flag(value, "ValidationError")
        if isinstance(node.func, ast.Attribute) and _name(node.func.value) == "messages":
            position = 2 if name == "add_message" else 1
            if len(node.args) > position:
                self.flag(node.args[position], "messages")
        if name == "add_error" and len(node.args) > 1:
            self.flag(node.args[1], "add_error")
        if name == "send_mail":
            for argument in node.args[:2]:
                self.flag(argument, "send_mail")
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        choices = any(_name(base) in {"TextChoices", "IntegerChoices"} for base in node.bases)
        for statement in node.body:
            if not isinstance(statement, ast.Assign):
                continue
            targets = {_name(target) for target in statement.targets}
            if targets & {"verbose_name", "verbose_name_plural"}:
                self.flag(statement.value, "verbose_name")
            if "error_messages" in targets and isinstance(statement.value, ast.Dict):
                for value in statement.value.values:
                    self.flag(value, "error_messages")
            if choices and isinstance(statement.value, ast.Tuple) and statement.value.elts:
                self.flag(statement.value.elts[-1], "choice label")
        self.generic_visit(node)


def unwrapped_python_literals() -> list[str]:
    found: list[str] = []
    for path, tree in source_trees(APPS):
        visitor = _UserFacingLiterals(path)
        visitor.visit(tree)
        found += visitor.found
    return found


def test_the_python_check_finds_an_unwrapped_label() -> None:
    tree = ast.parse(
        "class F(forms.Form):\n"
        "    a = forms.CharField(label='Name', help_text=_('Fine'))\n"
        "    def clean(self):\n"
        "        raise ValidationError(f'Bad {x}')\n"
        "class K(models.TextChoices):\n"
        "    A = 'a', 'Alpha'\n"
        "    B = 'b', _('Beta')\n"
    )
    visitor = _UserFacingLiterals("members/forms.py")
    visitor.visit(tree)
    assert sorted(line.split(" ", 1)[1].split(":")[0] for line in visitor.found) == [
        "ValidationError",
        "choice label",
        "label",
    ]


def test_no_user_facing_python_string_is_left_unwrapped() -> None:
    found = unwrapped_python_literals()
    assert found == [], "wrap these in gettext (or gettext_lazy where defined at import)"
