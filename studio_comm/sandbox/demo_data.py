"""Deterministic demo data for the sandbox: one German studio, its staff and its customers.

Everything derives from a seed, so the same seed gives the same studio on every machine
(tests and screenshots rely on that). Customers are produced as ready-made rows for a
bulk insert; preferences are computed per customer on demand (`default_preferences`), so
startup stays fast for 100,000 customers.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass

STUDIO_ID = 1210005678
FIRST_CUSTOMER_ID = 1_000_001
FIRST_EMPLOYEE_ID = 5_000_001
ZONE = "Europe/Berlin"

_FEMALE = (
    "Anna Lena Marie Sophie Laura Julia Lea Hannah Emma Mia Lina Clara Johanna Katharina Sarah "
    "Jana Nina Lisa Franziska Charlotte Greta Ida Frieda Jülide Zoë Chloé Małgorzata Agnieszka "
    "Sofía Inês Ana Ülkü Björk Ingrid Åsa Birgit Ursula Gisela Heike Sabine Petra Renate Doris "
    "Dörte Mareike Merle Maike Elif Ayşe Fatma Zeynep"
).split()
_MALE = (
    "Lukas Leon Finn Jonas Paul Felix Maximilian Elias Noah Ben Luca Tim Jan Niklas Tobias "
    "Florian Sebastian Matthias Stefan Thomas Michael Andreas Jürgen Günther Jörg Björn Sören "
    "Uwe Klaus Dieter Horst Wolfgang Hans-Peter Karl-Heinz Mehmet Emre Murat Ömer Piotr Tomasz "
    "Łukasz Jiří Dávid Miguel João Luís François Étienne Søren Åke Lars"
).split()
_LAST = (
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch "
    "Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann "
    "Lange Schmitt Werner Schmitz Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König "
    "Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Schubert Vogel "
    "Friedrich Keller Günther Frank Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht "
    "Schuster Simon Ludwig Böhm Winter Kraus Martin Schumacher Krämer Vogt Stein Jäger Otto "
    "Sommer Groß Seidel Heinrich Brandt Haas Schreiber Graf Schulte Dietrich Ziegler Kuhn Kühn "
    "Pohl Engel Horn Busch Bergmann Thomas Voigt Sauer Arnold Wolff Pfeiffer Süß Strauß Nußbaum "
    "Größler Yılmaz Kaya Demir Şahin Çelik Öztürk Kowalski Nowak Wiśniewski Dvořák Novák "
    "García Fernández Rodríguez Silva Gonçalves Rossi Russo Bianchi Dubois Lefèvre Jansen "
    "de Vries van Dijk Andersson Nielsen Hansen Ó Briain O'Connor"
).split()
# A few names in other scripts (and one with an emoji) so list views and headers get
# exercised with right-to-left text, CJK and wide characters.
_SPECIAL = [
    ("Dmitri", "Иванов", "MALE"),
    ("Олена", "Шевченко", "FEMALE"),
    ("Γιώργος", "Παπαδόπουλος", "MALE"),
    ("محمد", "الحسن", "MALE"),
    ("ليلى", "خليل", "FEMALE"),
    ("נועה", "כהן", "FEMALE"),
    ("美咲", "佐藤", "FEMALE"),
    ("Wei", "王", "MALE"),
    ("Kim 🏋️", "Lee", "UNISEX"),
    ("Alex", "Sonnenschein ☀️", "UNISEX"),
]
_STREETS = (
    "Hauptstraße Bahnhofstraße Schillerstraße Goethestraße Lindenallee Gartenweg Mühlenweg "
    "Kastanienallee Friedrichstraße Königsallee Am Stadtpark Rosenstraße Schloßstraße "
    "Weißdornweg Große Bleichen Elbchaussee Ringstraße Beethovenstraße Uhlandstraße"
).split(" ")
_CITIES = [
    ("20095", "Hamburg"), ("20357", "Hamburg"), ("22765", "Hamburg"), ("22301", "Hamburg"),
    ("21073", "Hamburg"), ("22880", "Wedel"), ("25421", "Pinneberg"), ("22844", "Norderstedt"),
    ("21465", "Reinbek"), ("22926", "Ahrensburg"),
]
_MAIL_DOMAINS = ("gmail.com", "web.de", "gmx.de", "t-online.de", "outlook.de", "posteo.de",
                 "icloud.com", "mailbox.org")
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "", "'": ""})

CATEGORIES = ("CONTRACT", "GENERAL", "APPOINTMENT", "NEWSLETTER", "LOYALTY_PROGRAM")
CHANNELS = ("LETTER", "EMAIL", "TEXT_MESSAGE", "PHONE", "FAX", "CONVERSATION", "CHAT", "OTHER")

# The studio's matrix: which channels each category offers, and which of them the studio
# fixes (customerOverridable false) at a given value. Everything else is the customer's.
OFFERED: dict[str, tuple[str, ...]] = {
    "CONTRACT": ("LETTER", "EMAIL", "PHONE"),
    "GENERAL": ("LETTER", "EMAIL", "TEXT_MESSAGE", "PHONE"),
    "APPOINTMENT": ("EMAIL", "TEXT_MESSAGE", "PHONE"),
    "NEWSLETTER": ("LETTER", "EMAIL", "TEXT_MESSAGE"),
    "LOYALTY_PROGRAM": ("EMAIL", "TEXT_MESSAGE", "CHAT"),
}
FIXED: dict[tuple[str, str], bool] = {
    ("CONTRACT", "LETTER"): True,
    ("CONTRACT", "EMAIL"): True,
}


@dataclass(frozen=True)
class CustomerRow:
    """One customer as stored: lookup columns plus the ready JSON body."""

    id: int
    customer_number: str | None
    first_key: str
    last_key: str
    email_key: str | None
    date_of_birth: str | None
    status: str
    card_number: str | None
    barcode: str | None
    debtor_id: str
    body: str


def _email(rng: random.Random, first: str, last: str) -> str | None:
    if rng.random() < 0.06:
        return None
    local_first = first.lower().translate(_TRANSLIT)
    local_last = last.lower().translate(_TRANSLIT)
    if not (local_first + local_last).isascii():
        local_first, local_last = "member", str(rng.randint(100, 999))
    style = rng.randrange(3)
    local = (f"{local_first}.{local_last}" if style == 0 else
             f"{local_first[0]}{local_last}" if style == 1 else
             f"{local_first}{rng.randint(1, 99)}")
    return f"{local}@{rng.choice(_MAIL_DOMAINS)}"


def _phone(rng: random.Random, mobile: bool) -> str:
    if mobile:
        return f"+49 1{rng.choice('567')}{rng.randint(0, 9)} {rng.randint(1000000, 9999999)}"
    return f"+49 40 {rng.randint(100000, 9999999)}"


def customers(count: int, seed: int) -> Iterator[CustomerRow]:
    """`count` customers, ids increasing from FIRST_CUSTOMER_ID; same seed, same customers."""
    rng = random.Random(f"customers-{seed}")
    today = dt.date(2026, 1, 1)
    for i in range(count):
        cid = FIRST_CUSTOMER_ID + i
        if i % 197 == 11:
            first, last, gender = _SPECIAL[(i // 197) % len(_SPECIAL)]
        else:
            gender = "FEMALE" if rng.random() < 0.52 else "MALE"
            if rng.random() < 0.01:
                gender = "UNISEX"
            first = rng.choice(_FEMALE if gender == "FEMALE" else _MALE)
            last = rng.choice(_LAST)
            if rng.random() < 0.04:
                last = f"{last}-{rng.choice(_LAST)}"
        roll = rng.random()
        status = "MEMBER" if roll < 0.78 else "PROSPECT" if roll < 0.9 else "FORMER_MEMBER"
        dob = today - dt.timedelta(days=rng.randint(16 * 365, 82 * 365))
        zip_code, city = rng.choice(_CITIES)
        email = _email(rng, first, last)
        number = str(10000 + i)
        card = str(rng.randint(100_000_000, 4_294_967_295))
        barcode = f"SC{cid:08d}{rng.randint(10, 99)}"
        refused = rng.random() < 0.03
        body: dict = {
            "id": cid,
            "customerNumber": number,
            "firstName": first,
            "lastName": last,
            "dateOfBirth": dob.isoformat(),
            "gender": gender,
            "street": rng.choice(_STREETS),
            "houseNumber": str(rng.randint(1, 180)) + ("" if rng.random() < 0.85 else "a"),
            "zipCode": zip_code,
            "city": city,
            "country": "DE",
            "status": status,
            "accessRefusal": refused,
            "studioId": STUDIO_ID,
            "uuid": f"{rng.getrandbits(128):032x}",
            "preferredLanguage": {"languageCode": "de", "countryCode": "DE"}
            if rng.random() < 0.85 else {"languageCode": "en", "countryCode": "GB"},
            "accessMediums": [
                {"id": cid * 10 + 1, "type": "CARD_NUMBER", "value": card},
                {"id": cid * 10 + 2, "type": "BARCODE", "value": barcode},
            ],
        }
        if email:
            body["email"] = email
        if rng.random() < 0.8:
            body["phonePrivateMobile"] = _phone(rng, mobile=True)
        if rng.random() < 0.3:
            body["phonePrivate"] = _phone(rng, mobile=False)
        if refused:
            body["accessRestrictions"] = [{"reason": "Zahlungsrückstand",
                                           "startDate": "2025-11-01"}]
        yield customer_row(body)


def customer_row(body: dict) -> CustomerRow:
    """The stored row of a customer's body: its lookup columns derived from the body."""
    mediums = {m["type"]: m["value"] for m in body.get("accessMediums", [])}
    email = body.get("email")
    return CustomerRow(
        id=body["id"], customer_number=body.get("customerNumber"),
        first_key=body.get("firstName", "").casefold(),
        last_key=body.get("lastName", "").casefold(),
        email_key=email.casefold() if email else None,
        date_of_birth=body.get("dateOfBirth"), status=body["status"],
        card_number=mediums.get("CARD_NUMBER"), barcode=mediums.get("BARCODE"),
        debtor_id=f"D-{body['id']}",
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
    )


