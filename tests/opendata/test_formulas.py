"""The one formula-injection rule (knowledgebase.opendata.formulas), without the database."""

import re

import pytest

from knowledgebase.opendata.formulas import (
    FORMULA_START_PATTERN,
    formula_refused,
    looks_like_formula,
    neutralise,
    unescape,
)

FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]
TEXTS = ["Zaporizhzhia", "230 returned", "", "'quoted", "a = b", "e-mail"]
NUMBERS = ["-5", "+1.5", "-33.50000", "1e6", "-0,5"]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_a_spreadsheet_would_run_looks_like_a_formula(text):
    assert looks_like_formula(text)


@pytest.mark.parametrize("value", [*TEXTS, *NUMBERS, None, 5, -5.5])
def test_plain_text_numbers_and_non_text_do_not_look_like_formulas(value):
    assert not looks_like_formula(value)


@pytest.mark.parametrize("text", FORMULAS)
def test_neutralised_formula_text_is_text_to_a_spreadsheet(text):
    written = neutralise(text)

    assert written == "'" + text
    assert not looks_like_formula(written)


@pytest.mark.parametrize("value", ["Zaporizhzhia", "'quoted", "a = b", "", 5, -33.5, None])
def test_neutralise_leaves_safe_text_and_non_text_alone(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("text", [*FORMULAS, *TEXTS, *NUMBERS, "'=x", "''=x", "'''-x", "'", "''"])
def test_what_is_neutralised_unescapes_to_itself(text):
    assert unescape(neutralise(text)) == text


def test_text_that_begins_with_an_apostrophe_before_a_formula_keeps_it_through_a_round_trip():
    assert neutralise("'=x") == "''=x"
    assert unescape("''=x") == "'=x"


@pytest.mark.parametrize("text", ["'quoted", "'5", "plain"])
def test_unescape_removes_only_an_apostrophe_that_escapes_a_formula(text):
    assert unescape(text) == text


@pytest.mark.parametrize("text", [*FORMULAS, *TEXTS, "'=x", "''@x", "'plain"])
def test_the_sql_pattern_matches_exactly_what_neutralise_escapes(text):
    assert bool(re.match(FORMULA_START_PATTERN, text)) == (neutralise(text) != text)


def test_the_refusal_names_the_column_and_the_character():
    message = formula_refused("title", '=HYPERLINK("http://x","y")')

    assert message.startswith("title begins with \u201c=\u201d, which spreadsheet programs run as a formula.")
    assert "apostrophe" in message


def test_the_refusal_names_an_invisible_start():
    assert formula_refused("summary", "\t=1").startswith("summary begins with a tab,")
