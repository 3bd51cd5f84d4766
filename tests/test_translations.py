"""The translation catalogues in locale/: complete, faithful to their placeholders, compiled, current, and
no template text left out of them."""

import gettext
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))
# What `makemessages` leaves out, as in the README's command: the tests, the benchmarks and what they
# write, and the vendored map data.
EXTRACT_IGNORE = [".venv", "tests", "benchmarks", "test-artifacts", "static/vendor", "locale", "var", "mutants"]

# Placeholders that must survive translation unchanged: %(name)s, %s, %d, %%, {name}, HTML tags, addresses.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd%]|\{\w*\}|</?[a-zA-Z][a-zA-Z0-9]*|https?://[^\s\"'<>]+")


def _catalogue_id(path):
    return str(path.relative_to(LOCALE_DIR))


def _entries(path):
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


def _placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


def test_every_language_but_the_default_has_a_catalogue():
    """A language in settings.LANGUAGES without a catalogue would show English under its own prefix."""
    languages = {code for code, _name in settings.LANGUAGES} - {settings.LANGUAGE_CODE}
    assert languages, "settings.LANGUAGES names no language besides the default"
    assert {path.parent.parent.name for path in CATALOGUES} >= languages


@pytest.mark.parametrize("path", CATALOGUES, ids=_catalogue_id)
def test_every_message_is_translated_none_fuzzy_none_obsolete(path):
    catalogue = polib.pofile(str(path))
    nplurals = int(re.search(r"nplurals\s*=\s*(\d+)", catalogue.metadata["Plural-Forms"]).group(1))
    problems = []
    for entry in catalogue:
        if entry.obsolete:
            problems.append(f"obsolete: {entry.msgid!r}")
        elif "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            forms = [entry.msgstr_plural.get(index, "") for index in range(nplurals)]
            if len(entry.msgstr_plural) != nplurals or not all(form.strip() for form in forms):
                problems.append(f"a plural form missing: {entry.msgid!r}")
        elif not entry.msgstr.strip():
            problems.append(f"untranslated: {entry.msgid!r}")
    assert not catalogue.metadata_is_fuzzy, "the catalogue's header is marked fuzzy"
    assert not problems, f"{len(problems)} problems in {_catalogue_id(path)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", CATALOGUES, ids=_catalogue_id)
def test_translations_keep_every_placeholder_tag_and_address(path):
    problems = []
    for entry in _entries(path):
        if entry.msgid_plural:
            # Each form stands for the plural message; a form may not invent or drop a placeholder.
            expected = _placeholders(entry.msgid_plural)
            translations = list(entry.msgstr_plural.values())
        else:
            expected = _placeholders(entry.msgid)
            translations = [entry.msgstr]
        for translation in translations:
            if translation and _placeholders(translation) != expected:
                problems.append(f"{entry.msgid!r}: {expected} became {_placeholders(translation)} in {translation!r}")
    assert not problems, "\n".join(problems)


def test_the_placeholder_check_catches_a_lost_or_renamed_placeholder():
    assert _placeholders("%(count)s подій") == _placeholders("%(count)s events")
    assert _placeholders("%(cout)s подій") != _placeholders("%(count)s events")
    assert _placeholders("подій") != _placeholders("%(count)s events")
    assert _placeholders('<a href="%(url)s">дані</a>') == _placeholders('<a href="%(url)s">data</a>')
    assert _placeholders("дані") != _placeholders("<strong>data</strong>")


@pytest.mark.parametrize("path", CATALOGUES, ids=_catalogue_id)
def test_no_message_carries_an_escape_that_the_code_never_looks_up(path):
    r"""xgettext does not decode a Python escape such as \u201c: the catalogue would hold a message that
    the running code, which asks for the decoded text, never finds. Write the character itself."""
    escaped = [entry.msgid for entry in _entries(path) if re.search(r"\\[uUxN]", entry.msgid)]
    assert not escaped, escaped


