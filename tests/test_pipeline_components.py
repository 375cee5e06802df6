"""The extractor as a spaCy pipeline: registered components, in order, configured, writing to the Doc."""

from __future__ import annotations

import csv
from datetime import date

import pytest
import spacy

from liaison.extract import Extractor
from liaison.extract.components import COMPONENTS
from liaison.model import Document, DocumentFacts

MEETING = (
    "Hanoi, 14 May — Nguyen Van Thanh, head of the Commission for External Relations of the Communist Party "
    "of Vietnam, met with Khamphan Sivilay, a member of the Central Committee of the Lao People's "
    "Revolutionary Party, in Hanoi on Tuesday.\n\n"
    "“Our two parties share a long friendship,” Thanh said. More than 30 delegates attended the talks."
)
UNDATED = ("Nguyen Van Thanh of the Communist Party of Vietnam met with Khamphan Sivilay of the Lao People's "
           "Revolutionary Party in Vientiane on Tuesday.")


def document(text: str, published: date | None = date(2024, 5, 16), source: str = "t") -> Document:
    return Document(source=source, text=text, content_hash=source, language="en", published=published)


def from_doc(extractor: Extractor, doc) -> DocumentFacts:
    return DocumentFacts(extractor=extractor.version, entities=doc._.entities, events=doc._.events,
                         participations=doc._.participations, quotes=doc._.quotes, figures=doc._.figures)


def test_components_follow_the_models_pipes_in_order(extractor):
    names = extractor.nlp.pipe_names
    ours = [n for n in names if n.startswith("liaison_")]
    assert ours == list(COMPONENTS)
    # paragraph marks go first, before the parser; the rest follow the model's pipes
    assert names[0] == "liaison_paragraphs" and names.index("liaison_paragraphs") < names.index("parser")
    assert names[-len(COMPONENTS) + 1:] == list(COMPONENTS[1:])
    assert names.index("ner") < names.index("liaison_entities")
    assert names.index("parser") < names.index("liaison_sentences")
    assert extractor.pipes == COMPONENTS
    # registered factories: spaCy knows them by name, and the config names them
    assert all(extractor.nlp.get_pipe_meta(n).factory == n for n in COMPONENTS)
    assert extractor.nlp.config["components"]["liaison_entities"]["factory"] == "liaison_entities"


def test_a_doc_through_the_pipeline_carries_the_facts_extract_returns(extractor):
    doc = extractor.make_doc(document(MEETING))
    assert doc._.published == date(2024, 5, 16) and doc._.entities is None
    doc = extractor.nlp(doc)
    assert doc._.extract_error is None
    expected = extractor.extract(document(MEETING))
    assert from_doc(extractor, doc) == expected
    # and the facts are what the text says, not merely equal
    people = {e.name: e for e in doc._.entities if e.type == "person"}
    assert {"Nguyen Van Thanh", "Khamphan Sivilay"} <= set(people)
    assert people["Khamphan Sivilay"].country == "LAO"
    (meeting,) = [v for v in doc._.events if v.kind == "meeting"]
    assert meeting.start == "2024-05-14" and meeting.place == "Hanoi"
    taking_part = {p.entity for p in doc._.participations if p.event == meeting.id}
    assert {people["Nguyen Van Thanh"].id, people["Khamphan Sivilay"].id} <= taking_part
    (quote,) = doc._.quotes
    assert quote.speaker == people["Nguyen Van Thanh"].id and quote.event == meeting.id  # liaison_links ran
    assert any(f.value == 30 and f.unit == "delegates" for f in doc._.figures)


def test_span_groups_show_the_facts_on_the_doc(extractor):
    doc = extractor.nlp(extractor.make_doc(document(MEETING)))
    ents = doc.spans["liaison_entities"]
    assert ("Khamphan Sivilay", "person") in {(s.text, s.label_) for s in ents}
    by_id = {e.id: e for e in doc._.entities}
    assert all(by_id[s.kb_id_].type == s.label_ for s in ents)
    assert {s.label_ for s in doc.spans["liaison_events"]} == {"meeting"}
    assert [s.text for s in doc.spans["liaison_quotes"]] == ["Our two parties share a long friendship"]
    assert "More than 30 delegates" in {s.text for s in doc.spans["liaison_figures"]}


