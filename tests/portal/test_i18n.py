"""The English translation: key pages switch to English, Chinese stays the default, and the catalogue is complete."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")

NAV_ZH = ["首页", "数据填报", "新闻报道", "数据看板", "导出"]
NAV_EN = ["Home", "Data entry", "News reports", "Dashboard", "Export"]

# url name -> (Chinese heading, English heading)
PAGES = {
    "home": ("<h1>首页", "<h1>Home"),
    "metrics:return_index": ("<h1>数据填报", "<h1>Data entry"),
    "reports:list": ("<h1>新闻报道</h1>", "<h1>News reports</h1>"),
    "metrics:dashboard": ("<h1>数据看板", "<h1>Dashboard"),
    "reports:exports": ("<h1>导出数据摘要</h1>", "<h1>Export data summaries</h1>"),
}


def _switch(client, language: str) -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": reverse("home")})
    assert response.status_code == 302


def _page(client, name: str) -> str:
    response = client.get(reverse(name))
    assert response.status_code == 200, name
    return response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_key_pages_default_to_chinese(world, editor_a, client_for, name):
    html = _page(client_for(editor_a), name)
    zh_heading, en_heading = PAGES[name]
    assert 'lang="zh-hans"' in html
    assert zh_heading in html and en_heading not in html
    assert all(f">{label}</a>" in html for label in NAV_ZH)
    assert "基层党建数据平台" in html


@pytest.mark.parametrize("name", PAGES)
def test_key_pages_render_in_english_after_switching(world, editor_a, client_for, name):
    client = client_for(editor_a)
    _switch(client, "en")
    html = _page(client, name)
    zh_heading, en_heading = PAGES[name]
    assert 'lang="en"' in html
    assert en_heading in html and zh_heading not in html
    assert all(f">{label}</a>" in html for label in NAV_EN)
    assert not any(f">{label}</a>" in html for label in NAV_ZH)
    assert "Grassroots Party Building Data Platform" in html and "基层党建数据平台" not in html
    assert ">Log out</button>" in html


def test_english_labels_on_the_returns_and_exports_pages(world, editor_a, client_for):
    client = client_for(editor_a)
    _switch(client, "en")
    returns = _page(client, "metrics:return_index")
    assert ">Completeness</a>" in returns and ">Status</th>" in returns and ">Deadline</th>" in returns
    exports = _page(client, "reports:exports")
    assert ">Region</label>" in exports and ">Period</label>" in exports and ">Campaign</label>" in exports
    assert ">PDF summary</button>" in exports
    reports = _page(client, "reports:list")
    assert ">Filter</button>" in reports and ">All</option>" in reports
    chosen = client.get(reverse("reports:exports"), {"region": world.district_a.pk, "period": "2024"}).content.decode()
    assert ">Monthly trend</a>" in chosen and ">Five-star branch distribution</a>" in chosen
    assert "月度趋势" not in chosen


def test_switching_back_restores_chinese(world, editor_a, client_for):
    client = client_for(editor_a)
    _switch(client, "en")
    assert "<h1>Dashboard" in _page(client, "metrics:dashboard")
    _switch(client, "zh-hans")
    html = _page(client, "metrics:dashboard")
    assert 'lang="zh-hans"' in html and "<h1>数据看板" in html


def test_model_choices_follow_the_language(world, editor_a, client_for):
    from django.utils import translation

    from portal.models import Profile

    with translation.override("en"):
        assert str(Profile.Role.EDITOR.label) == "Data entry clerk"
        assert str(Profile.Role.VIEWER.label) == "Leader (view only)"
    with translation.override("zh-hans"):
        assert str(Profile.Role.EDITOR.label) == "填报员"


# --- The catalogue itself ---------------------------------------------------------------------


def _po_entries(path: Path) -> list[dict]:
    """Parse a .po file into entries: {"flags", "msgctxt", "msgid", "msgid_plural", "msgstr": {index: text}}.

    Obsolete (``#~``) entries are skipped; string continuation lines are joined.
    """
    entries: list[dict] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry: dict = {"flags": set(), "msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}}
        key = None
        for line in block.splitlines():
            line = line.strip()
            if not line or line.startswith("#~"):
                continue
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
                continue
            if line.startswith("#"):
                continue
            match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
            if match:
                keyword, index, literal = match.groups()
                key = ("msgstr", int(index or 0)) if keyword.startswith("msgstr") else keyword
                value = ast.literal_eval(literal)
            elif line.startswith('"') and key is not None:
                value = ast.literal_eval(line)
            else:
                raise AssertionError(f"unparseable line in {path.name}: {line!r}")
            if isinstance(key, tuple):
                entry["msgstr"][key[1]] = entry["msgstr"].get(key[1], "") + value
            else:
                entry[key] = (entry[key] or "") + value
        if entry["msgid"] is not None:
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[dict]:
    assert PO_FILE.exists(), "run: manage.py makemessages -l en"
    entries = _po_entries(PO_FILE)
    assert entries and entries[0]["msgid"] == "", "the .po file should start with its header"
    return entries


def test_po_header_is_not_fuzzy_and_declares_english(po_entries):
    header = po_entries[0]
    assert "fuzzy" not in header["flags"]
    assert "Language: en\n" in header["msgstr"][0]
    assert "charset=UTF-8" in header["msgstr"][0]


def test_every_string_is_translated_and_none_is_fuzzy(po_entries):
    messages = po_entries[1:]
    assert len(messages) > 250
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    empty = [e["msgid"] for e in messages if not e["msgstr"] or not all(e["msgstr"].values())]
    assert not fuzzy, f"fuzzy entries in {PO_FILE.name} (check them and remove the flag): {fuzzy}"
    assert not empty, f"untranslated entries in {PO_FILE.name}: {empty}"
    plural = [e["msgid"] for e in messages if e["msgid_plural"] and sorted(e["msgstr"]) != [0, 1]]
    assert not plural, f"plural entries need msgstr[0] and msgstr[1]: {plural}"


PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def test_translations_keep_their_placeholders(po_entries):
    wrong = [
        (e["msgid"], text)
        for e in po_entries[1:]
        for text in e["msgstr"].values()
        if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(e["msgid"]))
    ]
    assert not wrong, f"placeholders differ between msgid and msgstr: {wrong}"


def test_compiled_catalogue_matches_the_po_file(po_entries):
    """The committed .mo is what Django loads: it must be recompiled whenever the .po changes."""
    assert MO_FILE.exists(), "run: manage.py compilemessages -l en"
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        e["msgid"]
        for e in po_entries[1:]
        if not e["msgid_plural"] and not e["msgctxt"] and compiled.gettext(e["msgid"]) != e["msgstr"][0]
    ]
    assert not stale, f"{MO_FILE.name} is out of date (run compilemessages -l en): {stale}"
