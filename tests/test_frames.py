"""Event frames read from the parse, on sentences written for these tests.

The parties, countries and offices differ from the development set's on
purpose: the frames must hold for any party diplomacy, not for the articles
they were measured on.
"""

from __future__ import annotations

from datetime import date

from liaison.model import Document


def facts_of(extractor, text, published=date(2024, 3, 14)):
    return extractor.extract(Document(source="t.txt", text=text, content_hash="x", published=published))


def roles(facts) -> dict[tuple[str, str], str]:
    names = {e.id: e.name for e in facts.entities}
    events = {v.id: v.name for v in facts.events}
    return {(events[p.event], names[p.entity]): p.role for p in facts.participations}


def who(facts, event_name_part: str) -> set[str]:
    return {ent for (ev, ent) in roles(facts) if event_name_part in ev}


def test_met_with_words_between_verb_and_with(extractor):
    facts = facts_of(extractor, "Ulaanbaatar, March 14 - Gombojav Zandanshatar, Chairman of the Mongolian "
                                "People's Party, met here this morning with Nguyen Van Binh, who leads a "
                                "delegation of the Communist Party of Vietnam.")
    (meeting,) = [v for v in facts.events if v.kind == "meeting"]
    got = roles(facts)
    assert got[(meeting.name, "Gombojav Zandanshatar")] == "host"
    assert (meeting.name, "Nguyen Van Binh") in got
    assert meeting.start == "2024-03-14"


def test_pronoun_subject_and_future_weekday(extractor):
    facts = facts_of(extractor, "Kenyan opposition leader Raila Odinga flew to Pretoria on Sunday.\n\n"
                                "He will hold talks with Fikile Mbalula, Secretary General of the African "
                                "National Congress, on Tuesday.", published=date(2024, 3, 11))
    (talks,) = [v for v in facts.events if v.kind == "meeting"]
    assert who(facts, talks.name) >= {"Raila Odinga", "Fikile Mbalula"}
    assert talks.start == "2024-03-12"  # Tuesday after a Monday publication, because the clause says "will"


def test_trips_to_several_countries_are_one_visit_each(extractor):
    facts = facts_of(extractor, "In February, Ahmed Aboul Gheit, a senior official of the Wafd Party, made trips "
                                "to Jordan, Tunisia and Morocco.")
    visits = {v.name: v for v in facts.events if v.kind == "visit"}
    assert {v.country for v in visits.values()} == {"JOR", "TUN", "MAR"}
    assert all(who(facts, name) == {"Ahmed Aboul Gheit"} for name in visits)
    assert {roles(facts)[(name, "Ahmed Aboul Gheit")] for name in visits} == {"delegation"}


def test_a_delegation_to_several_countries_is_one_trip(extractor):
    facts = facts_of(extractor, "Last autumn Kasim Tahir, a vice chairman of the Justice and Development Party, "
                                "led a delegation to Kazakhstan, Kyrgyzstan and Uzbekistan.")
    (trip,) = [v for v in facts.events if v.kind == "visit"]
    assert "Kazakhstan" in trip.name and "Uzbekistan" in trip.name
    assert roles(facts)[(trip.name, "Kasim Tahir")] == "delegation"


def test_passive_attendance_and_a_list_of_speakers(extractor):
    text = ("The Progressive Alliance held its congress in Lisbon on 2 March.\n\n"
            "Among the speakers at the congress were Lars Andersson, Maria Costa, Jan Novak, Petra Horvat, "
            "Ana Silva, Tomas Berg, Elif Demir, Omar Haddad, Sara Lind and Karin Olsen.")
    facts = facts_of(extractor, text)
    (council,) = facts.events
    speakers = {ent for (ev, ent), role in roles(facts).items() if role == "speaker"}
    assert len(speakers) == 10
    assert council.start == "2024-03-02"


def test_two_meetings_in_one_article_stay_apart(extractor):
    text = ("Pyongyang, March 14 - Ri Il Hwan, a secretary of the Workers' Party of Korea, met with Dmitry "
            "Novikov, deputy chairman of the Communist Party of the Russian Federation, on Wednesday.\n\n"
            "On Thursday Ri Il Hwan received Bounthong Chitmany, Vice President of Laos.")
    facts = facts_of(extractor, text)
    meetings = [v for v in facts.events if v.kind == "meeting"]
    assert len(meetings) == 2
    first, second = sorted(meetings, key=lambda v: v.start or "")
    assert "Dmitry Novikov" in who(facts, first.name) and "Bounthong Chitmany" not in who(facts, first.name)
    assert "Bounthong Chitmany" in who(facts, second.name)


