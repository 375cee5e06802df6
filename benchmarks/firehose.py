"""A synthetic news firehose: mostly sports, markets, weather and crime, a few percent party diplomacy.

Every sentence here was written for Liaison from templates; the people, teams,
companies and towns are invented (the parties are real names, the events are not).
Stories are put together sentence by sentence from each topic's pool, with words
varied inside sentences and names generated from parts, so that, like real news,
two stories of a topic rarely read as near-duplicates of each other.
Each line of the JSON Lines output carries ``topic`` so that routing can be
scored: ``diplomacy`` lines are the ones the extractor must read.

    .venv/bin/python benchmarks/firehose.py 1000 -o /tmp/firehose.jsonl [--share 0.05] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import re
from datetime import date, timedelta
from pathlib import Path

# Names are generated from parts, so that stories rarely share more than a word or two of them.
FIRST = ["Anna", "Tomas", "Wenjun", "Peter", "Marta", "Jonas", "Amina", "Rafael", "Hannah", "Viktor", "Grace",
         "Daniel", "Sofia", "Kenji", "Isabel", "Omar", "Lucia", "Mikael", "Nadia", "Samuel", "Ines", "Tariq",
         "Helena", "Bruno", "Yara", "Felix", "Chiara", "Ahmed", "Ruth", "Pavel", "Leila", "Oscar", "Mei",
         "Julian", "Zainab", "Henrik", "Clara", "Kwame", "Elena", "Matteo"]
LAST = ["Velasquez", "Brekke", "Okafor", "Sienkiewicz", "Heller", "Diallo", "Costa", "Moore", "Petrenko",
        "Mwangi", "Lindqvist", "Nakamura", "Ferreira", "Haddad", "Novak", "Adeyemi", "Kowalczyk", "Bianchi",
        "Hoffmann", "Osei", "Larsen", "Duarte", "Fischer", "Mensah", "Rossi", "Jansen", "Kaya", "Dubois",
        "Castillo", "Horvat", "Ibrahim", "Sato", "Olsen", "Moreau", "Banda", "Keller", "Varga", "Silva",
        "Nowak", "Achebe"]
TOWN_HEAD = ["Ash", "Bram", "Cor", "Dun", "East", "Fen", "Gal", "Har", "Il", "Jar", "Kest", "Lind", "Mar",
             "North", "Oak", "Pell", "Quar", "Rud", "Stan", "Thorn", "Upp", "Vel", "Wick", "Brack", "Cal",
             "Elm", "Grey", "Hol", "Kings", "Lang"]
TOWN_TAIL = ["ford", "ley", "wick", "more", "holt", "ton", "bury", "field", "gate", "ham", "port", "stead",
             "mouth", "by", "dale", "worth"]
CLUB = ["Rovers", "City", "Athletic", "United", "Wanderers", "Town", "Harriers", "Albion", "Rangers", "County",
        "Olympic", "Villa"]
TRADE = ["Steel", "Foods", "Energy", "Motors", "Bank", "Pharma", "Telecom", "Shipping", "Retail", "Mining",
         "Logistics", "Insurance", "Chemicals", "Airways", "Software", "Textiles", "Cement", "Brewing"]
PARTIES = [("Communist Party of Vietnam", "Hanoi"), ("Lao People's Revolutionary Party", "Vientiane"),
           ("African National Congress", "Pretoria"), ("Workers' Party of Brazil", "Brasilia"),
           ("Communist Party of Cuba", "Havana"), ("United Russia", "Moscow"),
           ("Cambodian People's Party", "Phnom Penh"), ("Nepali Congress", "Kathmandu"),
           ("Chama Cha Mapinduzi", "Dodoma"), ("Socialist Party of Serbia", "Belgrade"),
           ("Communist Party of China", "Beijing"), ("Mongolian People's Party", "Ulaanbaatar")]
ROLES = ["chairman of the international committee", "deputy general secretary", "head of the foreign affairs office",
         "member of the Political Bureau", "vice-president", "head of the international department",
         "secretary of the central committee", "deputy head of the external relations commission"]

# Sentence templates: {slot} is filled from the story's names and numbers, [a|b|c] picks one of
# the words; a paragraph is two sentences drawn from its topic's pool, so two stories of one
# topic share a few phrasings, not paragraphs.
SPORTS = {
    "titles": ["{t1} [edge|beat|overcome|see off] {t2} in [late thriller|tense derby|rain-soaked clash]",
               "{t1} [coach|manager|boss] [praises|hails|salutes] [depth|spirit|resilience] after [cup|league] win",
               "{t2} [slump|losing run|poor form] continues with defeat at {t1}",
               "[Injury blow|Suspension worry|Selection headache] for {t1} ahead of [derby|cup tie|trip to {t3}]"],
    "sentences": [
        "{t1} [beat|defeated|edged past|overcame] {t2} {n1}-{n2} on {day}, with {p1} scoring [twice|a late winner|from the penalty spot].",
        "The [visitors|away side|hosts] had [led|been ahead] at [the break|half-time] after a [header from a corner|long-range strike|scrappy goal] by {p3}.",
        "[Coach|Manager|Head coach] {p2} said the [squad|players|team] had shown [character|courage|patience] in the [second half|closing minutes|final quarter of an hour].",
        "\"We kept our [shape|discipline|heads] when it mattered,\" {p2} told [reporters|the club's channel|a radio station] [afterwards|after the final whistle|on {day}].",
        "A [crowd|sell-out crowd|record attendance] of {big} watched at the {town} [ground|stadium|park], the [biggest|largest|loudest] of the [season|year|campaign].",
        "[Tickets|Seats] for the next home [game|fixture|match] against {t3} went on sale on {day} and {pct} per cent were gone within an hour.",
        "{t2} have now gone {n1} [games|matches|outings] without a win and sit {n2} points above the [relegation places|drop zone|bottom three].",
        "Their next [fixture|game|outing] is away at {t3} on {day}, where they have not won since {year}.",
        "The league [confirmed|announced|said] that the [fixture|match] against {t3} would be moved because of a clash with the [cup semi-finals|international break|television schedule].",
        "{p1}, who [joined|arrived|signed] from {t3} in the [summer|winter window|spring], has scored {n1} goals in {n2}{n1} appearances.",
        "The [forward's|striker's|winger's] contract runs until {year2}, and {t1} are said to be [keen|eager|hoping] to extend it.",
        "[Midfielder|Defender|Goalkeeper] {p3} faces [several weeks|a month|up to {n1} weeks] out with [a hamstring|a knee|an ankle|a groin] injury picked up in training.",
        "[Scans|Tests|A specialist] will show how long the [recovery|rehabilitation|lay-off] takes, the club's [doctor|physio|medical staff] said.",
        "[Supporters|Fans|Season-ticket holders] [complained|protested|wrote to the board] about [ticket prices|kick-off times|the state of the pitch] at {town}.",
        "The club [promised|pledged|agreed] to [freeze|cut|review] [season-ticket prices|matchday prices|the catering charges] for another [year|season].",
        "{t1} [climbed|moved|rose] to {ordinal} in the table, {n2} points behind [leaders|front-runners|pace-setters] {t3}.",
        "{p1} [hit the post|struck the bar|forced a fine save] [early on|in the first minute|just before the hour], and {p3} [cleared|headed|scrambled] the rebound [away|off the line|wide].",
        "The [referee|official] [booked|cautioned|sent off] {n1} players in a [bad-tempered|scrappy|stop-start] [first half|second half|contest].",
        "[Substitute|Teenager|Captain] {p3} [sealed|wrapped up|clinched] the [points|win|victory] with a [curling shot|tap-in|diving header] in stoppage time.",
        "{t2} [manager|coach] {p2} [admitted|conceded|accepted] that his side had been [second best|too slow|careless in possession].",
        "The [youth academy|women's team|reserve side] of {t1} [also won|drew|lost] on {day}, {n2}-{n1} against {t3}.",
        "Possession was [split almost evenly|{n1}{n2} per cent to the hosts|dominated by the visitors], but {t1} had {n1} more shots on target.",
        "[Rain|Wind|A frozen pitch] [delayed|nearly halted|threatened] the [kick-off|second half|match] for {n2}{n1} minutes.",
        "{p2} [rotated|changed|rested] {n1} players from the side that [lost|drew|won] at {t3} on the previous {day}.",
    ],
}
MARKETS = {
    "titles": ["Shares in {c1} [jump|surge|climb] after [upbeat|strong|raised] forecast",
               "[Stocks|Equities|Shares] [slip|fall|retreat] as bond yields climb",
               "{c1} [agrees|announces|confirms] takeover of {c2}",
               "Oil prices [ease|dip|steady] on [rising stockpiles|weak demand|a stronger dollar]"],
    "sentences": [
        "Shares in {c1} [rose|climbed|jumped|gained] {pct} per cent on {day} after the company [raised|lifted|upgraded] its full-year profit forecast.",
        "The [company|group|firm] [cited|pointed to|credited] [strong demand|lower input costs|a recovery in exports|price rises] for the [upgrade|improvement|better outlook].",
        "Analysts at {c2} [called|described] the [update|results|statement] [reassuring|better than feared|a clear beat].",
        "The broader [market|share] index [fell|slipped|dropped] {pct} per cent by the close, [weighed down|dragged lower|held back] by [banks|property developers|miners].",
        "[Investors|Traders|Fund managers] [priced in|braced for|bet on] higher borrowing costs for [longer|the rest of the year|several quarters].",
        "{c1} said it had [reached a deal|agreed terms|struck an agreement] to buy {c2} for {big} million, subject to approval by [regulators|shareholders|the competition authority].",
        "The [board|management] [expects|hopes for] the [deal|acquisition|takeover] to close in the [second half|final quarter|spring] of {year2}.",
        "Overseas [investors|funds] were net sellers for a {n1}th [straight|consecutive] session, according to exchange data.",
        "Trading volumes were {pct} per cent below the [monthly|three-month|yearly] average as [many desks|several banks|traders] [waited for|held off before] the inflation figures.",
        "Brent crude [eased|fell|slipped] to {n1}{n2} dollars a barrel after [official|government] figures showed [stockpiles|inventories] rose [more than expected|for a {ordinal} week].",
        "[Chief executive|Finance director|Chairman] {p1} told an [investor call|analysts' briefing|annual meeting] that the dividend would be [kept unchanged|raised|restored].",
        "The shares have [gained|lost|added] {pct} per cent [this year|since January|over twelve months], [outperforming|lagging|tracking] the sector.",
        "The currency [weakened|firmed|was flat] against the dollar ahead of the central bank's [decision|rate meeting|policy review] on {day}.",
        "Most [economists|analysts|strategists] [expect|forecast|predict] rates to be [held|cut by a quarter point|raised again].",
        "[Cost cuts|A cheaper currency|Higher volumes] helped [margins|earnings|profits], but [higher wages|energy bills|freight costs] could [squeeze|erode|dent] them in coming quarters.",
        "{c2} [shares|stock] [slid|tumbled|dropped] {pct} per cent after it [warned on profits|cut its outlook|missed forecasts] for a {ordinal} time.",
        "Revenue at {c1} [grew|rose|climbed] to {big} million in the [quarter|half|year], up {pct} per cent on the [year before|same period|previous year].",
        "The [bond|credit] market [rallied|sold off|was calm], with [ten-year|two-year|five-year] yields [at|near] {n1}.{n2} per cent.",
        "{p2}, [a portfolio manager|an analyst|a strategist] at {c2}, said [valuations|prices|earnings] [looked stretched|still had room to rise|were hard to call].",
        "[Gold|Copper|Wheat|Coffee] prices [rose|fell|edged up|edged down] {pct} per cent in [thin|busy|nervous] trading.",
        "{c1} [plans to|will|intends to] [cut|hire|add] {big} [jobs|staff|workers] at its {town} [plant|site|headquarters] over {n1} years.",
        "The [retail|manufacturing|services] survey for {month} [beat|missed|matched] [expectations|forecasts], [lifting|denting|steadying] [sentiment|the mood] on the [floor|exchange].",
    ],
}
WEATHER = {
    "titles": ["[Heavy rain|Torrential downpours|Persistent showers] to sweep across {town} region",
               "[Heatwave|Extreme heat|Hot weather] warning issued for the weekend",
               "Storm [brings down trees|causes damage|cuts power] in {town}",
               "Frost expected as temperatures [plunge|tumble|drop sharply]"],
    "sentences": [
        "Forecasters warned of up to {n1}{n2} millimetres of [rain|snow|sleet] in parts of the {town} region from {day}.",
        "There is a [risk|chance|danger] of flooding in low-lying areas near the [river|coast|estuary] at {town2}.",
        "Temperatures are expected to [reach|climb to|peak at] {n1}{n2} degrees on {day}, {n1} above the [seasonal average|norm for {month}].",
        "Health officials [advised|urged|told] people to drink water, [avoid the midday sun|stay in the shade|keep curtains closed] and check on elderly neighbours.",
        "Gusts of more than {n1}{n2}0 kilometres an hour [brought down|toppled|uprooted] trees and power lines [overnight|on {day}|in the early hours].",
        "About {big} homes in {town} were still without [electricity|power|heating] on {day} [morning|evening|afternoon].",
        "The [weather service|met office|forecasting agency] said [high pressure|a cold front|a ridge of high pressure] would bring [clear skies|calm air|dry weather] but hard frost.",
        "Temperatures could [fall|drop|sink] to minus {n1} degrees in [rural areas|the hills|sheltered valleys] around {town2}.",
        "Rail operators [cancelled|cut|suspended] [several|{n1}|a number of] services between {town} and {town2}.",
        "Drivers were [urged|told|advised] to allow extra time, as [ice|standing water|fallen branches] made [roads|lanes|bridges] dangerous.",
        "Farmers [said|warned|reported] the dry spell had cut [yields|harvests] of [early crops|potatoes|barley|strawberries] by as much as {pct} per cent.",
        "The [farmers' union|growers' association] [called for|asked for|demanded] limits on water use to be [eased|lifted|relaxed].",
        "Residents of {town2} [cleared|swept up|removed] debris from [streets|gardens|driveways] after the storm.",
        "The [council|town hall|county] said [emergency crews|road teams|engineers] would work through the night.",
        "[Schools|Libraries|Leisure centres] in {town} [closed early|stayed shut|opened late] on {day} because of the [snow|flooding|heat].",
        "The [river|canal|brook] at {town} [rose|climbed] {n1} metres in {n2}{n1} hours, [the highest|a level not seen] since {year}.",
        "[Ferry|Bus|Flight] services from {town2} were [delayed|cancelled|diverted] as [visibility|conditions|winds] [worsened|deteriorated].",
        "{p1}, a [forecaster|meteorologist|climate scientist] at the [university|institute|weather service], said the [pattern|spell|trend] [could last|may persist|was likely to continue] for {n1} days.",
        "[Hosepipe|Garden watering] restrictions [begin|start|come into force] in {town} on {day}, the water company said.",
        "Insurers [estimated|put|expect] claims from the [storm|flood|hail] at around {big} million.",
        "[Snowploughs|Gritters|Pumps] were [sent to|deployed in|working across] {town} and {town2} [before dawn|overnight|all day].",
        "The [autumn|spring|summer|winter] has been the [wettest|driest|warmest|coldest] in the region since records began in {year}.",
    ],
}
CRIME = {
    "titles": ["[Man|Woman|Teenager] charged after {town} [jewellery raid|shop break-in|bank robbery]",
               "Police appeal for witnesses to [late-night assault|hit-and-run|attempted robbery]",
               "Court jails [fraudster|conman|former accountant] who cheated [pensioners|investors|customers]",
               "Two arrested over [warehouse fire|factory blaze|garage fire] in {town}"],
    "sentences": [
        "Police in {town} arrested [two men|a man and a woman|three people] on {day} after a raid on a [jewellery|phone|watch] shop.",
        "[Watches|Rings|Phones|Laptops] worth about {big} dollars were taken, and a [third|fourth] suspect is still being sought.",
        "Detectives [appealed|asked] for [witnesses|dashcam footage|information] after an [assault|attack|robbery] on {town2} Road shortly after [midnight|closing time|dawn].",
        "A {n1}{n2}-year-old [man|woman] was treated in hospital for [head injuries|cuts|a broken arm] and has since been [released|discharged].",
        "{p1}, {n1}{n2}, was jailed for {n1} years at {town} [Crown Court|district court|magistrates' court] for [defrauding|cheating|swindling] [elderly people|savers|small businesses].",
        "The [judge|court] [called|described] the [crimes|scheme|offences] [cruel|calculated|shameful] and [ordered|directed] that {big} dollars be repaid.",
        "Fire crews spent {n1} hours bringing a [blaze|fire] at a [warehouse|timber yard|disused factory] in {town2} under control.",
        "Police said they were treating the fire as [suspicious|deliberate|arson] and {n1} people had been detained for questioning.",
        "A [police spokesperson|senior officer|detective inspector] said extra [patrols|officers|foot patrols] would be on the streets of {town} [over the weekend|at night|during the festival].",
        "[Prosecutors|The prosecution] said the gang had [targeted|burgled|raided] homes in {town} and {town2} over {n1} months.",
        "The [case|trial|hearing] continues on {day}, and the defendants deny the charges.",
        "A neighbour who called [the emergency services|the police|for help] said she heard [shouting|breaking glass|a loud bang] and saw two people running towards a [waiting car|van|motorbike].",
        "[Officers|Detectives|Investigators] [recovered|found|seized] [a stolen car|{big} dollars in cash|several phones] at an address in {town2}.",
        "{p2}, [defending|representing] the accused, told the court his client had [no previous convictions|been under pressure|acted out of character].",
        "The [driver|suspect|cyclist] [failed to stop|fled|drove off] after [hitting|striking|clipping] a pedestrian near {town} station at about {n1} o'clock.",
        "[CCTV|Doorbell footage|A witness video] [showed|captured|appeared to show] a [hooded|tall|masked] figure [leaving|entering|running from] the building.",
        "{p3} [pleaded guilty|admitted the offences|denied wrongdoing] and will be sentenced on {day}, {n1} weeks from now.",
        "[Shoplifting|Burglary|Vandalism] in {town} [rose|fell] {pct} per cent last year, according to [figures|statistics] published on {day}.",
        "The [victim|shop owner|pensioner], who [asked not to be named|is in her seventies|runs the business with his son], said the [raid|attack|fraud] had left her [shaken|afraid to go out|out of pocket].",
        "Police [charged|bailed|released] a {n1}{n2}-year-old [man|woman] [without charge|pending further inquiries|with handling stolen goods].",
        "[Scam|Fraud|Cyber-crime] officers warned [residents|older people|shoppers] in {town2} about [callers posing as bank staff|fake parcel texts|bogus builders].",
    ],
}
DIPLOMACY = {
    "titles": ["{pa} delegation [holds talks|meets officials|begins visit] in {city_b}",
               "{pb} [hosts|receives|welcomes] party officials from {country_a}",
               "Parties from {country_a} and {country_b} agree to expand exchanges",
               "{pa} and {pb} sign [cooperation plan|memorandum on party exchanges|training agreement]"],
    "lead": "A delegation of the {pa} led by {p1}, {role}, [arrived in|flew to|began a visit to] {city_b} on {day} for a {n1}-day [visit|stay|working visit] at the invitation of the {pb}.",
    "sentences": [
        "{p2}, {role2} of the {pb}, met the delegation and said relations between the two parties had grown closer [over the past decade|in recent years|since {year}].",
        "The two sides exchanged views on [party building|training cadres|the work of party schools|economic reform|youth work].",
        "\"Exchanges between our parties are the [foundation|cornerstone|bedrock] of the friendship between our peoples,\" {p1} said at a [dinner|reception|banquet] given by the hosts.",
        "The parties signed a plan of cooperation for the next {n1} years, covering [visits of party officials|joint seminars|exchanges of delegations] and training for {big} young cadres.",
        "During the visit the delegation also met local party leaders in {town} and [visited a party school|toured an industrial park|laid a wreath at a memorial].",
        "The talks were the {n1}th round of party-to-party consultations since the {pa} and the {pb} set up a regular dialogue.",
        "Observers said the visit was part of a [wider|broader|long-running] effort by the {pb} to build ties with ruling and opposition parties abroad.",
        "{p1} [briefed|informed] the hosts on the [outcome|decisions|preparations] of the {pa}'s [last congress|latest plenum|coming congress].",
        "The {pb} [thanked|praised] the {pa} for its [support|solidarity|understanding] [on issues of mutual concern|at international forums|over many years].",
        "Both parties [agreed|pledged|promised] to [strengthen|deepen|expand] exchanges between their [youth wings|women's organisations|research institutes|party schools].",
        "The {pa} delegation also [held talks with|called on|met] officials of the [foreign ministry|national assembly|city party committee] of {country_b}.",
        "A [joint statement|communique|readout] issued after the talks said the {pa} and the {pb} would [hold a seminar|exchange delegations|meet again] in {year2}.",
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
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
ORDINALS = ["second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
CHOICE = re.compile(r"\[([^\[\]]*\|[^\[\]]*)\]")


def fill(template: str, rnd: random.Random, slots: dict) -> str:
    """The template with each [a|b|c] replaced by one of its words, then its {slots} filled."""
    return CHOICE.sub(lambda m: rnd.choice(m.group(1).split("|")), template).format(**slots)


def person(rnd: random.Random) -> str:
    return f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"


def town(rnd: random.Random) -> str:
    return rnd.choice(TOWN_HEAD) + rnd.choice(TOWN_TAIL)


def slots_for(rnd: random.Random) -> dict:
    (pa, city_a), (pb, city_b) = rnd.sample(PARTIES, 2)
    places = [town(rnd) for _ in range(5)]
    return dict(pa=pa, pb=pb, city_a=city_a, city_b=city_b, country_a=city_a, country_b=city_b,
                t1=f"{places[0]} {rnd.choice(CLUB)}", t2=f"{places[1]} {rnd.choice(CLUB)}",
                t3=f"{places[2]} {rnd.choice(CLUB)}",
                c1=f"{rnd.choice([places[3], rnd.choice(LAST)])} {rnd.choice(TRADE)}",
                c2=f"{rnd.choice([places[4], rnd.choice(LAST)])} {rnd.choice(TRADE)}",
                p1=person(rnd), p2=person(rnd), p3=person(rnd), town=places[3], town2=places[4],
                role=rnd.choice(ROLES), role2=rnd.choice(ROLES), day=rnd.choice(DAYS), month=rnd.choice(MONTHS),
                ordinal=rnd.choice(ORDINALS), year=rnd.randint(1950, 2015), year2=rnd.randint(2024, 2030),
                n1=rnd.randint(2, 9), n2=rnd.randint(0, 9), pct=f"{rnd.randint(1, 9)}.{rnd.randint(0, 9)}",
                big=f"{rnd.randint(2, 990) * 100:,}")


def article(n: int, topic: str, rnd: random.Random) -> dict:
    pool = DIPLOMACY if topic == "diplomacy" else TOPICS[topic]
    slots = slots_for(rnd)
    count = rnd.randint(5, 7)
    sentences = rnd.sample(pool["sentences"], k=min(len(pool["sentences"]), 2 * count))
    paras = [" ".join(sentences[i:i + 2]) for i in range(0, len(sentences), 2)]
    if topic == "diplomacy":  # the lead names both parties and the visit
        paras = [pool["lead"] + " " + paras[0]] + paras[1:count - 1]
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
