"""The Spanish translation is complete and shipped compiled: every message the templates and
the code ask for is in locale/es/LC_MESSAGES/django.po, translated, not fuzzy, and the
committed django.mo says the same as the .po. Pure Python, so a checkout without GNU gettext
runs it too (.ci/messages-check runs the real makemessages where gettext is installed)."""

import ast
import gettext
import re
from pathlib import Path

import polib
from django.conf import settings
from django.utils.translation.template import templatize

CATALOG = settings.BASE_DIR / "locale" / "es" / "LC_MESSAGES"
SOURCES = ("config", "letters", "signatures")
GETTEXT_FUNCTIONS = {
    "_": ("msgid",),
    "gettext": ("msgid",),
    "gettext_lazy": ("msgid",),
    "ngettext": ("msgid", "plural"),
    "ngettext_lazy": ("msgid", "plural"),
    "pgettext": ("context", "msgid"),
    "pgettext_lazy": ("context", "msgid"),
    "npgettext": ("context", "msgid", "plural"),
    "npgettext_lazy": ("context", "msgid", "plural"),
}
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sd]")


def po_entries(path: Path) -> list[polib.POEntry]:
    """Every entry of a .po file, obsolete ones included; the header is not an entry."""
    return list(polib.pofile(str(path)))


def key(entry: polib.POEntry) -> tuple:
    """The entry as the code asks for it: (context, msgid, plural), absent parts as None."""
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or None)


def translations(entry: polib.POEntry) -> list[str]:
    """The msgstr, or each plural form's msgstr in order."""
    if entry.msgid_plural:
        return [entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _template_messages() -> set[tuple]:
    """What makemessages extracts from the templates: Django's templatize turns each
    {% translate %} / {% blocktranslate %} into a gettext call, read here."""
    call = re.compile(r"\b(n?p?gettext)\(((?:u'(?:[^'\\]|\\.)*'(?:, )?)+)")
    literal = re.compile(r"u('(?:[^'\\]|\\.)*')")
    found = set()
    for path in sorted((settings.BASE_DIR / "templates").rglob("*")):
        if path.suffix not in (".html", ".txt"):
            continue
        for name, arguments in call.findall(templatize(path.read_text(encoding="utf-8"))):
            values = [ast.literal_eval(text) for text in literal.findall(arguments)]
            found.add(_message(GETTEXT_FUNCTIONS[name], values))
    return found


def _python_messages() -> set[tuple]:
    found = set()
    for source in SOURCES:
        for path in sorted((settings.BASE_DIR / source).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                    continue
                roles = GETTEXT_FUNCTIONS.get(node.func.id)
                if roles is None:
                    continue
                values = [arg.value for arg in node.args[: len(roles)]]
                assert all(isinstance(value, str) for value in values), (path, node.lineno)
                found.add(_message(roles, values))
    return found


def _message(roles, values) -> tuple:
    named = dict(zip(roles, values, strict=True))
    return (named.get("context"), named["msgid"], named.get("plural"))


def test_every_message_in_the_templates_and_code_is_in_the_spanish_catalog():
    catalog = {key(entry) for entry in po_entries(CATALOG / "django.po")}
    wanted = _template_messages() | _python_messages()

    assert wanted - catalog == set(), "run makemessages -l es and translate the new messages"
    assert catalog - wanted == set(), "messages no longer used: run makemessages -l es"


def test_every_spanish_message_is_translated_and_none_is_fuzzy_or_obsolete():
    entries = po_entries(CATALOG / "django.po")

    assert len(entries) > 300
    assert [e.msgid for e in entries if "fuzzy" in e.flags] == []
    assert [e.msgid for e in entries if e.obsolete] == []
    assert [e.msgid for e in entries if not all(translations(e))] == []


def test_spanish_messages_keep_every_placeholder():
    for entry in po_entries(CATALOG / "django.po"):
        source = set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural))
        for translation in translations(entry):
            # A singular may leave out the count ("una firma"), nothing else.
            missing = source - set(PLACEHOLDER.findall(translation))
            assert missing <= {"%(counter)s", "%d"} if entry.msgid_plural else not missing, entry


def test_committed_mo_file_is_compiled_from_the_po_file():
    with open(CATALOG / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)

    for entry in po_entries(CATALOG / "django.po"):
        context, msgid, plural = key(entry)
        forms = translations(entry)
        if plural:
            assert compiled.ngettext(msgid, plural, 1) == forms[0]
            assert compiled.ngettext(msgid, plural, 5) == forms[-1]
        elif context:
            assert compiled.pgettext(context, msgid) == forms[0]
        else:
            assert compiled.gettext(msgid) == forms[0]