def test_visitors_to_a_person_make_a_visit_hosted_by_them(extractor):
    facts = facts_of(extractor, "Last month, Chilean Senator Isabel Allende and Peruvian Senator Roberto "
                                "Sanchez visited Cai Qi in Beijing.")
    (visit,) = [v for v in facts.events if v.kind == "visit"]
    got = roles(facts)
    assert got[(visit.name, "Cai Qi")] == "host"
    assert got[(visit.name, "Isabel Allende")] == "delegation" and got[(visit.name, "Roberto Sanchez")] == "delegation"


def test_arriving_to_take_part_is_attending_not_a_visit(extractor):
    facts = facts_of(extractor, "The Freedom Forum opened in Caracas on Monday. Among the guests was Nicaraguan "
                                "Vice President Rosario Murillo, who arrived in Caracas to take part.")
    assert not [v for v in facts.events if v.kind == "visit"]


def test_quoted_event_name_before_its_kind(extractor):
    facts = facts_of(extractor, "Belgrade will host the ‘Voices of the South’ conference of left parties on "
                                "Friday, organised by the Socialist Party of Serbia.")
    (conference,) = facts.events
    assert "Voices of the South" in conference.name


def test_names_keep_particles_and_countries_in_brackets(extractor):
    facts = facts_of(extractor, "The bureau re-elected Pieter van der Berg (Netherlands) and Yasmina el Amrani "
                                "(Morocco) as vice presidents.")
    people = {e.name: e.country for e in facts.entities if e.type == "person"}
    assert people == {"Pieter van der Berg": "NLD", "Yasmina el Amrani": "MAR"}


def test_an_abbreviation_is_an_alias_not_a_second_body(extractor):
    facts = facts_of(extractor, "The Party of European Socialists met in Rome. The PES said its council would "
                                "meet again in June.")
    bodies = [e for e in facts.entities if e.type in ("party", "organization")]
    assert len(bodies) == 1 and "PES" in bodies[0].aliases


def test_the_two_parties_is_no_claimed_count(extractor):
    facts = facts_of(extractor, "The two parties agreed to train 300 cadres over two years.")
    assert {(f.value, f.unit) for f in facts.figures} == {(300, "cadres"), (2, "years")}


def test_a_dateline_place_is_no_subject_and_a_named_event_keeps_apart_from_a_bilateral_meeting(extractor):
    text = ("Hanoi, May 6 -- Le Minh Khai, head of the External Relations Commission of the Communist Party of "
            "Vietnam, met here today with Sonexay Siphandone, Vice President of the Lao People's Revolutionary "
            "Party, who was in Vietnam for the Mekong Parties Forum.")
    facts = facts_of(extractor, text, published=date(2024, 5, 6))
    meeting = next(v for v in facts.events if v.kind == "meeting")
    forum = next(v for v in facts.events if v.kind == "forum")
    assert meeting.id != forum.id and forum.name == "Mekong Parties Forum"
    got = roles(facts)
    assert got[(meeting.name, "Le Minh Khai")] == "host" and (meeting.name, "Sonexay Siphandone") in got
    assert got[(forum.name, "Sonexay Siphandone")] == "attendee"  # in Vietnam *for* the forum


def test_speeches_without_an_object_join_the_event_being_reported(extractor):
    text = ("The Socialist Party of Chile hosted the Santiago Forum of left parties on Saturday.\n\n"
            "Paula Narvaez, a senator of the party, spoke first. Carlos Ominami gave a welcoming address, "
            "and Isabel Allende is expected to deliver a speech on Sunday.")
    facts = facts_of(extractor, text, published=date(2024, 5, 4))
    (forum,) = facts.events
    got = roles(facts)
    assert {got.get((forum.name, who)) for who in ("Paula Narvaez", "Carlos Ominami", "Isabel Allende")} == {"speaker"}


def test_a_delegation_that_travelled_for_an_event_is_its_delegation(extractor):
    facts = facts_of(extractor, "A delegation headed by Tamara Andrade of the Broad Front flew to Havana for "
                                "the Sao Paulo Forum meeting.")
    forum = next(v for v in facts.events if v.kind == "forum")
    assert roles(facts)[(forum.name, "Tamara Andrade")] == "delegation"


def speaker_of(facts, start: str) -> str | None:
    names = {e.id: e.name for e in facts.entities}
    quote = next(q for q in facts.quotes if q.text.startswith(start))
    return names.get(quote.speaker)


