"""A synthetic news firehose: mostly sports, markets, weather and crime, a few percent party diplomacy.

Every sentence here was written for Liaison from templates; the people, teams,
companies and towns are invented (the parties are real names, the events are not).
Each line of the JSON Lines output carries ``topic`` so that routing can be
scored: ``diplomacy`` lines are the ones the extractor must read.

    .venv/bin/python benchmarks/firehose.py 1000 -o /tmp/firehose.jsonl [--share 0.05] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

TOWNS = ["Ashford", "Bramley", "Corrin", "Dunmore", "Eastwick", "Fenholt", "Galloway", "Harrowgate", "Ilvers",
         "Jarrow", "Kestwick", "Lindley", "Marston", "Northam", "Oakridge", "Pellham", "Quarrick", "Rudston"]
PEOPLE = ["Anna Velasquez", "Tomas Brekke", "Li Wenjun", "Peter Okafor", "Marta Sienkiewicz", "Jonas Heller",
          "Amina Diallo", "Rafael Costa", "Hannah Moore", "Viktor Petrenko", "Grace Mwangi", "Daniel Ortega Ruiz",
          "Sofia Lindqvist", "Kenji Nakamura", "Isabel Ferreira", "Omar Haddad"]
TEAMS = ["Ashford Rovers", "Bramley City", "Corrin Athletic", "Dunmore United", "Eastwick Wanderers",
         "Fenholt Town", "Galloway Harriers", "Harrowgate Albion"]
COMPANIES = ["Northam Steel", "Pellham Foods", "Quarrick Energy", "Rudston Motors", "Lindley Bank",
             "Oakridge Pharma", "Marston Telecom", "Ilvers Shipping"]
PARTIES = [("Communist Party of Vietnam", "Hanoi"), ("Lao People's Revolutionary Party", "Vientiane"),
           ("African National Congress", "Pretoria"), ("Workers' Party of Brazil", "Brasilia"),
           ("Communist Party of Cuba", "Havana"), ("United Russia", "Moscow"),
           ("Cambodian People's Party", "Phnom Penh"), ("Nepali Congress", "Kathmandu"),
           ("Chama Cha Mapinduzi", "Dodoma"), ("Socialist Party of Serbia", "Belgrade"),
           ("Communist Party of China", "Beijing"), ("Mongolian People's Party", "Ulaanbaatar")]
ROLES = ["chairman of the international committee", "deputy general secretary", "head of the foreign affairs office",
         "member of the Political Bureau", "vice-president"]

SPORTS = {
    "titles": ["{t1} edge {t2} in late thriller", "{t1} coach praises depth after cup win",
               "{t2} slump continues with defeat at {t1}", "Injury blow for {t1} ahead of derby"],
    "paras": [
        "{t1} beat {t2} {n1}-{n2} on {day}, with {p1} scoring twice in the second half to lift the hosts into "
        "the top four. The visiting side had led at the break after a header from a corner.",
        "Coach {p2} said the squad had shown character. \"We met a strong team today and we kept our shape "
        "when it mattered,\" {p2} told reporters after the match.",
        "A crowd of {big} watched at the {town} ground, the biggest attendance of the season. Ticket sales for "
        "the next home game opened on the club's website on {day}.",
        "{t2} have now gone {n1} games without a win and sit {n2} points above the relegation places. Their "
        "next fixture is away at {t3} on {day}.",
        "The league confirmed that the fixture against {t3} will be moved to a later date because of a clash "
        "with the cup semi-finals. Both clubs agreed to the change.",
        "{p1}, who joined from {t3} in the summer, has scored {n1} goals in {n2} appearances. The forward's "
        "contract runs until the end of next season.",
        "The club said midfielder {p3} faces several weeks out with a hamstring injury picked up in training "
        "on {day}. Scans will show how long the recovery takes.",
        "Supporters' groups held a meeting with the board to discuss ticket prices, and the club issued a "
        "statement promising to freeze season-ticket prices for another year.",
    ],
}
MARKETS = {
    "titles": ["Shares in {c1} jump after upbeat forecast", "Stocks slip as bond yields climb",
               "{c1} agrees takeover of {c2}", "Oil prices ease on rising stockpiles"],
    "paras": [
        "Shares in {c1} rose {pct} per cent on {day} after the company raised its full-year profit forecast, "
        "citing strong demand and lower input costs. Analysts at {c2} called the update reassuring.",
        "The broader market index fell {pct} per cent by the close, weighed down by banks and property "
        "developers as investors priced in higher borrowing costs for longer.",
        "{c1} said it had reached an agreement to buy {c2} for {big} million, subject to approval by "
        "regulators. The board expects the deal to close in the second half of the year.",
        "Foreign investors were net sellers for a {n1}th straight session, according to exchange data, while "
        "trading volumes were {pct} per cent below the monthly average.",
        "Brent crude eased to {n1}{n2} dollars a barrel after official figures showed stockpiles rose more "
        "than expected last week. Traders are watching talks between producers on output quotas.",
        "Chief executive {p1} told an investor call that the company would keep its dividend unchanged and "
        "continue to cut debt. The shares have gained {pct} per cent this year.",
        "The currency weakened against the dollar ahead of the central bank's meeting on {day}, at which "
        "most economists expect rates to be held.",
        "Analysts said the results were helped by cost cuts, but warned that higher wages and energy bills "
        "could squeeze margins in the coming quarters.",
    ],
}
WEATHER = {
    "titles": ["Heavy rain to sweep across {town} region", "Heatwave warning issued for the weekend",
               "Storm brings down trees and cuts power in {town}", "Frost expected as temperatures plunge"],
    "paras": [
        "Forecasters warned of up to {n1}{n2} millimetres of rain in parts of the {town} region from {day}, "
        "with a risk of flooding in low-lying areas near rivers.",
        "Temperatures are expected to reach {n1}{n2} degrees on {day}, and health officials advised people to "
        "drink water, avoid the midday sun and check on elderly neighbours.",
        "Gusts of more than {big} kilometres an hour brought down trees and power lines overnight, and about "
        "{big} homes in {town} were still without electricity on {day} morning.",
        "The weather service said a band of high pressure would bring clear skies but hard frost, with "
        "temperatures falling to minus {n1} degrees in rural areas.",
        "Rail operators cancelled several services between {town} and {town2}, and drivers were urged to "
        "allow extra time for journeys.",
        "Farmers said the dry spell had already cut yields of early crops by as much as {pct} per cent, and "
        "called for restrictions on water use to be eased.",
        "Residents of {town2} cleared debris from streets after the storm, and the council said emergency "
        "crews would work through the night.",
    ],
}
CRIME = {
    "titles": ["Man charged after {town} jewellery raid", "Police appeal for witnesses to late-night assault",
               "Court jails fraudster who cheated pensioners", "Two arrested over warehouse fire in {town}"],
    "paras": [
        "Police in {town} arrested two men on {day} after a raid on a jewellery shop in which watches worth "
        "about {big} dollars were taken. A third suspect is still being sought.",
        "Detectives appealed for witnesses to an assault outside a bar on {town2} Road shortly after midnight. "
        "A {n1}{n2}-year-old man was treated in hospital for head injuries.",
        "{p1}, {n1}{n2}, was jailed for {n1} years at {town} Crown Court for defrauding elderly people of their "
        "savings through a fake investment scheme. The judge called the crimes cruel.",
        "Fire crews spent {n1} hours bringing a blaze at a warehouse under control. Police said they were "
        "treating the fire as suspicious and two people had been detained for questioning.",
        "A police spokesperson said officers had met local residents to reassure them, and that extra "
        "patrols would be on the streets over the weekend.",
        "Prosecutors said the gang had targeted homes in {town} and {town2} over several months. The case "
        "continues, and the defendants deny the charges.",
        "A neighbour who called the emergency services said she heard shouting and saw two people running "
        "from the scene towards a waiting car.",
    ],
}
DIPLOMACY = {
    "titles": ["{pa} delegation holds talks in {city_b}", "{pb} hosts party officials from {country_a}",
               "Parties from {country_a} and {country_b} agree to expand exchanges",
               "{pa} and {pb} sign cooperation plan"],
    "paras": [
        "A delegation of the {pa} led by {p1}, {role}, arrived in {city_b} on {day} for a {n1}-day visit at "
        "the invitation of the {pb}.",
        "{p2}, {role2} of the {pb}, met the delegation and said relations between the two parties had grown "
        "closer over the past decade. The two sides exchanged views on party building and training cadres.",
        "\"Exchanges between our parties are the foundation of the friendship between our peoples,\" {p1} said "
        "at a dinner given by the hosts.",
        "The parties signed a plan of cooperation for the next {n1} years, covering visits of party officials, "
        "joint seminars and training for {big} young cadres.",
        "During the visit the delegation also met local party leaders in {town} and visited a party school, "
        "where it was briefed on the training of officials.",
        "The talks were the {n1}th round of party-to-party consultations since the two parties set up a "
        "regular dialogue, according to a statement issued afterwards.",
        "Observers said the visit was part of a wider effort by the {pb} to build ties with ruling and "
        "opposition parties abroad.",
    ],
}
# Paragraphs that come near the router's rules without being party diplomacy; one is added to
# about one article in ten, so that precision is measured on something harder than clean templates.
CONFOUNDERS = {
    "sports": ["The club's chairman, a former Labour Party councillor, said the new stand would be finished "
               "before the start of next season."],
    "markets": ["The ruling party's plan to raise fuel duty, which parliament votes on later this month, also "
                "weighed on retailers and airlines.",
                "Defence shares rose after the foreign minister's visit to {town2}, where officials signed an "
                "agreement on joint procurement with their counterparts."],
    "weather": ["Organisers of a garden party in {town} said the event would go ahead under cover."],
    "crime": ["The victim had been walking home from a birthday party when he was attacked, and a third party "
              "later called the police."],
}
TOPICS = {"sports": SPORTS, "markets": MARKETS, "weather": WEATHER, "crime": CRIME}
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def fill(template: str, rnd: random.Random, slots: dict) -> str:
    return template.format(**slots)


def slots_for(rnd: random.Random) -> dict:
    (pa, city_a), (pb, city_b) = rnd.sample(PARTIES, 2)
    t1, t2, t3 = rnd.sample(TEAMS, 3)
    c1, c2 = rnd.sample(COMPANIES, 2)
    p1, p2, p3 = rnd.sample(PEOPLE, 3)
    town, town2 = rnd.sample(TOWNS, 2)
    return dict(pa=pa, pb=pb, city_a=city_a, city_b=city_b, country_a=city_a, country_b=city_b,
                t1=t1, t2=t2, t3=t3, c1=c1, c2=c2, p1=p1, p2=p2, p3=p3, town=town, town2=town2,
                role=rnd.choice(ROLES), role2=rnd.choice(ROLES), day=rnd.choice(DAYS),
                n1=rnd.randint(2, 9), n2=rnd.randint(0, 9), pct=f"{rnd.randint(1, 9)}.{rnd.randint(0, 9)}",
                big=f"{rnd.randint(2, 90) * 1000:,}")


def article(n: int, topic: str, rnd: random.Random) -> dict:
    pool = DIPLOMACY if topic == "diplomacy" else TOPICS[topic]
    slots = slots_for(rnd)
    paras = rnd.sample(pool["paras"], k=min(len(pool["paras"]), rnd.randint(5, 7)))
    if topic in CONFOUNDERS and rnd.random() < 0.1:
        paras.insert(rnd.randint(1, len(paras)), rnd.choice(CONFOUNDERS[topic]))
    published = date(2023, 1, 1) + timedelta(days=rnd.randint(0, 364))
    return {"id": f"fh{n:07d}", "topic": topic, "title": fill(rnd.choice(pool["titles"]), rnd, slots),
            "published": published.isoformat(), "outlet": "Firehose Wire",
            "text": "\n\n".join(fill(p, rnd, slots) for p in paras) + f"\n\n(Story {n}.)"}


def generate(count: int, share: float = 0.05, seed: int = 7):
    """``count`` articles, a ``share`` of them party diplomacy spread evenly, the rest the four other topics."""
    rnd = random.Random(seed)
    every = round(1 / share) if share else 0
    others = list(TOPICS)
    for n in range(count):
        topic = "diplomacy" if every and n % every == every // 2 else others[n % len(others)]
        yield article(n, topic, rnd)


def write(path: Path, count: int, share: float = 0.05, seed: int = 7) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for line in generate(count, share, seed):
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--share", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write(args.output, args.count, args.share, args.seed)


if __name__ == "__main__":
    main()