@pytest.mark.parametrize("path", CATALOGUES, ids=_catalogue_id)
def test_the_committed_compiled_catalogue_matches_its_source(path):
    """`make demo` needs no msgfmt: the .mo files are committed, and must say what the .po files say.
    Rebuild them with `manage.py compilemessages` after any change to a .po file."""
    compiled_path = path.with_suffix(".mo")
    assert compiled_path.exists(), f"{compiled_path} is missing: run manage.py compilemessages"
    compiled = {
        (entry.msgctxt, entry.msgid): dict(entry.msgstr_plural) if entry.msgid_plural else entry.msgstr
        for entry in polib.mofile(str(compiled_path))
        if entry.msgid
    }
    source = {
        (entry.msgctxt, entry.msgid): (
            {index: text for index, text in entry.msgstr_plural.items()} if entry.msgid_plural else entry.msgstr
        )
        for entry in _entries(path)
        if entry.translated()
    }
    assert compiled.keys() == source.keys(), {
        "only in the .po": sorted(map(str, source.keys() - compiled.keys()))[:20],
        "only in the .mo": sorted(map(str, compiled.keys() - source.keys()))[:20],
    }
    different = [key for key in source if compiled[key] != source[key]]
    assert not different, f"{len(different)} messages differ, e.g. {different[:5]}"

    # The file is one gettext itself reads, with the catalogue's own plural rule.
    with compiled_path.open("rb") as file:
        translation = gettext.GNUTranslations(file)
    plural = next(entry for entry in _entries(path) if entry.msgid_plural)
    forms = polib.pofile(str(path)).metadata["Plural-Forms"]
    for index in range(int(re.search(r"nplurals\s*=\s*(\d+)", forms).group(1))):
        n = next(n for n in range(200) if translation.plural(n) == index)
        assert translation.ngettext(plural.msgid, plural.msgid_plural, n) == plural.msgstr_plural[index]


def test_the_ukrainian_plural_rule_picks_the_right_form():
    with (LOCALE_DIR / "uk/LC_MESSAGES/django.mo").open("rb") as file:
        plural = gettext.GNUTranslations(file).plural
    assert [plural(n) for n in (1, 21, 101)] == [0, 0, 0]
    assert [plural(n) for n in (2, 3, 4, 22, 104)] == [1, 1, 1, 1, 1]
    assert [plural(n) for n in (0, 5, 11, 12, 14, 19, 25, 111)] == [2, 2, 2, 2, 2, 2, 2, 2]


def _extract(tmp_path, monkeypatch):
    """The messages `makemessages` finds in the code and templates today, as a fresh catalogue. It runs on a
    copy of the project, since it writes files of its own beside the templates it reads."""
    work = tmp_path / "project"
    work.mkdir()
    for item in Path(settings.BASE_DIR).iterdir():
        if item.name in EXTRACT_IGNORE or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(item, work / item.name, ignore=shutil.ignore_patterns("__pycache__", "vendor"))
        else:
            shutil.copy2(item, work / item.name)
    monkeypatch.chdir(work)
    with override_settings(LOCALE_PATHS=[str(work / "locale")]):
        call_command("makemessages", locale=["uk"], ignore_patterns=EXTRACT_IGNORE, no_obsolete=True, verbosity=0)
    return polib.pofile(str(work / "locale/uk/LC_MESSAGES/django.po"))


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext's xgettext is not installed")
@pytest.mark.parametrize("path", CATALOGUES, ids=_catalogue_id)
def test_the_catalogue_holds_every_message_of_the_code_and_templates_and_no_other(path, tmp_path, monkeypatch):
    """Run `makemessages` (see README, "Languages") and translate what it adds when this fails."""
    extracted = {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in _extract(tmp_path, monkeypatch)}
    catalogue = {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in _entries(path)}
    assert len(extracted) > 500, "the extraction found too little to be trusted"
    assert not extracted - catalogue, f"not in {_catalogue_id(path)}: {sorted(extracted - catalogue, key=str)}"
    assert not catalogue - extracted, f"no longer in the code: {sorted(catalogue - extracted, key=str)}"