def test_quote_speakers_by_the_sentence_not_by_the_nearest_name(extractor):
    text = ("Senator Ana Pontes, speaking for the Workers' Party delegation, backed the government led by Rafael Ortiz in "
            "Bolivia, saying, \"We stand with every people that chooses its own road,\" she said.\n\n"
            "Speaking at the closing session, Kofi Mensah, chairman of the Convention People's Party, praised the "
            "organisers. \"No party can build a future alone in this century,\" Reuters quoted him as saying.")
    facts = facts_of(extractor, text)
    assert speaker_of(facts, "We stand with every people") == "Ana Pontes"
    assert speaker_of(facts, "No party can build a future") == "Kofi Mensah"


def test_a_body_that_gathered_somewhere_holds_the_meeting_its_participants_attend(extractor):
    facts = facts_of(extractor, "Leftist parties of the Andean Region gathered at Bolivia's La Paz to discuss "
                                "water rights.\n\nAmong the participants of the meeting were the Movement for "
                                "Socialism and the Socialist Party of Peru.\n\nThe chairperson of the meeting, Movement for "
                                "Socialism leader Rosa Quispe, called for unity.")
    (meeting,) = [v for v in facts.events if v.kind == "meeting"]
    assert "Andean Region" in meeting.name and meeting.country == "BOL"
    got = roles(facts)
    assert got[(meeting.name, "Socialist Party of Peru")] == "attendee"
    assert got[(meeting.name, "Rosa Quispe")] == "speaker"


def test_participated_in_a_place_in_an_unarticled_meeting_and_speakers_turn_by_turn(extractor):
    facts = facts_of(extractor, "Thirty parties took part in Vienna in NDF council meeting on Friday.\n\n"
                                "Labour Party of Malta leader Joseph Camilleri presented the report on youth "
                                "unemployment.\n\nGreen Left chair Anna Vos thanked the hosts for their work.")
    (meeting,) = [v for v in facts.events if v.kind == "meeting"]
    assert "NDF council meeting" in meeting.name
    got = roles(facts)
    assert got[(meeting.name, "Joseph Camilleri")] == "speaker"
    assert got[(meeting.name, "Anna Vos")] == "speaker"


def test_a_meeting_during_a_trip_gives_the_trip_its_hosts(extractor):
    facts = facts_of(extractor, "A delegation of the Workers' Party of Korea paid a working visit to Peru "
                                "from May 3 to May 6. During the trip, the delegation, led by Kim Chol Su, met "
                                "with Peruvian Communist Party General Secretary Luis Mendoza.")
    (visit,) = [v for v in facts.events if v.kind == "visit"]
    got = roles(facts)
    assert got[(visit.name, "Kim Chol Su")] == "delegation"
    assert got[(visit.name, "Luis Mendoza")] == "host"


def test_a_run_on_sentence_is_split_and_an_officer_after_his_body_is_a_person(extractor):
    from liaison.ingest.clean import normalise_line

    assert normalise_line("the visit ended (PCC).During the trip") == "the visit ended (PCC). During the trip"
    assert normalise_line("U.S.A. and e.g. this") == "U.S.A. and e.g. this"
    facts = facts_of(extractor, "Our envoy held talks with member of the Politburo of the Socialist Party of "
                                "Chile Central Committee Ana Torres Vidal.")
    assert any(e.type == "person" and e.name == "Ana Torres Vidal" for e in facts.entities)


def test_a_party_undertaking_a_visit_its_leader_its_members_and_the_inviting_host(extractor):
    facts = facts_of(extractor, "The Sandinista National Liberation Front is undertaking a working visit to "
                                "Cuba which began on Monday.\n\nThe visit follows an invitation from the Communist "
                                "Party of Cuba. The visit led by party secretary Rosa Elena Murillo will include "
                                "talks on trade.\n\n\"In the delegation is also deputy foreign minister Carlos "
                                "Paz. The delegation will also take part in the Havana solidarity conference,\" "
                                "the party said.")
    (visit,) = [v for v in facts.events if v.kind == "visit"]
    got = roles(facts)
    assert got[(visit.name, "Sandinista National Liberation Front")] == "delegation"
    assert got[(visit.name, "Communist Party of Cuba")] == "host"
    assert got[(visit.name, "Rosa Elena Murillo")] == "delegation"
    assert got[(visit.name, "Carlos Paz")] == "delegation"


def test_hosted_by_a_party_in_apposition_and_a_hosts_invitation(extractor):
    facts = facts_of(extractor, "The Green Federation held its council meeting in Tallinn on Monday. The event "
                                "was hosted by the federation's member party in that country, the Estonian Green Party. "
                                "In an opening statement Mart Kask, the host party's leader, welcomed "
                                "participants.")
    (meeting,) = [v for v in facts.events if v.kind == "meeting"]
    got = roles(facts)
    assert got[(meeting.name, "Estonian Green Party")] == "host"
    assert got[(meeting.name, "Mart Kask")] == "speaker"


