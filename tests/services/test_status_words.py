"""One wording of a period's status for the window and the command line."""

from kpidesk.i18n import set_language
from kpidesk.services.appraisal.status_words import period_status_text


def test_status_words_follow_the_language():
    assert period_status_text("review") == "in review"
    assert period_status_text("not_opened") == "not opened"
    assert period_status_text("something new") == "something new"
    assert period_status_text(None) == ""
    set_language("zh")
    try:
        assert period_status_text("finalized") not in ("finalized", "")
    finally:
        set_language("en")
