"""Cleaning: page furniture goes, prose stays, header facts are found."""

from __future__ import annotations

from datetime import date

from conftest import FIXTURES

from liaison.ingest import prepare, read_path
from liaison.ingest.clean import clean_lines, is_author_list


def prepared(name):
    (raw,) = list(read_path(str(FIXTURES / "messy" / name), 5_000_000))
    return prepare(raw)


def test_paywalled_page_keeps_prose_and_drops_furniture():
    doc = prepared("paywalled-summit.txt")
    assert doc.title == "Party leaders from Laos and Vietnam meet in Vientiane"
    assert doc.authors == ["Mara Quill"]
    assert doc.published == date(2019, 3, 3)
    assert doc.text.count("Party leaders from Laos and Vietnam meet in Vientiane") == 1
    assert "Lao People's Revolutionary Party" in doc.text
    assert "joint seminar on party building" in doc.text
    for furniture in ("subscri", "Sign in", "Getty", "Donate", "app", "conversation", "Comments",
                      "Related stories", "ambassador", "World\n", "By Mara"):
        assert furniture not in doc.text, furniture


def test_dateline_takes_its_year_from_another_date_in_the_text():
    doc = prepared("dateline-wire.txt")
    assert doc.published == date(2017, 3, 3)
    assert "Wire Desk" not in doc.text and "Credit:" not in doc.text


def test_dateline_without_any_year_in_the_text_stays_unknown():
    cleaned = clean_lines("Talks end\n\nHanoi, Dec 2: The two parties ended their talks on Friday with a joint "
                          "statement on cooperation and training of officials.")
    assert cleaned.dateline["date"] == "Dec 2" and cleaned.dateline["year"] is None
    from liaison.ingest import prepare as prep
    from liaison.model import RawDocument

    doc = prep(RawDocument(source="x.txt", body="Talks end\n\nHanoi, Dec 2: The two parties ended their talks "
                                               "on Friday with a joint statement on cooperation.", format="text"))
    assert doc.published is None


def test_wrong_encoding_is_stored_with_a_warning():
    doc = prepared("latin1-cafe.txt")
    assert "café" in doc.text
    assert any("decoded as" in w for w in doc.warnings)


def test_repeated_headline_and_caption_kept_once():
    body = ("Two ruling parties meet\nTwo ruling parties meet\nTwo ruling parties meet\n"
            "Leaders shake hands in Hanoi. Jane Roe/Example Photos\n"
            "The two ruling parties met in Hanoi on Monday to discuss training of cadres and trade.\n")
    cleaned = clean_lines(body)
    assert cleaned.text == ("Two ruling parties meet\n\nThe two ruling parties met in Hanoi on Monday to discuss "
                            "training of cadres and trade.")
    reasons = [why for why, _ in cleaned.removed]
    assert reasons.count("repeated line") == 2 and "photo caption or credit" in reasons


def test_sentence_mentioning_subscriptions_is_kept():
    line = ("Delegates said the party would subscribe to the joint declaration and register its support "
            "for the new cooperation framework at the next congress.")
    assert clean_lines("Headline about a congress\n" + line).text.endswith(line)


def test_author_lists_are_recognised_but_not_headlines():
    assert is_author_list("Wang Li, Zoe Park and Cam Walt")
    assert not is_author_list("Xi Jinping Is Using Party Outreach to Build a Bloc")
    assert not is_author_list("Leaders from Laos, Vietnam and Cambodia met.")


def test_a_date_heading_a_report_is_kept_and_dates_its_weekdays(extractor):
    from liaison.model import Document

    cleaned = clean_lines("4-6 March 2019\n\nThe Liberal Federation held its council meeting in Tallinn on "
                          "Monday 4 – Wednesday 6 March, its first since the congress.")
    assert cleaned.text.startswith("4-6 March 2019")  # no section label: the only date the page has
    facts = extractor.extract(Document(source="t.txt", text=cleaned.text, content_hash="x", published=None))
    council = next(v for v in facts.events if "council" in v.name.lower())
    assert (council.start, council.end) == ("2019-03-04", "2019-03-06")