def test_meetings_during_a_stay_belong_to_the_visit_and_its_weekdays_are_past(extractor):
    facts = facts_of(extractor, "HANOI, May 10 (VNA) -- Ana Duarte, head of the foreign department of the "
                                "Socialist Party of Portugal, led a party delegation to attend a youth forum and "
                                "paid a visit to Vietnam from Monday to Wednesday.\n\nDuring her stay in Vietnam, "
                                "Duarte met with Nguyen Thi Lan, chairwoman of the Communist Party of Vietnam's "
                                "Commission for External Relations.", published=date(2024, 5, 10))
    visits = [v for v in facts.events if v.kind == "visit"]
    assert len(visits) == 1 and visits[0].start == "2024-05-06"  # the Monday before, not after
    assert not any(v.name.startswith("meeting between") for v in facts.events)
    got = roles(facts)
    assert got[(visits[0].name, "Nguyen Thi Lan")] == "host"
    assert got[(visits[0].name, "Ana Duarte")] == "delegation"


def test_a_two_sided_meeting_gives_each_side_its_country_and_a_body_meeting_alone_holds_it(extractor):
    facts = facts_of(extractor, "Lima, March 14 - Carlos Ruiz, head of the foreign relations office of the "
                                "Peruvian Aprista Party, met with a delegation of the Workers' Party of Brazil "
                                "led by Joana Lima.\n\nThe Executive Committee of the International Federation of "
                                "Liberal Youth met yesterday by videoconference to discuss Belarus.")
    got = roles(facts)
    meeting = next(v for v in facts.events if v.name.startswith("meeting between"))
    assert got[(meeting.name, "American Popular Revolutionary Alliance")] == "host"  # the gazetteer's name
    assert got[(meeting.name, "Brazilian Workers' Party")] == "attendee"
    assert got[(meeting.name, "Joana Lima")] == "attendee"
    own = next(v for v in facts.events if "Liberal Youth" in v.name)
    assert got[(own.name, "International Federation of Liberal Youth")] == "organizer"


def test_during_a_meeting_with_members_of_two_parties_and_a_transitive_met(extractor):
    facts = facts_of(extractor, "During a meeting with members of the Australian Labor Party and the Liberal "
                                "Party of Australia in Hanoi, Nguyen Van Nen stressed that trade must grow.\n\n"
                                "The Communist Party of Vietnam delegation also met Indian National Congress leader Rahul "
                                "Mehta on Tuesday.")
    got = roles(facts)
    (meeting,) = [v for v in facts.events if "Australian Labor Party" in v.name or "Nguyen Van Nen" in v.name]
    assert got[(meeting.name, "Nguyen Van Nen")] == "host"
    assert got[(meeting.name, "Australian Labor Party")] == "attendee"
    assert any(ent == "Rahul Mehta" for (ev, ent) in got)


def test_the_body_an_office_belongs_to_is_no_event(extractor):
    facts = facts_of(extractor, "Zhao Lei, chairman of Chinese People's Political Consultative Conference National "
                                "Committee, met with Ana Ruiz of the Spanish Socialist Workers' Party on Thursday.")
    assert not any("Consultative" in v.name for v in facts.events)
    assert any(v.name.startswith("meeting between") for v in facts.events)


def test_featured_lists_an_audience_and_a_host_who_could_host(extractor):
    facts = facts_of(extractor, "Nationalist parties held a summit in Lisbon on Saturday. The summit featured "
                                "Dutch politician Pieter Smit, as well as the leaders of Italy's Lega, Marco "
                                "Bellini, and of Belgium's Flemish Interest, Tom Peeters.\n\nLisbon was chosen so "
                                "that Chega leader Rui Costa could host. Rui Costa praised Donald Trump at the "
                                "summit.\n\nHe greeted his allies in the audience, including former Slovak Prime "
                                "Minister Jan Kral.")
    got = roles(facts)
    rally = next(v for v in facts.events if v.kind == "summit")
    for speaker in ("Pieter Smit", "Marco Bellini", "Tom Peeters"):
        assert got[(rally.name, speaker)] == "speaker", speaker
    assert got[(rally.name, "Rui Costa")] == "host"
    assert (rally.name, "Donald Trump") not in got  # praised, not present
    assert got[(rally.name, "Jan Kral")] == "attendee"
