"""The header dictionary and the column matcher: exact, alias, unit-settled and guessed matches."""

from kpidesk.exchange.header_dictionary import (
    ALIAS,
    BY_HAND,
    EXACT,
    GUESS,
    FieldSpellings,
    dictionary,
    field_spellings,
    match_columns,
    unit_of_text,
    value_shape,
)

KNOWN = [
    FieldSpellings("contacts", "count", None, ("接待总数", "Contacts handled")),
    FieldSpellings("first_contact_resolved", "count", None, ("一次解决数",)),
    FieldSpellings("survey_score", "score", None, ("满意度评分(5分制)", "Survey score (5-point)")),
    FieldSpellings("csat", "percent", None, ("客户满意度", "Customer satisfaction")),
    FieldSpellings("promoters", "count", None, ("推荐者人数",)),
    FieldSpellings("qa_score", "score", None, ("质检评分",)),
]


def fields():
    return field_spellings(KNOWN)


def test_the_dictionary_ships_as_package_data_keyed_by_field_code():
    shipped = dictionary()
    assert {"contacts", "callbacks_planned", "promoters", "survey_score", "avg_handle_time"} <= shipped.keys()
    assert "接通量" in shipped["contacts"].aliases and shipped["survey_score"].scale == 5


def test_exact_alias_and_unit_settled_matches():
    headers = ["接待总数", "话务/接通量(次)", "满意度(5分制)", "满意度(%)", "CSAT (1-5)"]
    cells = {"满意度(5分制)": ["4.8分", 4.6], "满意度(%)": ["88.5%", 0.91], "CSAT (1-5)": ["4.8分"]}
    found = {m.column: (m.field, m.how) for m in match_columns(headers, cells, fields())}
    assert found["接待总数"] == ("contacts", EXACT)
    assert found["话务/接通量(次)"] == (None, None)  # contacts is taken by the exact match
    assert found["满意度(5分制)"] == ("survey_score", ALIAS)
    assert found["满意度(%)"] == ("csat", ALIAS)
    assert found["CSAT (1-5)"] == (None, None)  # survey_score already taken by a surer claim


def test_a_field_goes_to_one_column_and_by_hand_wins():
    found = match_columns(["接通量", "接待总数"], {}, fields(), by_hand={"接通量": "contacts"})
    assert [(m.field, m.how) for m in found] == [("contacts", BY_HAND), (None, None)]


def test_guesses_carry_a_confidence_and_unsure_ones_wait_for_confirmation():
    sure, unsure = match_columns(["NPS推荐者数量", "质检平均分"], {}, fields())
    assert (sure.field, sure.how, sure.confirmed) == ("promoters", GUESS, True) and sure.confidence >= 0.8
    assert (unsure.field, unsure.how, unsure.confirmed) == ("qa_score", GUESS, False) and unsure.confidence < 0.8
    assert unsure.describe().startswith("质检平均分 → qa_score (guess ")
    accepted = match_columns(["质检平均分"], {}, fields(), accept_guesses=True)[0]
    assert accepted.confirmed


def test_value_shape_moves_a_guess_between_fields():
    scores = match_columns(["满意度得分情况"], {"满意度得分情况": ["4.8分", "4.6"]}, fields())[0]
    percents = match_columns(["满意度得分情况"], {"满意度得分情况": ["88%", "0.91"]}, fields())[0]
    assert scores.field == "survey_score" and percents.field == "csat"


def test_nothing_alike_is_not_proposed():
    assert match_columns(["内部编码"], {}, fields())[0].field is None


def test_units_and_shapes():
    assert [unit_of_text(t) for t in ("次", "秒", "%", "5分制", "1-5", "元", None)] == [
        "count", "duration", "percent", "score", "score", "currency", None]
    assert value_shape(["88.5%", "0.91"]) == "percent"
    assert value_shape(["4分12秒", "38秒"]) == "duration"
    assert value_shape(["4.8分", "4.6"]) == "score"
    assert value_shape(["412", 380]) == "count"