def default_preferences(customer_id: int, seed: int) -> list[dict]:
    """The preferences a customer starts with: varied, sparse, fixed cells at the studio's value."""
    rng = random.Random(f"prefs-{seed}-{customer_id}")
    marketing = rng.random() < 0.55  # roughly half opted in to marketing at all
    prefs = []
    for category in CATEGORIES:
        if category == "LOYALTY_PROGRAM" and rng.random() < 0.35:
            continue  # not enrolled in the loyalty programme: the category is absent
        channels = []
        for channel in OFFERED[category]:
            fixed = FIXED.get((category, channel))
            if fixed is not None:
                active = fixed
            elif category in ("NEWSLETTER", "LOYALTY_PROGRAM"):
                active = marketing and rng.random() < 0.7
            else:
                active = rng.random() < 0.75
            channels.append({"communicationChannel": channel,
                             "customerOverridable": fixed is None, "active": active})
        prefs.append({"messageCategory": category, "channels": channels})
    return prefs


def studio_information() -> dict:
    """The demo studio, a plausible Hamburg gym."""
    return {
        "studioId": STUDIO_ID,
        "name": "Kraftwerk Fitness Hamburg-Altona",
        "country": "Deutschland",
        "countryCode": "DE",
        "openingDate": "2014-03-01",
        "email": "info@kraftwerk-fitness.example",
        "telephone": "+49 40 3861 2240",
        "website": "https://kraftwerk-fitness.example",
        "street": "Große Bergstraße",
        "houseNumber": "152",
        "zip": "22767",
        "city": "Hamburg",
        "accessCodeConfiguration": {"enabled": True},
        "location": {"latitude": 53.5507, "longitude": 9.9353},
        "openingHours": [
            {"dayOfWeekFrom": "MONDAY", "dayOfWeekTo": "FRIDAY",
             "timeFrom": {"hour": 6, "minute": 0, "second": 0, "nano": 0},
             "timeTo": {"hour": 23, "minute": 0, "second": 0, "nano": 0}},
            {"dayOfWeekFrom": "SATURDAY", "dayOfWeekTo": "SUNDAY",
             "timeFrom": {"hour": 8, "minute": 0, "second": 0, "nano": 0},
             "timeTo": {"hour": 21, "minute": 0, "second": 0, "nano": 0}},
        ],
        "closingHours": [
            {"reason": "Heiligabend",
             "dateTimeFrom": f"2026-12-24T14:00:00.000+01:00[{ZONE}]",
             "dateTimeTo": f"2026-12-25T00:00:00.000+01:00[{ZONE}]"},
        ],
        "studioTags": [{"name": "Sauna"}, {"name": "Kurse"}, {"name": "24/7"}],
    }


