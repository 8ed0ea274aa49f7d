"""Variables in saved replies and campaign texts: every variable in every place it can stand."""

from __future__ import annotations

import pytest

from studio_comm.api.models import Customer, StudioInformation
from studio_comm.core.templates import VARIABLES, render, unfilled, unfilled_at, values_for

ANNA = Customer.model_validate({"id": 7, "status": "MEMBER", "accessRefusal": False, "firstName": "Anna",
                                "lastName": "Müller", "customerNumber": "1007"})
STUDIO = StudioInformation.model_validate({"studioId": 1, "name": "Kraftwerk Berlin"})
VALUES = values_for(ANNA, staff="Aylin D.", studio=STUDIO)


@pytest.mark.parametrize("name,expected", [
    ("member.first_name", "Anna"), ("member.last_name", "Müller"), ("member.customer_number", "1007"),
    ("staff.name", "Aylin D."), ("studio.name", "Kraftwerk Berlin"),
])
def test_each_variable_is_filled_at_the_start_in_the_middle_and_at_the_end(name, expected):
    text = f"{{{{{name}}}}} mid {{{{ {name} }}}} end {{{{{name}}}}}"
    rendered = render(text, VALUES)
    assert rendered.text == f"{expected} mid {expected} end {expected}"
    assert rendered.complete and unfilled(rendered.text) == []


def test_every_variable_in_one_text_is_substituted_not_only_the_first():
    text = " ".join(f"{{{{{name}}}}}" for name in VARIABLES)
    assert render(text, VALUES).text == "Anna Müller 1007 Aylin D. Kraftwerk Berlin"


def test_a_fallback_stands_in_for_a_missing_value_and_a_missing_one_without_stays_marked():
    nameless = values_for(None, staff=None, studio=STUDIO)
    rendered = render("Hallo {{member.first_name|zusammen}}, {{staff.name}} hier.", nameless)
    assert rendered.text == "Hallo zusammen, {{staff.name}} hier."
    assert rendered.unfilled == ("staff.name",) and not rendered.complete
    assert unfilled(rendered.text) == ["staff.name"]


def test_an_unknown_or_misspelt_variable_is_kept_visible_not_emptied():
    rendered = render("Hi {{member.firstname|du}} and {{member.first_name}}", VALUES)
    assert rendered.text == "Hi {{member.firstname|du}} and Anna"
    assert rendered.unfilled == ("member.firstname",)


def test_text_without_variables_and_single_braces_pass_unchanged():
    text = "Kurs {A} startet um 18:00 {{ nicht"
    assert render(text, VALUES).text == text and unfilled(text) == []


def test_where_each_unfilled_variable_stands_is_found_for_marking_it():
    text = render("{{staff.name}} grüßt {{member.first_name}} von {{ studio.name | uns }}.",
                  values_for(ANNA, staff=None, studio=None)).text
    assert text == "{{staff.name}} grüßt Anna von uns."
    assert unfilled_at(text) == [(0, 14, "staff.name")]
    typed = "a {{x}} b {{ y|z }}"
    assert [typed[start:end] for start, end, _ in unfilled_at(typed)] == ["{{x}}", "{{ y|z }}"]