# ---- Template text that is not marked for translation ----------------------------------------------------

# Words that read the same in every language: formats, standards, names of things and symbols.
TECHNICAL_WORDS = {
    "API",
    "Atom",
    "CSV",
    "GET",
    "HXL",
    "JSON",
    "OpenAPI",
    "SVG",
    "XLSX",
    "ISO",
    "UTF",
    "Wikidata",
    "ACLED",
    "GLIDE",
    "QID",
}
USER_FACING_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder", "aria-description", "aria-roledescription")

_COMMENT = re.compile(r"{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.S)
_BLOCKTRANSLATE = re.compile(r"{%\s*blocktrans(?:late)?\b.*?%}.*?{%\s*endblocktrans(?:late)?\s*%}", re.S)
_TEMPLATE_TAG = re.compile(r"{%.*?%}|{{.*?}}", re.S)
# Scripts and styles, and literal text a reader types or reads as is (addresses, parameters, JSON).
_RAW_TEXT = re.compile(r"<(script|style|code|kbd|samp)\b.*?</\1\s*>", re.S | re.I)
_HTML_TAG = re.compile(r"<[^>]*>", re.S)
_ENTITY = re.compile(r"&#?\w+;")
_ATTRIBUTE = re.compile(
    r"\s(" + "|".join(map(re.escape, USER_FACING_ATTRIBUTES)) + r")\s*=\s*(\"[^\"]*\"|'[^']*')", re.S | re.I
)
_WORD = re.compile(r"[^\W\d_]{2,}")


def untranslated_words(source):
    """The words of a template that a reader sees and that are not marked for translation: text outside
    tags, and the values of user-facing attributes, once comments, translation blocks, template tags and
    variables are removed."""
    text = _BLOCKTRANSLATE.sub(" ", _COMMENT.sub(" ", source))
    found = []
    # A {% translate 'x' %} inside an attribute may hold quotes: blank them so the value is read whole.
    hidden = _TEMPLATE_TAG.sub(lambda tag: re.sub(r"[\"']", "_", tag.group(0)), text)
    for _name, value in _ATTRIBUTE.findall(hidden):
        found += _WORD.findall(_TEMPLATE_TAG.sub(" ", value[1:-1]))
    text = _HTML_TAG.sub(" ", _RAW_TEXT.sub(" ", _TEMPLATE_TAG.sub(" ", text)))
    found += _WORD.findall(_ENTITY.sub(" ", text))
    return [word for word in found if word not in TECHNICAL_WORDS]


def test_the_template_check_finds_unmarked_text_and_accepts_marked_text():
    assert untranslated_words("<p>Hello {{ name }}</p>") == ["Hello"]
    assert untranslated_words('<a title="Open it" href="/x/">{% translate "Go" %}</a>') == ["Open", "it"]
    assert untranslated_words("<img alt='Map of events' src='/m.svg'>") == ["Map", "of", "events"]
    assert untranslated_words('<a title="{% translate \'Open it\' %}">{% translate "Go" %}</a>') == []
    assert untranslated_words('<input placeholder="{% translate "Search" %}" name="q">') == []
    assert untranslated_words("{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}") == []
    assert untranslated_words("{# a note #}{% comment %}Not shown{% endcomment %}<p>CSV · JSON</p>") == []
    assert untranslated_words("<li>{% translate 'Add:' %} <code>/api/v1/events/?lang=uk</code></li>") == []
    assert untranslated_words('<span class="badge badge-disputed" data-kind="figure">42</span>') == []


TEMPLATES = sorted(TEMPLATES_DIR.rglob("*.html"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(TEMPLATES_DIR)))
def test_no_template_shows_text_that_is_not_marked_for_translation(template):
    words = untranslated_words(template.read_text(encoding="utf-8"))
    assert not words, f"wrap these in {{% translate %}} or {{% blocktranslate %}}: {words}"