_EMPLOYEES = [
    ("Katrin", "Vogelsang", "FEMALE", "STUDIO_OWNER"),
    ("Tobias", "Brückner", "MALE", "STUDIO_MANAGER"),
    ("Aylin", "Doğan", "FEMALE", "SERVICE_EMPLOYEE"),
    ("Jens", "Petersen", "MALE", "SERVICE_EMPLOYEE"),
    ("Małgorzata", "Nowicka", "FEMALE", "TRAINER"),
    ("Sören", "Weißgerber", "MALE", "TRAINER"),
    ("Lea", "Hoffmann", "FEMALE", "ADMINISTRATION_OR_FINANCE"),
    ("Nico", "Straßburger", "MALE", "MARKETING"),
]


def employees() -> list[dict]:
    """Eight employees with the vendor's required fields."""
    result = []
    for i, (first, last, gender, role) in enumerate(_EMPLOYEES):
        local = first.lower().translate(_TRANSLIT)
        result.append({
            "id": FIRST_EMPLOYEE_ID + i, "firstName": first, "lastName": last, "gender": gender,
            "employeeInitials": (first[0] + last[0]).upper(), "publicName": f"{first} {last[0]}.",
            "employeeNumber": f"MA-{101 + i}", "businessRole": role,
            "email": f"{local if local.isascii() else 'team'}@kraftwerk-fitness.example",
        })
    return result