def test_the_publication_date_is_the_docs_own_input(extractor):
    docs = [extractor.make_doc(document(UNDATED, date(2023, 3, 2))),
            extractor.make_doc(document(UNDATED, date(2024, 9, 12)))]
    starts = [[v.start for v in d._.events] for d in extractor.nlp.pipe(docs)]
    assert starts == [["2023-02-28"], ["2024-09-10"]]  # the Tuesday before each publication date


def test_spans_key_config_is_honoured():
    nlp = spacy.blank("en")
    nlp.add_pipe("liaison_figures")
    nlp.add_pipe("liaison_figures", name="quiet_figures", config={"spans_key": None})
    assert nlp.get_pipe("quiet_figures").spans_key is None
    doc = nlp("More than 30 delegates came.")
    assert [f.value for f in doc._.figures] == [30]
    assert [s.text for s in doc.spans["liaison_figures"]] == ["More than 30 delegates"]
    nlp = spacy.blank("en")
    nlp.add_pipe("liaison_figures", config={"spans_key": None})
    doc = nlp("More than 30 delegates came.")
    assert [f.value for f in doc._.figures] == [30] and "liaison_figures" not in doc.spans


@pytest.fixture
def party_facts(tmp_path):
    folder = tmp_path / "partyfacts"
    folder.mkdir()
    with (folder / "partyfacts-core-parties.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["partyfacts_id", "country", "name_english", "name", "technical"])
        out.writerow(["990017", "LAO", "Mekong Rice Growers Solidarity Party", "", ""])
    return tmp_path


def test_data_dir_config_reaches_the_entity_component(party_facts):
    text = ("The Mekong Rice Growers Solidarity Party sent a delegation to Hanoi, where it met officials of "
            "the Communist Party of Vietnam.")
    nlp = spacy.blank("en")
    nlp.add_pipe("liaison_sentences")
    nlp.add_pipe("liaison_entities", config={"data_dir": str(party_facts)})
    assert nlp.config["components"]["liaison_entities"]["data_dir"] == str(party_facts)
    component = nlp.get_pipe("liaison_entities")
    assert component.data_dir == str(party_facts)
    assert any(e.name == "Mekong Rice Growers Solidarity Party" for e in component.gazetteer.entries)
    party = next(e for e in nlp(text)._.entities if e.name == "Mekong Rice Growers Solidarity Party")
    assert party.type == "party" and party.external_ids == {"partyfacts": "990017"}

    plain = spacy.blank("en")
    plain.add_pipe("liaison_entities")
    assert plain.get_pipe("liaison_entities").data_dir is None
    assert not any(e.external_ids.get("partyfacts") == "990017" for e in plain(text)._.entities)


def test_extractor_load_passes_its_data_dir_to_the_component(party_facts):
    loaded = Extractor.load(None, party_facts)
    assert loaded.nlp.get_pipe("liaison_entities").data_dir == str(party_facts)
    assert loaded.gazetteer is loaded.nlp.get_pipe("liaison_entities").gazetteer
    facts = loaded.extract(document("Leaders of the Mekong Rice Growers Solidarity Party arrived in Hanoi."))
    assert any(e.external_ids.get("partyfacts") == "990017" for e in facts.entities)


def test_a_failing_component_costs_one_document(extractor, monkeypatch):
    finder = extractor.nlp.get_pipe("liaison_events").finder
    real = finder.find

    def find(text, *args, **kwargs):
        if "Ruritania" in text:
            raise KeyError("a rule's bug")
        return real(text, *args, **kwargs)

    good = document(MEETING, source="good")
    other = document(UNDATED, source="other")
    bad = document("Delegates of the Ruritania Unity Party met in Vientiane on Monday.", source="bad")
    expected = [extractor.extract(good), extractor.extract(other)]
    monkeypatch.setattr(finder, "find", find)

    # straight through nlp.pipe: the batch goes on, the failing Doc says what failed
    docs = list(extractor.nlp.pipe([extractor.make_doc(d) for d in (good, bad, other)]))
    assert len(docs) == 3
    assert docs[0]._.extract_error is None and docs[2]._.extract_error is None
    assert "KeyError" in docs[1]._.extract_error and "liaison_events" in docs[1]._.extract_error
    assert docs[1]._.events is None and docs[1]._.figures is None  # the components after it passed it over

    # through the extractor: one skipped document, the others' facts unchanged
    out = [facts for _, facts in extractor.extract_many([good, bad, other])]
    assert out[0] == expected[0] and out[2] == expected[1]
    assert out[1].skipped.startswith("extraction error: KeyError") and not out[1].entities


def test_a_long_document_in_pieces_gives_the_same_facts_as_before(extractor, monkeypatch):
    import liaison.extract as ex

    text = "\n\n".join([MEETING] * 6)
    whole = extractor.extract(document(text))
    monkeypatch.setattr(ex, "MAX_CHUNK", len(MEETING) + 10)
    cut = extractor.extract(document(text))
    assert len(cut.quotes) == 6 and len(whole.quotes) == 6
    assert [q.span for q in cut.quotes] == [q.span for q in whole.quotes]


def test_facts_of_a_doc_parsed_without_our_components(extractor):
    doc = document(MEETING)
    with extractor.nlp.select_pipes(disable=list(COMPONENTS)):
        parsed = extractor.nlp(extractor.nlp.make_doc(MEETING))
    assert parsed._.entities is None
    assert extractor.facts(doc, parsed) == extractor.extract(doc)


def test_the_parser_never_joins_a_dateline_line_to_the_paragraph_after_it(extractor):
    # Without the paragraph marks the parser read "Geneva, 4 of May of 2024 … The Bureau … met" as one
    # sentence whose subject is the date, and the meeting lost its "yesterday".
    text = ("Liberals call for calm in the region\n\nGeneva, 4 of May of 2024\n\n"
            "The Bureau of the Liberal International met yesterday by videoconference to discuss the crisis.")
    doc = extractor.nlp(extractor.make_doc(document(text, published=date(2024, 5, 4))))
    starts = [s.start_char for s in doc.sents]
    assert text.index("Geneva") in starts and text.index("The Bureau") in starts
    (meeting,) = [v for v in doc._.events if v.kind == "meeting"]
    assert meeting.start == "2024-05-03" and meeting.format == "virtual"


def test_party_abbreviations_after_a_name_are_read_in_the_persons_country(tmp_path):
    folder = tmp_path / "partyfacts"
    folder.mkdir()
    with (folder / "partyfacts-core-parties.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["partyfacts_id", "country", "name_short", "name_english", "name", "technical",
                      "year_first", "year_last", "share"])
        out.writerow(["990101", "CHL", "PRX", "Old Radical Party", "", "", "1850", "1891", "40"])
        out.writerow(["990102", "CHL", "PRX", "Party of Radical Renewal", "", "", "1990", "", "12"])
        out.writerow(["990103", "CHL", "PRX", "Radical Workers Front", "", "", "1995", "2001", "30"])
        out.writerow(["990104", "FIN", "MDL", "Movement for Liberty", "", "", "2001", "", "3"])
        out.writerow(["990105", "NOR", "FLK", "Folk League", "", "", "2005", "", "9"])
    loaded = Extractor.load(None, tmp_path)
    text = ("Santiago, May 2 -- The senator Rodrigo Fuentes (PRX) spoke on Chile's future.\n\n"
            "Bureau members:\n\nAino Virtanen (MDL, Finland)\n\n"
            "The rally drew the leader of Norway’s FLK party, Ola Berg.")
    facts = loaded.extract(document(text))
    parties = {e.name: e for e in facts.entities if e.type == "party"}
    # the active party of that abbreviation in the person's country, not the nineteenth-century one
    assert parties["Party of Radical Renewal"].country == "CHL"
    assert "Old Radical Party" not in parties and "Radical Workers Front" not in parties
    assert parties["Movement for Liberty"].country == "FIN"
    assert parties["Folk League"].country == "NOR"
    assert next(e for e in facts.entities if e.name == "Aino Virtanen").country == "FIN"
    # without its country in the text, an abbreviation names no party
    facts = loaded.extract(document("Rodrigo Fuentes (PRX) spoke at length."))
    assert not [e for e in facts.entities if e.type == "party"]
