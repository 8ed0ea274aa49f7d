"""What typed search text means, and which lookups answer it (no server needed)."""

from __future__ import annotations

from datetime import date

import pytest

from studio_comm.core.search import classify


@pytest.mark.parametrize("text", ["", "   ", "\t"])
def test_blank_is_empty(text):
    assert classify(text).kind == "empty"


def test_at_sign_means_email():
    q = classify("  anna.mueller@web.de ")
    assert (q.kind, q.email) == ("email", "anna.mueller@web.de")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07.03.1985", date(1985, 3, 7)),
        ("7.3.1985", date(1985, 3, 7)),
        ("1985-03-07", date(1985, 3, 7)),
    ],
)
def test_dates_mean_date_of_birth(text, expected):
    q = classify(text)
    assert (q.kind, q.date_of_birth) == ("date_of_birth", expected)


def test_impossible_date_finds_nothing_rather_than_searching_names():
    q = classify("31.02.1985")
    assert (q.kind, q.date_of_birth) == ("date_of_birth", None)


def test_short_digits_are_a_customer_number_then_a_card_then_a_barcode():
    q = classify("10042")
    assert q.kind == "customer_number"
    assert q.lookups == (("customer_number", "10042"), ("card_number", "10042"),
                         ("barcode", "10042"))


def test_long_digits_are_a_card_number_first():
    q = classify("3141592653")
    assert q.kind == "card_number"
    assert [field for field, _ in q.lookups] == ["card_number", "barcode", "customer_number"]


def test_letters_with_digits_are_a_barcode_or_prefixed_customer_number():
    q = classify("SC0100004217")
    assert q.kind == "card_number"
    assert [field for field, _ in q.lookups] == ["barcode", "customer_number"]


def test_one_word_searches_last_name_and_first_name_prefixes():
    q = classify("Müll")
    assert q.kind == "name"
    assert q.names == ((None, "Müll"), ("Müll", None))


def test_two_words_are_first_and_last_name_also_reversed():
    assert classify("Anna  Schmidt").names == (("Anna", "Schmidt"), ("Schmidt", "Anna"))


def test_comma_means_last_name_first():
    assert classify("Schmidt, Anna").names == (("Anna", "Schmidt"),)


def test_three_words_try_both_splits_likeliest_first():
    names = classify("Jan de Vries").names
    assert set(names) == {("Jan", "de Vries"), ("de Vries", "Jan"),
                          ("Jan de", "Vries"), ("Vries", "Jan de")}
    assert names[0][0] == "Jan" or names[0][1] == "Vries"


def test_many_words_stay_a_few_requests():
    assert len(classify("a b c d e f g h").names) <= 4
