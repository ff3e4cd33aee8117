"""Synthetic demo data for the fictional Flemish municipality Lindevoorde (gemeente + OCMW).

Everything is determined by :attr:`DemoConfig.seed`: the same configuration gives byte-identical
files. The data-generating model is written down in the ground truth
(``demo_ground_truth.yml``) so that the analysis can be checked against it:

* self-solvable tickets arrive per person as Poisson with a person frailty (negative binomial
  counts) and planted effects of onboarding, the team leader as role model, capability
  (self-efficacy) and motivation moderated by team psychological safety;
* partly self-solvable and IT tickets arrive at a base rate per FTE-day;
* a password-reset pilot in ~40% of the teams lowers password/MFA and lockout tickets;
* site, age band and function level have exactly no effect (null factors), and an org-wide
  knowledge-base action changes nothing.
* the survey (``survey.csv``) answers the shipped instrument
  (``selfreliance/resources/survey/instrument.yml``, written as ``instrument.yml``): its
  scales measure the latents above; procedure clarity and the onboarding experience (recent
  hires only) are descriptive scales without a planted effect.

Examples
--------
>>> from selfreliance.demo import DemoConfig, generate_demo
>>> demo = generate_demo(DemoConfig(seed=1))  # doctest: +SKIP
>>> sorted(demo)  # doctest: +SKIP
['ground_truth', 'interventions', 'labels', 'roster', 'survey', 'tickets']
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

import holidays
import numpy as np
import pandas as pd
import yaml

from selfreliance.config import resource_path
from selfreliance.demo_text import TextInputs, build_texts, short_dates
from selfreliance.instrument import instrument_path, load_instrument

__all__ = ["DemoConfig", "generate_demo", "write_demo"]

DOMAIN = "lindevoorde.be"
ORG_NAME = "Lindevoorde"


@dataclass(frozen=True)
class DemoConfig:
    """Settings of the synthetic demo organisation.

    Parameters
    ----------
    seed : int
        Seed of every random draw; same seed, same files. The default (6) is the first
        seed for which the analysis recovers every planted effect and flags no null factor
        (see ``DEMO_SEED_NOTE``); other seeds show what a real organisation of this size
        can expect: some real effects come out "onbeslist".
    start, end : str
        First and last day (inclusive) of the ticket history, ISO dates.
    n_staff : int
        Approximate active headcount at any time.
    tickets_per_year : int
        Approximate number of tickets per year; base rates are calibrated to it.
    response_rate : float
        Share of staff employed at survey time who answer the survey.
    """

    seed: int = 6
    start: str = "2024-10-01"
    end: str = "2026-09-30"
    n_staff: int = 200
    tickets_per_year: int = 2500
    response_rate: float = 0.70


# ---------------------------------------------------------------------------------------------
# Planted model constants (the ground truth)
# ---------------------------------------------------------------------------------------------

IRR_ONBOARDING = 2.0
ONBOARDING_DAYS = 183  # "six months after hire"
COEF_MANAGER = 0.6  # log-rate per unit of the team leader's latent z_mgr
# Demo design (2026.2): the first version planted SD_MANAGER 0.5, IRR_MOTIVATION and
# IRR_MOT_X_PS 0.85 and frailty shape 3. Over 40 demo seeds (true labels, 12-month window)
# the analysis found the manager effect (own-rate measure) in 33%, motivation in 30% and the
# motivation x safety interaction in 20% of the seeds: not reliably detectable with about
# 200 staff, whatever the analysis. The signal was raised modestly (onboarding 2.0, manager
# SD 0.7, motivation and its interaction 0.75 per SD like capability, person frailty shape
# 5, i.e. variance 0.2). See DEMO_SEED_NOTE for what that gives over 40 seeds and why the
# default seed is 6.
SD_MANAGER = 0.7
COEF_MANAGER_OWN = 1.0
IRR_CAPABILITY = 0.75
IRR_MOTIVATION = 0.75
IRR_MOT_X_PS = 0.75
SD_TEAM = 0.15
FRAILTY_SHAPE = 5.0
IRR_INTERVENTION = 0.55
INTERVENTION_START = "2026-01-12"
SURVEY_MONTH = "2026-06"
#: Why the default seed is 6 (measured with the full pipeline: demo -> ingest with the rule
#: classifier -> hypotheses.analyse_window over the 12 months to 2026-09-30, seeds 1-40).
DEMO_SEED_NOTE = (
    "Share of 40 demo seeds in which each planted effect is found (q < 0.05, right "
    "direction): onboarding (H1) 80%, manager's own rate (H3) 60%, manager as role model in "
    "the survey (H3b) 90%, capability (H4) 80%, motivation (H5) 72%, motivation x safety "
    "(H6) 70%, concentration (H8a) 100%; null factors flagged: tenure, function level, age, "
    "site, department, capability x safety 0%, same-question repeats 5%. All seven found "
    "and no null flagged in 7 of 40 seeds (6, 8, 17, 20, 35, 38, 40): with about 200 staff "
    "and 140 respondents each effect of this size is found most of the time, all of them "
    "together rarely. The default seed is the first of these, chosen so that the demo shows "
    "every kind of finding; because it was chosen on its outcome, its estimates lean towards "
    "the larger side (winner's curse). Other seeds show what a real organisation can expect."
)
EXPORT_MINUTE = 17 * 60  # export taken at 17:00 on the last day

SHARE_SELF, SHARE_PARTLY, SHARE_IT = 0.55, 0.18, 0.27
SHARE_NONSTAFF = 0.02
TARGETED = ("password_mfa", "account_lockout")
SELF_MIX = {
    "password_mfa": 0.30,
    "account_lockout": 0.10,
    "mail_calendar": 0.18,
    "teams_meetings": 0.12,
    "files_sharepoint": 0.15,
    "software_howto": 0.15,
}
PARTLY_MIX = {"printer_scanning": 0.35, "business_apps": 0.35, "telephony": 0.12, "network": 0.18}
IT_MIX = {
    "hardware_defect": 0.26,
    "new_device_install": 0.22,
    "access_rights": 0.22,
    "onboarding_offboarding": 0.02,
    "security_incident": 0.10,
    "other": 0.18,
}

# Organisation: department -> (site, teams). Interne zaken is headed by the algemeen directeur.
ORG: list[tuple[str, str, list[str]]] = [
    (
        "Burgerzaken",
        "Administratief Centrum",
        ["Burgerzaken loket", "Burgerlijke stand", "Vreemdelingenzaken"],
    ),
    ("Financien", "Administratief Centrum", ["Boekhouding", "Ontvangsten en belastingen"]),
    (
        "Omgeving",
        "Administratief Centrum",
        ["Ruimtelijke ordening", "Milieu en mobiliteit", "Wonen"],
    ),
    ("Technische dienst", "Administratief Centrum", ["Openbare werken", "Gebouwen", "Groendienst"]),
    ("Welzijn/OCMW", "Sociaal Huis", ["Sociale dienst", "Thuiszorg", "Kinderopvang"]),
    ("Vrije tijd", "Administratief Centrum", ["Cultuur en bibliotheek", "Sport en jeugd"]),
    (
        "Interne zaken/P&O",
        "Administratief Centrum",
        ["Directie en secretariaat", "Personeel en organisatie", "Communicatie"],
    ),
    ("ICT", "Administratief Centrum", ["ICT helpdesk", "ICT infrastructuur en toepassingen"]),
]
DIRECTOR_TEAM = "Directie en secretariaat"

MALE = [
    "Jan",
    "Pieter",
    "Tom",
    "Bart",
    "Koen",
    "Wim",
    "Dirk",
    "Geert",
    "Peter",
    "Kris",
    "Stijn",
    "Jens",
    "Wouter",
    "Thomas",
    "Nick",
    "Joris",
    "Sander",
    "Ruben",
    "Lars",
    "Arne",
    "Jeroen",
    "Filip",
    "Luc",
    "Marc",
    "Patrick",
    "Johan",
    "Steven",
    "Frederik",
    "Maarten",
    "Bram",
    "Dries",
    "Sam",
    "Robbe",
    "Seppe",
    "Wout",
    "Lennert",
    "Glenn",
    "Kevin",
    "Hans",
    "Eddy",
    "Rik",
    "Stefaan",
    "Toon",
    "Jasper",
    "Michiel",
    "Brecht",
    "Gert",
    "Hendrik",
    "Xavier",
    "Yves",
    "Björn",
    "Jürgen",
    "Frank",
    "Erik",
    "Lieven",
    "Matthias",
    "Simon",
    "Jelle",
]
FEMALE = [
    "An",
    "Els",
    "Sofie",
    "Katrien",
    "Lies",
    "Griet",
    "Inge",
    "Veerle",
    "Sarah",
    "Lotte",
    "Eline",
    "Hanne",
    "Nele",
    "Kaat",
    "Fien",
    "Marie",
    "Ann",
    "Hilde",
    "Kristien",
    "Leen",
    "Sandra",
    "Nathalie",
    "Caroline",
    "Evelien",
    "Charlotte",
    "Elke",
    "Tine",
    "Lien",
    "Jolien",
    "Joke",
    "Kim",
    "Martine",
    "Rita",
    "Lut",
    "Ilse",
    "Karolien",
    "Annelies",
    "Femke",
    "Laura",
    "Julie",
    "Emma",
    "Louise",
    "Ellen",
    "Karen",
    "Wendy",
    "Greet",
    "Mieke",
    "Sien",
    "Febe",
    "Liesbeth",
    "Ine",
    "Heidi",
    "Chloë",
    "Noémie",
    "Anouk",
    "Stefanie",
    "Valerie",
    "Daphné",
]
LAST = [
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "Hermans",
    "Aerts",
    "Pauwels",
    "Vermeulen",
    "Van Damme",
    "Declercq",
    "De Backer",
    "Verstraete",
    "Vandenberghe",
    "Martens",
    "Vermeersch",
    "Van den Broeck",
    "De Clercq",
    "Desmet",
    "Lambrecht",
    "Van de Velde",
    "Michiels",
    "Verhoeven",
    "Cools",
    "Segers",
    "Coppens",
    "Van Acker",
    "Verbeke",
    "De Vos",
    "Baert",
    "Dhondt",
    "Devos",
    "Vanhoutte",
    "Van Hecke",
    "De Wilde",
    "Bogaert",
    "Smets",
    "Lemmens",
    "Leysen",
    "Moens",
    "Van Dyck",
    "Claeys",
    "Wuyts",
    "Van Hoof",
    "Stevens",
    "Geerts",
    "Timmermans",
    "Van Looy",
    "De Coninck",
    "Vanneste",
    "Callens",
    "Decock",
    "Deprez",
    "D'Hooghe",
    "Vercruysse",
    "Vandamme",
    "Soete",
    "Dewulf",
    "Mahieu",
    "Ghesquière",
    "Vanderstraeten",
    "Van Eeckhout",
    "Debruyne",
    "Beernaert",
    "Verschueren",
    "Huysmans",
    "Nuyts",
    "Van Gucht",
    "Degraeve",
    "Bracke",
    "Vlaeminck",
    "Van Laere",
    "Rombaut",
]
# Names of non-Belgian origin, kept as (first, last) pools per origin.
OTHER_ORIGIN = [
    (
        ["Mohamed", "Youssef", "Karim", "Fatima", "Samira", "Nadia", "Bilal", "Imane"],
        ["El Amrani", "Benali", "Bouzid", "El Idrissi", "Ait Taleb", "Haddouchi"],
    ),
    (
        ["Emre", "Mehmet", "Elif", "Ayşe", "Burak", "Zeynep"],
        ["Yilmaz", "Demir", "Kaya", "Öztürk", "Çelik"],
    ),
    (["Piotr", "Agnieszka", "Katarzyna", "Tomasz"], ["Kowalski", "Nowak", "Wiśniewska"]),
    (["Giulia", "Marco", "Francesca", "Luca"], ["Russo", "Esposito", "Di Marco", "Lombardi"]),
    (["Ana", "Ion", "Elena", "Andrei"], ["Popescu", "Ionescu", "Dumitru"]),
]
IT_STAFF_ROLES = [
    "ICT eerstelijn",
    "ICT eerstelijn",
    "ICT tweedelijn",
    "ICT tweedelijn",
    "ICT applicatiebeheer",
]

CATEGORY: dict[str, list[tuple[str, str]]] = {
    "password_mfa": [("Account en toegang", "Wachtwoord"), ("Account en toegang", "MFA")],
    "account_lockout": [("Account en toegang", "Account geblokkeerd")],
    "mail_calendar": [("Software", "Outlook en e-mail"), ("Software", "Agenda")],
    "teams_meetings": [("Software", "Microsoft Teams"), ("Werkplek", "Audio en video")],
    "files_sharepoint": [("Software", "OneDrive en SharePoint"), ("Werkplek", "Bestanden")],
    "software_howto": [("Software", "Office"), ("Software", "Overige software")],
    "printer_scanning": [("Printen", "Printer"), ("Printen", "Scannen"), ("Printen", "Toner")],
    "business_apps": [("Vakapplicaties", "Storing"), ("Vakapplicaties", "Vraag")],
    "hardware_defect": [
        ("Werkplek", "Laptop"),
        ("Werkplek", "Randapparatuur"),
        ("Werkplek", "Beeldscherm"),
    ],
    "new_device_install": [("Werkplek", "Nieuwe hardware"), ("Software", "Installatie")],
    "access_rights": [("Account en toegang", "Rechten")],
    "telephony": [("Telefonie", "Vaste telefonie"), ("Telefonie", "Mobiel")],
    "onboarding_offboarding": [("Account en toegang", "In- en uitdienst")],
    "network": [("Netwerk", "Wifi"), ("Netwerk", "VPN en thuiswerk"), ("Netwerk", "Internet")],
    "security_incident": [("Overig", "Beveiliging")],
    "other": [("Overig", "Algemeen")],
}
LOOSE_CATEGORIES = [
    ("Werkplek", "Algemeen"),
    ("Overig", "Algemeen"),
    ("Software", "Overige software"),
    ("Account en toegang", "Aanmelden"),
    ("Werkplek", "Laptop"),
    ("Netwerk", "Internet"),
    ("Vakapplicaties", "Vraag"),
]
P_LINE1 = {
    "password_mfa": 0.95,
    "account_lockout": 0.97,
    "mail_calendar": 0.85,
    "teams_meetings": 0.85,
    "files_sharepoint": 0.8,
    "software_howto": 0.9,
    "printer_scanning": 0.6,
    "business_apps": 0.25,
    "hardware_defect": 0.15,
    "new_device_install": 0.1,
    "access_rights": 0.5,
    "telephony": 0.6,
    "onboarding_offboarding": 0.3,
    "network": 0.4,
    "security_incident": 0.3,
    "other": 0.6,
}
# Soort melding probabilities (Storing, Vraag, Verzoek) per class.
CALL_TYPE = {"self": (0.2, 0.7, 0.1), "partly": (0.6, 0.3, 0.1), "it": (0.35, 0.15, 0.5)}
RES_MEDIAN_MIN = {"self": 180.0, "partly": 480.0, "it": 1800.0}


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _codebook() -> dict[str, str]:
    with open(resource_path("codebook.yml"), encoding="utf-8") as fh:
        cb = yaml.safe_load(fh)
    return {k: v["self_solvability"] for k, v in cb["question_types"].items()}


def _ascii_slug(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text)
    return "".join(c for c in norm.lower() if "a" <= c <= "z")


def _categorical(rng: np.random.Generator, mix: dict[str, float], n: int) -> np.ndarray:
    keys = list(mix)
    p = np.array([mix[k] for k in keys])
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def _fmt_dt(values: np.ndarray, style: str) -> np.ndarray:
    """Format datetime64 values fast by permuting the bytes of the ISO string."""
    arr = np.asarray(values).astype("datetime64[m]")
    n = len(arr)
    if n == 0:
        return np.array([], dtype=object)
    iso = np.datetime_as_string(arr, unit="m").astype("S16")
    b = iso.view(np.uint8).reshape(n, 16)
    if style == "topdesk":  # dd-mm-jjjj uu:mm
        order = [8, 9, 4, 5, 6, 7, 0, 1, 2, 3, 10, 11, 12, 13, 14, 15]
        out = b[:, order].copy()
        out[:, 10] = ord(" ")
    elif style == "iso":  # YYYY-MM-DD HH:MM
        out = b.copy()
        out[:, 10] = ord(" ")
    else:
        raise ValueError(style)
    res = out.reshape(-1).view("S16").astype(str).astype(object)
    res[np.isnat(arr)] = ""
    return res


def _fmt_minutes(minutes: np.ndarray) -> np.ndarray:
    """Durations as TOPdesk ``u:mm`` strings."""
    m = np.asarray(minutes, dtype=np.int64)
    if len(m) == 0:
        return np.array([], dtype=object)
    lut = np.array([f"{i // 60}:{i % 60:02d}" for i in range(int(m.max()) + 1)], dtype=object)
    return lut[m]


def _calendar(cfg: DemoConfig) -> tuple[np.ndarray, np.ndarray, set]:
    """Days of the period and their relative call weight."""
    days = np.arange(np.datetime64(cfg.start), np.datetime64(cfg.end) + 1)
    years = range(int(cfg.start[:4]) - 1, int(cfg.end[:4]) + 2)
    be = holidays.country_holidays("BE", years=list(years))
    hol = {np.datetime64(d) for d in sorted(be)}
    wd = (days.astype(np.int64) + 3) % 7
    w = np.array([1.3, 1.1, 1.0, 1.0, 0.7, 0.026, 0.026])[wd]
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    w = np.where((month == 7) | (month == 8), w * 0.7, w)
    xmas = (month == 12) & (dom >= 24) | (month == 1) & (dom <= 1)
    w = np.where(xmas, w * 0.4, w)
    is_hol = np.isin(days, np.array(sorted(hol), dtype="datetime64[D]"))
    w = np.where(is_hol, 0.02, w)
    return days, w, hol


def _valid_rrn_pool(rng: np.random.Generator, n: int) -> np.ndarray:
    """Rijksregisternummers with valid check digits (citizens born 1935-2008)."""
    start = np.datetime64("1935-01-01").astype(np.int64)
    stop = np.datetime64("2008-12-31").astype(np.int64)
    birth = rng.integers(start, stop, n).astype("datetime64[D]")
    seq = rng.integers(1, 998, n)
    out = []
    for b, s in zip(birth, seq, strict=True):
        y, m, d = str(b).split("-")
        nine = int(y[2:] + m + d + f"{s:03d}")
        base = nine + 2_000_000_000 if int(y) >= 2000 else nine
        check = 97 - base % 97
        out.append(f"{y[2:]}.{m}.{d}-{s:03d}.{check:02d}")
    return np.array(out, dtype=object)


def _valid_iban_pool(rng: np.random.Generator, n: int) -> np.ndarray:
    """Belgian IBANs with valid national and IBAN check digits."""
    banks = np.array([1, 63, 68, 73, 96, 103, 143, 363, 539, 651, 734, 737, 750, 973, 979])
    bank = banks[rng.integers(0, len(banks), n)]
    acct = rng.integers(0, 10_000_000, n)
    out = []
    for b, a in zip(bank, acct, strict=True):
        ten = int(b) * 10_000_000 + int(a)
        nat = ten % 97 or 97
        bban = f"{ten:010d}{nat:02d}"
        chk = 98 - int(bban + "111400") % 97  # B=11, E=14
        s = f"BE{chk:02d}{bban}"
        out.append(" ".join(s[i : i + 4] for i in range(0, 16, 4)))
    return np.array(out, dtype=object)


# ---------------------------------------------------------------------------------------------
# Organisation and roster
# ---------------------------------------------------------------------------------------------


def _team_list(n_staff: int) -> list[tuple[str, str, str, bool]]:
    """(team, department, site, is_first_team_of_department) for the requested size."""
    org = [(d, s, list(t)) for d, s, t in ORG]
    # Small organisations: drop teams so that every team can keep five people.
    while sum(len(t) for _, _, t in org) * 8 > n_staff:
        d_i = max(range(len(org)), key=lambda i: (len(org[i][2]), -i))
        if len(org[d_i][2]) == 1:
            break
        org[d_i][2].pop()
    n_rep = max(1, round(n_staff / 200))
    out = []
    for r in range(n_rep):
        for dept, site, teams in org:
            for k, team in enumerate(teams):
                name = team if r == 0 else f"{team} {r + 1}"
                out.append((name, dept, site, r == 0 and k == 0))
    return out


def _names(rng: np.random.Generator, n: int) -> tuple[list[str], list[str]]:
    firsts, lasts = [], []
    u = rng.random((n, 4))
    for i in range(n):
        if u[i, 0] < 0.12:
            fs, ls = OTHER_ORIGIN[int(u[i, 1] * len(OTHER_ORIGIN))]
            firsts.append(fs[int(u[i, 2] * len(fs))])
            lasts.append(ls[int(u[i, 3] * len(ls))])
        else:
            fs = MALE if u[i, 1] < 0.48 else FEMALE
            firsts.append(fs[int(u[i, 2] * len(fs))])
            lasts.append(LAST[int(u[i, 3] * len(LAST))])
    return firsts, lasts


def _phone(rng: np.random.Generator, n: int) -> np.ndarray:
    u = rng.random(n)
    d = rng.integers(0, 100, (n, 4))
    out = []
    for i in range(n):
        if u[i] < 0.55:
            out.append(f"Tel. 050 {d[i, 0] % 90 + 10:02d} {d[i, 1]:02d} {d[i, 2]:02d}")
        elif u[i] < 0.8:
            out.append(f"Gsm +32 47{d[i, 3] % 10} {d[i, 0]:02d} {d[i, 1]:02d} {d[i, 2]:02d}")
        else:
            out.append(f"049{d[i, 3] % 10} {d[i, 0]:02d} {d[i, 1]:02d} {d[i, 2]:02d}")
    return np.array(out, dtype=object)


def _roster(cfg: DemoConfig, rng: np.random.Generator, days: np.ndarray) -> pd.DataFrame:
    """People, teams and the management line; internal columns start with an underscore."""
    start, end = days[0], days[-1]
    teams = _team_list(cfg.n_staff)
    n_teams = len(teams)
    raw = rng.gamma(4.0, 1.0, n_teams)
    extra_total = max(cfg.n_staff - 5 * n_teams, 0)
    sizes = 5 + np.floor(raw / raw.sum() * extra_total).astype(int)
    rem = cfg.n_staff - sizes.sum()
    for k in np.argsort(-raw, kind="stable")[: max(rem, 0)]:
        sizes[k] += 1
    sizes = np.minimum(sizes, 20 if cfg.n_staff <= 400 else 30)

    rows = []  # (team_idx, role)
    for t, (_, dept, _, first) in enumerate(teams):
        rows.append((t, "director" if teams[t][0] == DIRECTOR_TEAM else "leader"))
        n_rest = sizes[t] - 1
        if first and dept != "Interne zaken/P&O":
            rows.append((t, "head"))
            n_rest -= 1
        rows += [(t, "member")] * n_rest
    n0 = len(rows)
    team_idx = np.array([r[0] for r in rows])
    role = np.array([r[1] for r in rows], dtype=object)

    # Staff already employed before the start: hire dates spread over up to 30 years.
    age0 = rng.integers(21, 63, n0)
    max_serv = np.minimum(30.0, age0 - 20.0)
    serv_years = max_serv * rng.random(n0) ** 1.3
    serv_years = np.where(role == "member", serv_years, np.maximum(serv_years, 2.0))
    hire = start - np.round(serv_years * 365.25).astype("timedelta64[D]") - np.timedelta64(1, "D")
    birth_year = int(str(start)[:4]) - age0
    exit_ = np.full(n0, np.datetime64("NaT"), dtype="datetime64[D]")

    # Turnover: 4-6 exits and hires per quarter at n_staff=200, scaled with size.
    qstarts = np.arange(start.astype("datetime64[M]"), end.astype("datetime64[M]") + 1, 3)
    base = 0.025 * cfg.n_staff
    lo, hi = int(np.floor(base * 0.8)), int(np.ceil(base * 1.2))
    it_teams = {t for t, tm in enumerate(teams) if tm[1] == "ICT"}
    events = []  # (date, kind)
    for q in qstarts:
        q0 = q.astype("datetime64[D]")
        q1 = min((q + 3).astype("datetime64[D]") - 1, end)
        span = int((q1 - q0).astype(int)) + 1
        n_exit = int(rng.integers(lo, hi + 1))
        n_hire = max(1, int(rng.integers(lo, hi + 1)))
        for dd in np.sort(rng.integers(0, span, n_exit)):
            events.append((q0 + dd, 0))
        for dd in np.sort(rng.integers(0, span, n_hire)):
            events.append((q0 + dd, 1))
    events.sort(key=lambda e: (e[0], e[1]))

    # Preallocated arrays so that each exit picks its candidate with one vectorised mask.
    cap = n0 + sum(1 for _, k in events if k == 1)
    team_a = np.concatenate([team_idx, np.zeros(cap - n0, dtype=team_idx.dtype)])
    member_a = np.concatenate([role == "member", np.zeros(cap - n0, dtype=bool)])
    hire_a = np.concatenate([hire, np.full(cap - n0, np.datetime64("NaT"), "datetime64[D]")])
    exit_a = np.concatenate([exit_, np.full(cap - n0, np.datetime64("NaT"), "datetime64[D]")])
    by_a = np.concatenate([birth_year, np.zeros(cap - n0, dtype=birth_year.dtype)])
    is_it_team = np.array([t in it_teams for t in range(n_teams)])
    vacancies: list[int] = []
    team_count = np.bincount(team_idx, minlength=n_teams).astype(int)
    n = n0
    for date, kind in events:
        if kind == 0:
            cand = np.flatnonzero(
                member_a[:n]
                & np.isnat(exit_a[:n])
                & ~is_it_team[team_a[:n]]
                & ((date - hire_a[:n]).astype(np.int64) > 90)
                & (team_count[team_a[:n]] > 5)
            )
            if len(cand) == 0:
                continue
            i = int(cand[int(rng.integers(0, len(cand)))])
            exit_a[i] = date
            team_count[team_a[i]] -= 1
            vacancies.append(int(team_a[i]))
        else:
            if vacancies:
                t = vacancies.pop(0)
            else:
                t = int(rng.choice(n_teams, p=team_count / team_count.sum()))
            # Hires start on a working day: push weekends to Monday.
            wd = (date.astype(np.int64) + 3) % 7
            d_hire = date + (0 if wd < 5 else 7 - int(wd))
            if d_hire > end:
                continue
            team_a[n] = t
            member_a[n] = True
            hire_a[n] = d_hire
            by_a[n] = int(str(d_hire)[:4]) - int(rng.integers(21, 56))
            team_count[t] += 1
            n += 1
    team_idx = team_a[:n]
    role = np.concatenate([role, np.full(n - n0, "member", dtype=object)])
    hire = hire_a[:n]
    exit_ = exit_a[:n]
    birth_year = by_a[:n]

    firsts, lasts = _names(rng, n)
    names = [f"{f} {ln}" for f, ln in zip(firsts, lasts, strict=True)]
    emails, seen = [], {}
    for f, ln in zip(firsts, lasts, strict=True):
        local = f"{_ascii_slug(f)}.{_ascii_slug(ln)}"
        seen[local] = seen.get(local, 0) + 1
        emails.append(f"{local}{seen[local] if seen[local] > 1 else ''}@{DOMAIN}")

    pid = np.array([f"P{i + 1:05d}" for i in range(n)], dtype=object)
    # Management line.
    leader_of_team = {}
    head_of_dept = {}
    director = None
    for i in range(n):
        if role[i] in ("leader", "director"):
            leader_of_team[team_idx[i]] = i
        if role[i] == "head":
            head_of_dept[teams[team_idx[i]][1]] = i
        if role[i] == "director":
            director = i
            head_of_dept["Interne zaken/P&O"] = i
    mgr = np.full(n, -1)
    for i in range(n):
        t = team_idx[i]
        dept = teams[t][1]
        if role[i] == "director":
            mgr[i] = -1
        elif role[i] == "head":
            mgr[i] = director
        elif role[i] == "leader":
            mgr[i] = head_of_dept[dept]
        else:
            mgr[i] = leader_of_team[t]

    is_mgr = np.isin(role, ["leader", "head", "director"])
    u = rng.random(n)
    lvl_member = np.array(list("ABCDE"))[
        np.searchsorted(np.cumsum([0.08, 0.22, 0.41, 0.235, 0.055]), u * 0.99999)
    ]
    lvl_leader = np.where(u < 0.4, "A", "B")
    level = np.where(role == "member", lvl_member, np.where(role == "leader", lvl_leader, "A"))
    fte_opts = np.array([1.0, 0.9, 0.8, 0.7, 0.6, 0.5])
    fte = np.where(
        is_mgr,
        fte_opts[rng.choice(3, n, p=[0.85, 0.1, 0.05])],
        fte_opts[rng.choice(6, n, p=[0.55, 0.08, 0.2, 0.03, 0.04, 0.1])],
    )
    tname = np.array([t[0] for t in teams], dtype=object)
    tdept = np.array([t[1] for t in teams], dtype=object)
    tsite = np.array([t[2] for t in teams], dtype=object)
    return pd.DataFrame(
        {
            "person_id": pid,
            "email": np.array(emails, dtype=object),
            "name": np.array(names, dtype=object),
            "team": tname[team_idx],
            "department": tdept[team_idx],
            "manager_id": np.where(mgr >= 0, pid[np.maximum(mgr, 0)], ""),
            "function_level": level,
            "hire_date": hire,
            "exit_date": exit_,
            "fte": fte,
            "birth_year": birth_year,
            "site": tsite[team_idx],
            "_first": np.array(firsts, dtype=object),
            "_team_idx": team_idx,
            "_role": role,
            "_mgr": mgr,
        }
    )


# ---------------------------------------------------------------------------------------------
# Tickets
# ---------------------------------------------------------------------------------------------


@dataclass
class _Raw:
    person: np.ndarray  # roster row, -1 for non-staff
    nonstaff: np.ndarray  # index into the non-staff requester table, -1 for staff
    day: np.ndarray  # index into days
    qtype: np.ndarray
    event: np.ndarray  # "in"/"out"/"" for onboarding events
    subject: np.ndarray  # roster row of the hired/leaving person, -1 otherwise


def _latents(rng: np.random.Generator, roster: pd.DataFrame) -> dict[str, np.ndarray]:
    n = len(roster)
    n_teams = int(roster["_team_idx"].max()) + 1
    is_mgr = roster["_role"].to_numpy() != "member"
    lat = {
        "cap": rng.standard_normal(n),
        "mot": rng.standard_normal(n),
        "ps_team": rng.standard_normal(n_teams),
        "u_team": rng.normal(0.0, SD_TEAM, n_teams),
        "frailty": np.log(rng.gamma(FRAILTY_SHAPE, 1.0 / FRAILTY_SHAPE, n)),
        "z_mgr": np.where(is_mgr, rng.normal(0.0, SD_MANAGER, n), 0.0),
    }
    t = roster["_team_idx"].to_numpy()
    mgr = roster["_mgr"].to_numpy()
    # Centred on the rate scale (E[exp(term)] = 1 for leaders and members alike), so that
    # function level, which differs between leaders and members, has exactly no effect.
    own_shift = 0.5 * (COEF_MANAGER_OWN * SD_MANAGER) ** 2
    member_shift = 0.5 * (COEF_MANAGER * SD_MANAGER) ** 2
    z_term = np.where(
        is_mgr,
        COEF_MANAGER_OWN * lat["z_mgr"] - own_shift,
        COEF_MANAGER * lat["z_mgr"][np.maximum(mgr, 0)] - member_shift,
    )
    ps = lat["ps_team"][t]
    lat["z_term"] = z_term
    lat["lp_self"] = (
        z_term
        + np.log(IRR_CAPABILITY) * lat["cap"]
        + (np.log(IRR_MOTIVATION) + np.log(IRR_MOT_X_PS) * ps) * lat["mot"]
        + lat["u_team"][t]
        + lat["frailty"]
    )
    return lat


def _draw_staff_tickets(
    cfg: DemoConfig,
    rng: np.random.Generator,
    roster: pd.DataFrame,
    lat: dict,
    days: np.ndarray,
    w: np.ndarray,
    pilot: np.ndarray,
    n_event_tickets: int,
) -> tuple[_Raw, dict]:
    """Poisson draws per person-day in chunks of people (vectorised over days)."""
    n = len(roster)
    nd = len(days)
    years = nd / 365.25
    total = cfg.tickets_per_year * years * (1 - SHARE_NONSTAFF)
    d0 = days[0]
    hire_i = (roster["hire_date"].to_numpy().astype("datetime64[D]") - d0).astype(np.int64)
    ex = roster["exit_date"].to_numpy().astype("datetime64[D]")
    exit_i = np.where(np.isnat(ex), nd - 1, (np.where(np.isnat(ex), d0, ex) - d0).astype(np.int64))
    fte = roster["fte"].to_numpy()
    t_int = int((np.datetime64(INTERVENTION_START) - d0).astype(np.int64))
    in_pilot = pilot[roster["_team_idx"].to_numpy()]

    # Exact expected counts per person for calibration, from cumulative day weights.
    cw = np.concatenate([[0.0], np.cumsum(w)])

    def wsum(a, b):  # sum of w over [a, b] clipped to the period
        a = np.clip(a, 0, nd)
        b = np.clip(b + 1, 0, nd)
        return np.where(b > a, cw[np.maximum(b, a)] - cw[a], 0.0)

    emp_w = wsum(hire_i, exit_i)
    onb_w = wsum(np.maximum(hire_i, 0), np.minimum(hire_i + ONBOARDING_DAYS - 1, exit_i))
    exp_self0 = np.exp(lat["lp_self"]) * fte * (emp_w + (IRR_ONBOARDING - 1) * onb_w)
    b0 = float(np.log(total * SHARE_SELF / exp_self0.sum()))
    c_base = max(total * (SHARE_PARTLY + SHARE_IT) - n_event_tickets, 0.0) / float(
        (fte * emp_w).sum()
    )
    rate_self = np.exp(b0 + lat["lp_self"]) * fte
    rate_base = c_base * fte
    p_targ = SELF_MIX["password_mfa"] + SELF_MIX["account_lockout"]

    dd = np.arange(nd)
    pieces = {"t": [], "o": [], "b": []}
    exp_pilot_post = 0.0
    exp_targ_post = 0.0
    chunk = 256
    for s in range(0, n, chunk):
        sl = slice(s, min(s + chunk, n))
        emp = (dd[None, :] >= hire_i[sl, None]) & (dd[None, :] <= exit_i[sl, None])
        onb = (dd[None, :] >= hire_i[sl, None]) & (dd[None, :] < hire_i[sl, None] + ONBOARDING_DAYS)
        base_w = np.where(emp, w[None, :], 0.0)
        lam_self = rate_self[sl, None] * base_w * np.where(onb, IRR_ONBOARDING, 1.0)
        post = dd[None, :] >= t_int
        treat = in_pilot[sl, None] & post
        lam_t0 = lam_self * p_targ
        lam_t = np.where(treat, lam_t0 * IRR_INTERVENTION, lam_t0)
        exp_pilot_post += float(lam_t0[np.broadcast_to(treat, lam_t0.shape)].sum())
        exp_targ_post += float(lam_t[np.broadcast_to(post, lam_t.shape)].sum())
        for key, lam in (
            ("t", lam_t),
            ("o", lam_self * (1 - p_targ)),
            ("b", rate_base[sl, None] * base_w),
        ):
            cnt = rng.poisson(lam)
            pi, di = np.nonzero(cnt)
            c = cnt[pi, di]
            pieces[key].append((np.repeat(pi + s, c), np.repeat(di, c)))

    def cat(key):
        if not pieces[key]:
            return np.array([], int), np.array([], int)
        return (
            np.concatenate([p for p, _ in pieces[key]]),
            np.concatenate([d for _, d in pieces[key]]),
        )

    pt, dt_ = cat("t")
    po, do = cat("o")
    pb, db = cat("b")
    qt = _categorical(rng, {k: SELF_MIX[k] for k in TARGETED}, len(pt))
    qo = _categorical(rng, {k: v for k, v in SELF_MIX.items() if k not in TARGETED}, len(po))
    mix_b = {k: v * SHARE_PARTLY for k, v in PARTLY_MIX.items()}
    mix_b.update({k: v * SHARE_IT for k, v in IT_MIX.items()})
    qb = _categorical(rng, mix_b, len(pb))
    person = np.concatenate([pt, po, pb])
    m = len(person)
    raw = _Raw(
        person=person,
        nonstaff=np.full(m, -1),
        day=np.concatenate([dt_, do, db]),
        qtype=np.concatenate([qt, qo, qb]),
        event=np.full(m, "", dtype=object),
        subject=np.full(m, -1),
    )
    weeks_post = max(nd - max(t_int, 0), 0) / 7.0
    calib = {
        "b0": b0,
        "base_rate_per_fte_day": c_base,
        "expected_pilot_targeted_post_without_intervention": exp_pilot_post,
        "expected_targeted_post_with_intervention": exp_targ_post,
        "weeks_post": weeks_post,
    }
    return raw, calib


def _event_tickets(
    rng: np.random.Generator, roster: pd.DataFrame, days: np.ndarray, w: np.ndarray
) -> _Raw:
    """Onboarding/offboarding requests clustered around each hire and exit date."""
    nd = len(days)
    d0 = days[0]
    team_idx = roster["_team_idx"].to_numpy()
    role = roster["_role"].to_numpy()
    leader = {
        int(t): i
        for i, (t, r) in enumerate(zip(team_idx, role, strict=True))
        if r in ("leader", "director")
    }
    po_team = roster.index[
        (roster["team"] == "Personeel en organisatie") & roster["_role"].isin(["leader"])
    ].to_numpy()
    po_leader = int(po_team[0]) if len(po_team) else -1
    person, day, event, subject = [], [], [], []
    hire_i = (roster["hire_date"].to_numpy().astype("datetime64[D]") - d0).astype(np.int64)
    ex = roster["exit_date"].to_numpy().astype("datetime64[D]")
    working = w > 0.5
    for i in range(len(roster)):
        for kind, ref in (
            ("in", hire_i[i]),
            ("out", None if np.isnat(ex[i]) else int((ex[i] - d0).astype(int))),
        ):
            if ref is None or ref < -20 or ref > nd + 5:
                continue
            k = 1 + int(rng.poisson(0.8 if kind == "in" else 0.4))
            offs = rng.integers(-15, 4, k) if kind == "in" else rng.integers(-12, 2, k)
            use_po = rng.random(k) < 0.3
            for o, po in zip(offs, use_po, strict=True):
                d = int(ref + o)
                # Requests go in on working days: move to the next one.
                while 0 <= d < nd and not working[d]:
                    d += 1
                if not 0 <= d < nd:
                    continue
                req = po_leader if (po and po_leader >= 0) else leader[int(team_idx[i])]
                if req == i:
                    continue
                person.append(req)
                day.append(d)
                event.append(kind)
                subject.append(i)
    m = len(person)
    return _Raw(
        person=np.array(person, dtype=int),
        nonstaff=np.full(m, -1),
        day=np.array(day, dtype=int),
        qtype=np.full(m, "onboarding_offboarding", dtype=object),
        event=np.array(event, dtype=object),
        subject=np.array(subject, dtype=int),
    )


NONSTAFF = [
    # (name, email, weight, type mix)
    (
        "Monitoring PRTG",
        f"prtg@{DOMAIN}",
        0.5,
        {"network": 0.5, "hardware_defect": 0.2, "other": 0.3},
    ),
    ("Servicedesk Cevalo", "support@cevalo.be", 0.1, {"business_apps": 0.7, "other": 0.3}),
    (
        "Kantoortech Vlaanderen",
        "service@kantoortech-vl.be",
        0.1,
        {"printer_scanning": 0.8, "other": 0.2},
    ),
    (
        "Raadslid Veerle Cnudde",
        "veerle.cnudde@telenet.be",
        0.08,
        {"password_mfa": 0.4, "mail_calendar": 0.3, "teams_meetings": 0.3},
    ),
    (
        "Raadslid Ahmed Ouali",
        "ahmed.ouali@raad.lindevoorde.be",
        0.08,
        {"password_mfa": 0.3, "files_sharepoint": 0.3, "teams_meetings": 0.4},
    ),
    (
        "Raadslid Guido Vermandel",
        "guido.vermandel@gmail.com",
        0.07,
        {"password_mfa": 0.5, "mail_calendar": 0.3, "new_device_install": 0.2},
    ),
    (
        "Schepen Marleen De Keyser",
        "marleen.dekeyser@raad.lindevoorde.be",
        0.07,
        {"mail_calendar": 0.4, "teams_meetings": 0.3, "account_lockout": 0.3},
    ),
]


def _nonstaff_tickets(
    cfg: DemoConfig, rng: np.random.Generator, days: np.ndarray, w: np.ndarray
) -> _Raw:
    nd = len(days)
    lam = cfg.tickets_per_year * nd / 365.25 * SHARE_NONSTAFF
    m = int(rng.poisson(lam))
    wts = np.array([x[2] for x in NONSTAFF])
    who = rng.choice(len(NONSTAFF), m, p=wts / wts.sum())
    # Monitoring alerts do not care about weekends; people do.
    p_days = w / w.sum()
    day = np.where(who == 0, rng.integers(0, nd, m), rng.choice(nd, m, p=p_days))
    qtype = np.empty(m, dtype=object)
    for k, x in enumerate(NONSTAFF):
        sel = who == k
        qtype[sel] = _categorical(rng, x[3], int(sel.sum()))
    return _Raw(
        person=np.full(m, -1),
        nonstaff=who,
        day=day,
        qtype=qtype,
        event=np.full(m, "", dtype=object),
        subject=np.full(m, -1),
    )


def _concat(parts: list[_Raw]) -> _Raw:
    return _Raw(
        *[
            np.concatenate([getattr(p, f) for p in parts])
            for f in ("person", "nonstaff", "day", "qtype", "event", "subject")
        ]
    )


def _lognormal_minutes(rng, median, sigma, n):
    return np.exp(np.log(median) + sigma * rng.standard_normal(n))


def _build_tickets(
    cfg: DemoConfig,
    rng: np.random.Generator,
    roster: pd.DataFrame,
    raw: _Raw,
    days: np.ndarray,
    classes: dict[str, str],
    text_rng: np.random.Generator,
) -> tuple[pd.DataFrame, dict]:
    n = len(raw.person)
    staff = raw.person >= 0
    # Minute of day: peaks around 9-11 and 13-15 with a flat working-day background.
    comp = rng.choice(3, n, p=[0.42, 0.40, 0.18])
    mins = np.select(
        [comp == 0, comp == 1],
        [rng.normal(600, 60, n), rng.normal(840, 60, n)],
        rng.uniform(450, 1050, n),
    )
    mins = np.clip(mins, 420, 1110)
    prtg = raw.nonstaff == 0
    mins = np.where(prtg, rng.uniform(0, 1440, n), mins).astype(np.int64)
    opened = days[raw.day].astype("datetime64[m]") + mins.astype("timedelta64[m]")
    order = np.argsort(opened, kind="stable")
    raw = _Raw(
        *[
            getattr(raw, f)[order]
            for f in ("person", "nonstaff", "day", "qtype", "event", "subject")
        ]
    )
    opened = opened[order]
    staff = raw.person >= 0
    pidx = np.maximum(raw.person, 0)

    # Meldingnummer: M + yymm + space + sequence within the month.
    month = opened.astype("datetime64[M]")
    mcode = month.astype(np.int64)
    first = np.searchsorted(mcode, mcode, side="left")
    seq = np.arange(n) - first + 1
    width = max(4, len(str(int(seq.max())))) if n else 4
    um, inv = np.unique(mcode, return_inverse=True)
    yymm = np.array(
        [str(np.datetime64(int(v), "M")).replace("-", "")[2:] for v in um], dtype=object
    )
    seq_s = np.char.zfill(seq.astype(str), width).astype(object)
    ticket_id = "M" + yymm[inv] + " " + seq_s

    cls = np.array([classes[q] for q in raw.qtype], dtype=object) if n else np.array([])
    is_self = cls == "self"

    # Requester details.
    r_name = np.where(
        staff,
        roster["name"].to_numpy()[pidx],
        np.array([x[0] for x in NONSTAFF], dtype=object)[np.maximum(raw.nonstaff, 0)],
    )
    r_email = np.where(
        staff,
        roster["email"].to_numpy()[pidx],
        np.array([x[1] for x in NONSTAFF], dtype=object)[np.maximum(raw.nonstaff, 0)],
    )
    r_dept = np.where(staff, roster["department"].to_numpy()[pidx], "").astype(object)
    r_site = np.where(staff, roster["site"].to_numpy()[pidx], "").astype(object)
    r_team = np.where(staff, roster["team"].to_numpy()[pidx], "").astype(object)
    r_first = np.where(staff, roster["_first"].to_numpy()[pidx], "").astype(object)

    channel = np.array(["Telefonisch", "E-mail", "Zelfservice Portal", "Balie"], dtype=object)[
        rng.choice(4, n, p=[0.33, 0.34, 0.27, 0.06])
    ]
    channel = np.where(~staff, "E-mail", channel).astype(object)

    # Line, group, operator.
    p1 = np.array([P_LINE1[q] for q in raw.qtype]) if n else np.array([])
    line = np.where(rng.random(n) < p1, 1, 2)
    appl = (line == 2) & (
        (raw.qtype == "business_apps") | ((raw.qtype == "access_rights") & (rng.random(n) < 0.5))
    )
    group = np.where(
        line == 1, "ICT eerstelijn", np.where(appl, "ICT applicatiebeheer", "ICT tweedelijn")
    ).astype(object)

    # Timing (minutes).
    wd = (opened.astype("datetime64[D]").astype(np.int64) + 3) % 7
    resp = _lognormal_minutes(rng, 30, 1.1, n) * np.where(wd == 0, 1.8, 1.0)
    resp = np.clip(resp, 2, 1440)
    med = np.array([RES_MEDIAN_MIN[c] for c in cls]) if n else np.array([])
    res = _lognormal_minutes(rng, 1.0, 1.2, n) * med
    on_hold = np.where(rng.random(n) < 0.12, _lognormal_minutes(rng, 600, 1.0, n), 0.0)
    res = np.maximum(res, resp + 5) + on_hold
    close_gap = _lognormal_minutes(rng, 20, 1.5, n)
    first_resp_at = opened + np.round(resp).astype("timedelta64[m]")
    resolved_at = opened + np.round(res).astype("timedelta64[m]")
    closed_at = resolved_at + np.round(close_gap).astype("timedelta64[m]")
    export_at = days[-1].astype("datetime64[m]") + np.timedelta64(EXPORT_MINUTE, "m")
    # Some recent tickets wait for the user or a supplier when the export is taken.
    recent = opened >= export_at - np.timedelta64(8 * 1440, "m")
    is_open = (resolved_at > export_at) | (recent & (rng.random(n) < 0.2))
    closed_at = np.where(closed_at > export_at, resolved_at, closed_at)
    nat = np.datetime64("NaT", "m")
    resolved_at = np.where(is_open, nat, resolved_at)
    closed_at = np.where(is_open, nat, closed_at)
    first_resp_at = np.where(first_resp_at > export_at, nat, first_resp_at)
    proc = np.where(
        is_open, np.where(rng.random(n) < 0.7, "In behandeling", "Wachten op gebruiker"), "Afgemeld"
    ).astype(object)

    t1 = np.clip(_lognormal_minutes(rng, 12, 0.6, n), 3, 60)
    t1 = np.where(line == 2, np.clip(_lognormal_minutes(rng, 6, 0.4, n), 2, 20), t1)
    t2 = np.where(line == 2, np.clip(_lognormal_minutes(rng, 75, 0.6, n), 20, 400), 0.0)
    t1 = np.round(t1).astype(np.int64)
    t2 = np.round(t2).astype(np.int64)
    reopen = np.where(rng.random(n) < 0.03, np.where(rng.random(n) < 0.1, 2, 1), 0)
    reopen = np.where(is_open, 0, reopen)

    # Impact, urgency, priority, target date.
    imp = rng.choice(3, n, p=[0.85, 0.12, 0.03])
    imp = np.where(
        np.isin(raw.qtype, ["network", "security_incident"]) & (rng.random(n) < 0.4),
        np.maximum(imp, 1),
        imp,
    )
    urg = rng.choice(3, n, p=[0.2, 0.65, 0.15])
    score = imp + urg
    prio_lbl = np.array(
        ["P4 - Laag", "P3 - Normaal", "P3 - Normaal", "P2 - Hoog", "P1 - Kritiek"], dtype=object
    )[score]
    sla_min = np.array([5 * 1440, 3 * 1440, 3 * 1440, 480, 240])[score]
    target_at = opened + sla_min.astype("timedelta64[m]")

    call_type = np.empty(n, dtype=object)
    u = rng.random(n)
    for c, (ps, pv, _) in CALL_TYPE.items():
        sel = cls == c
        call_type[sel] = np.where(
            u[sel] < ps, "Storing", np.where(u[sel] < ps + pv, "Vraag", "Verzoek")
        )
    # TOPdesk categories: chosen loosely by operators, ~15% inconsistent with the type.
    cat_main = np.empty(n, dtype=object)
    cat_sub = np.empty(n, dtype=object)
    u = rng.random(n)
    for q in sorted(CATEGORY):
        sel = np.flatnonzero(raw.qtype == q)
        opts = CATEGORY[q]
        k = (u[sel] * len(opts)).astype(int)
        cat_main[sel] = np.array([o[0] for o in opts], dtype=object)[k]
        cat_sub[sel] = np.array([o[1] for o in opts], dtype=object)[k]
    loose = rng.random(n) < 0.15
    k = rng.integers(0, len(LOOSE_CATEGORIES), n)
    cat_main = np.where(
        loose, np.array([o[0] for o in LOOSE_CATEGORIES], dtype=object)[k], cat_main
    )
    cat_sub = np.where(loose, np.array([o[1] for o in LOOSE_CATEGORIES], dtype=object)[k], cat_sub)

    u = rng.random(n)
    code_self = np.array(
        [
            "Uitleg gegeven",
            "Opgelost",
            "Opgelost door gebruiker",
            "Dubbele melding",
            "Geen reactie gebruiker",
        ],
        dtype=object,
    )
    code_other = np.array(
        [
            "Opgelost",
            "Uitleg gegeven",
            "Doorverwezen naar leverancier",
            "Dubbele melding",
            "Geen reactie gebruiker",
        ],
        dtype=object,
    )
    cut_self = np.searchsorted(np.cumsum([0.45, 0.35, 0.12, 0.03, 0.05]), u * 0.99999)
    cut_other = np.searchsorted(np.cumsum([0.72, 0.10, 0.08, 0.04, 0.06]), u * 0.99999)
    closure = np.where(is_self, code_self[cut_self], code_other[cut_other])
    closure = np.where(is_open, "", closure).astype(object)

    # Behandelaars: five IT staff from the roster's ICT teams.
    ict = roster.index[
        (roster["department"] == "ICT") & (roster["_role"] == "member") & roster["exit_date"].isna()
    ].to_numpy()
    names = (
        roster["name"].to_numpy()[ict[:5]]
        if len(ict) >= 5
        else np.array(["Dirk Vanneste", "Lotte Maes", "Jens Claeys", "Ilse Wuyts", "Bram Segers"])
    )
    op_idx = np.where(
        group == "ICT eerstelijn",
        rng.integers(0, 2, n),
        np.where(group == "ICT tweedelijn", 2 + rng.integers(0, 2, n), 4),
    )
    operator = names[op_idx].astype(object)

    # Texts.
    n_r = len(roster)
    col = text_rng.integers(0, n_r, n)
    col = np.where(col == raw.person, (col + 1) % n_r, col)
    subj = np.where(raw.subject >= 0, raw.subject, col)
    hire = roster["hire_date"].to_numpy().astype("datetime64[D]")
    ex = roster["exit_date"].to_numpy().astype("datetime64[D]")
    subj_date = np.where(raw.event == "out", ex[subj], hire[subj])
    subj_date = np.where(
        raw.subject >= 0, subj_date, opened.astype("datetime64[D]") + text_rng.integers(3, 30, n)
    )
    phones = _phone(text_rng, n_r)
    pools = 5000 if n > 20000 else 800
    rrn_pool = _valid_rrn_pool(text_rng, pools)
    iban_pool = _valid_iban_pool(text_rng, pools)
    x = TextInputs(
        qtype=raw.qtype,
        event=raw.event,
        channel=channel,
        department=r_dept,
        first_name=r_first,
        full_name=r_name.astype(object),
        email=r_email.astype(object),
        team=r_team,
        phone=np.where(staff, phones[pidx], "").astype(object),
        colleague=roster["name"].to_numpy()[col].astype(object),
        colleague_email=roster["email"].to_numpy()[col].astype(object),
        person=roster["name"].to_numpy()[subj].astype(object),
        date=short_dates(subj_date),
        opened=opened,
        rrn=rrn_pool[text_rng.integers(0, pools, n)],
        iban=iban_pool[text_rng.integers(0, pools, n)],
    )
    title, desc, info = build_texts(text_rng, x)

    tickets = pd.DataFrame(
        {
            "ticket_id": ticket_id,
            "opened_at": opened.astype("datetime64[s]"),
            "first_response_at": first_resp_at.astype("datetime64[s]"),
            "resolved_at": resolved_at.astype("datetime64[s]"),
            "closed_at": closed_at.astype("datetime64[s]"),
            "requester_email": r_email.astype(object),
            "requester_name": r_name.astype(object),
            "channel": channel,
            "category": cat_main,
            "subcategory": cat_sub,
            "title": title,
            "description": desc,
            "priority": prio_lbl,
            "operator_group": group,
            "line": line.astype(np.int64),
            "time_spent_minutes": (t1 + t2).astype(np.int64),
            "status": proc,
            "reopen_count": reopen.astype(np.int64),
        }
    )
    extra = pd.DataFrame(
        {
            "department": r_dept,
            "site": r_site,
            "call_type": call_type,
            "impact": np.array(["Persoon", "Afdeling", "Organisatie"], dtype=object)[imp],
            "urgency": np.array(["Laag", "Normaal", "Hoog"], dtype=object)[urg],
            "target_at": target_at,
            "operator": operator,
            "on_hold_minutes": np.round(on_hold).astype(np.int64),
            "t1": t1,
            "t2": t2,
            "closure": closure,
            "question_type": raw.qtype.astype(object),
            "self_solvability": cls,
            "person_row": raw.person,
            "event": raw.event,
        }
    )
    return tickets, {"extra": extra, "text_info": info}


# ---------------------------------------------------------------------------------------------
# Survey and instrument
# ---------------------------------------------------------------------------------------------


def _instrument() -> dict:
    """The shipped survey instrument (validated), the one the analyse step reads."""
    return load_instrument(instrument_path())


def __getattr__(name: str):
    # ``selfreliance.demo.INSTRUMENT`` was the demo's own inline instrument; it is now the
    # shipped one, loaded (and validated) on access.
    if name == "INSTRUMENT":
        return _instrument()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_THRESH5 = np.array([-1.9, -1.0, 0.0, 1.0])
_THRESH7 = np.array([-2.0, -1.3, -0.6, 0.1, 0.8, 1.6])


def _likert(rng, latent, loading, thresholds, reverse):
    y = loading * latent + np.sqrt(1 - loading**2) * rng.standard_normal(len(latent))
    v = np.searchsorted(thresholds, y) + 1
    k = len(thresholds) + 1
    return (k + 1 - v) if reverse else v


def _survey(
    cfg: DemoConfig,
    rng: np.random.Generator,
    rng_extra: np.random.Generator,
    roster: pd.DataFrame,
    lat: dict,
) -> pd.DataFrame:
    """Survey responses to the shipped instrument (see :func:`_instrument`).

    ``rng`` draws exactly what the first demo version drew (respondents, submission times and
    the items se1-se4, mo1-mo4, ps1-ps7, mr1-mr3), so their values and the planted effects they
    measure do not change; ``rng_extra`` draws the items added with the shipped instrument (mr4,
    procedure clarity, onboarding).
    """
    inst = _instrument()
    scales = inst["scales"]
    s0 = np.datetime64(f"{SURVEY_MONTH}-01")
    hire = roster["hire_date"].to_numpy().astype("datetime64[D]")
    ex = roster["exit_date"].to_numpy().astype("datetime64[D]")
    employed = (
        (hire <= s0) & (np.isnat(ex) | (ex > s0)) & (roster["_role"] != "director").to_numpy()
    )
    resp = employed & (rng.random(len(roster)) < cfg.response_rate)
    idx = np.flatnonzero(resp)
    m = len(idx)
    t = roster["_team_idx"].to_numpy()[idx]
    mgr = roster["_mgr"].to_numpy()[idx]
    # Fielded over the first four weeks of the month, on working days, office hours.
    wdays = np.arange(s0, s0 + 26)
    wdays = wdays[((wdays.astype(np.int64) + 3) % 7) < 5]
    sub = wdays[rng.integers(0, len(wdays), m)].astype("datetime64[m]") + rng.integers(
        8 * 60, 17 * 60, m
    ).astype("timedelta64[m]")
    # Background question recent_hire: joined in the 12 months before the survey month.
    recent = hire[idx] >= (s0.astype("datetime64[M]") - 12).astype("datetime64[D]")
    out = {
        "person_id": roster["person_id"].to_numpy()[idx],
        "team": roster["team"].to_numpy()[idx],
        "recent_hire": np.where(recent, "ja", "nee").astype(object),
        "submitted_at": _fmt_dt(sub, "iso"),
    }
    ps_lat = (lat["ps_team"][t] + rng.normal(0, 0.8, m)) / np.sqrt(1.64)
    mr_lat = (-lat["z_mgr"][np.maximum(mgr, 0)] / SD_MANAGER + rng.normal(0, 0.6, m)) / np.sqrt(
        1.36
    )
    items: dict[str, np.ndarray] = {}

    def draw(r, scale, names, latent, load, th, only=None):
        for item in names:
            v = _likert(r, latent, load, th, item in scales[scale]["reverse"])
            miss = r.random(m) < 0.03
            if only is not None:
                miss = miss | ~only
            col = pd.array(np.where(miss, 0, v), dtype="Int64")
            col[miss] = pd.NA
            items[item] = col

    # The original four scales, drawn in the original order from the original stream.
    draw(rng, "self_efficacy", ["se1", "se2", "se3", "se4"], lat["cap"][idx], 0.75, _THRESH5)
    draw(rng, "motivation", ["mo1", "mo2", "mo3", "mo4"], lat["mot"][idx], 0.72, _THRESH5)
    draw(rng, "psych_safety", [f"ps{i}" for i in range(1, 8)], ps_lat, 0.64, _THRESH7)
    draw(rng, "manager_role_model", ["mr1", "mr2", "mr3"], mr_lat, 0.82, _THRESH5)
    # Added with the shipped instrument: mr4 measures the same manager latent; procedure
    # clarity and the onboarding experience measure person latents that do not affect tickets.
    draw(rng_extra, "manager_role_model", ["mr4"], mr_lat, 0.82, _THRESH5)
    pc_lat = rng_extra.standard_normal(m)
    draw(rng_extra, "procedure_clarity", ["pc1", "pc2", "pc3", "pc4"], pc_lat, 0.72, _THRESH5)
    ob_lat = rng_extra.standard_normal(m)
    draw(rng_extra, "onboarding", ["ob1", "ob2", "ob3"], ob_lat, 0.75, _THRESH5, only=recent)
    expected = [item for spec in scales.values() for item in spec["items"]]
    if set(expected) != set(items):
        raise RuntimeError(
            f"The demo survey does not cover the shipped instrument: it draws {sorted(items)}, "
            f"the instrument has {sorted(expected)}."
        )
    # Columns in the instrument's order, as an export of the fielded questionnaire would be.
    out.update({item: items[item] for item in expected})
    return pd.DataFrame(out)


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def generate_demo(config: DemoConfig = DemoConfig()) -> dict[str, pd.DataFrame | dict]:  # noqa: B008
    """Generate the Lindevoorde demo data in memory.

    Parameters
    ----------
    config : DemoConfig
        Size, period and seed.

    Returns
    -------
    dict
        ``tickets`` (canonical generic columns, naive local datetimes), ``labels``
        (ticket_id, question_type, self_solvability), ``roster``, ``survey``,
        ``interventions`` and ``ground_truth`` (a plain dict, see ``demo_ground_truth.yml``).
    """
    full = _generate(config)
    return {k: v for k, v in full.items() if not k.startswith("_")}


def _generate(config: DemoConfig) -> dict:
    """Everything :func:`generate_demo` returns plus ``_topdesk``, the export-only fields."""
    cfg = config
    ss = np.random.SeedSequence(cfg.seed)
    r_org, r_lat, r_tick, r_attr, r_text, r_survey, r_misc = (
        np.random.default_rng(s) for s in ss.spawn(7)
    )
    # Spawned after the first seven so that their streams (and all earlier draws) stay as they
    # were: the survey items added with the shipped instrument come from here.
    r_survey_extra = np.random.default_rng(ss.spawn(1)[0])
    classes = _codebook()
    days, w, _ = _calendar(cfg)
    roster = _roster(cfg, r_org, days)
    lat = _latents(r_lat, roster)
    n_teams = int(roster["_team_idx"].max()) + 1
    team_names = roster.drop_duplicates("_team_idx").sort_values("_team_idx")["team"].to_numpy()

    # Pilot teams: ~40% of the teams (8 of 20), not the director's team nor ICT itself.
    n_pilot = max(1, round(0.4 * n_teams))
    depts = roster.drop_duplicates("_team_idx").sort_values("_team_idx")["department"].to_numpy()
    eligible = np.array(
        [i for i in range(n_teams) if team_names[i] != DIRECTOR_TEAM and depts[i] != "ICT"]
    )
    pilot_idx = np.sort(r_misc.choice(eligible, n_pilot, replace=False))
    pilot = np.zeros(n_teams, dtype=bool)
    pilot[pilot_idx] = True

    ev = _event_tickets(r_tick, roster, days, w)
    staff_raw, calib = _draw_staff_tickets(cfg, r_tick, roster, lat, days, w, pilot, len(ev.person))
    ns = _nonstaff_tickets(cfg, r_tick, days, w)
    raw = _concat([staff_raw, ev, ns])
    tickets, aux = _build_tickets(cfg, r_attr, roster, raw, days, classes, r_text)
    extra = aux["extra"]
    labels = pd.DataFrame(
        {
            "ticket_id": tickets["ticket_id"],
            "question_type": extra["question_type"],
            "self_solvability": extra["self_solvability"],
        }
    )

    survey = _survey(cfg, r_survey, r_survey_extra, roster, lat)
    interventions = pd.DataFrame(
        {
            "intervention_id": ["I001", "I002"],
            "name": ["Kennisbankartikels Outlook", "Zelfservice wachtwoordreset + korte opleiding"],
            "direction": ["procedures verduidelijken", "procedures verduidelijken"],
            "start_date": ["2025-09-01", INTERVENTION_START],
            "end_date": ["", ""],
            "teams": ["all", "|".join(team_names[pilot_idx])],
            "cost_eur": [1800, 14500],
        }
    )
    truth = _ground_truth(
        cfg, calib, tickets, extra, team_names, pilot_idx, aux["text_info"], roster
    )
    pub_roster = roster[[c for c in roster.columns if not c.startswith("_")]].copy()
    tickets_out = tickets.copy()
    return {
        "tickets": tickets_out,
        "labels": labels,
        "roster": pub_roster,
        "survey": survey,
        "interventions": interventions,
        "ground_truth": truth,
        "_topdesk": extra,
    }


def _ground_truth(cfg, calib, tickets, extra, team_names, pilot_idx, text_info, roster) -> dict:
    n = len(tickets)
    mix = extra["question_type"].value_counts()
    cls = extra["self_solvability"].value_counts()
    pilot_post = calib["expected_pilot_targeted_post_without_intervention"]
    weeks = calib["weeks_post"]
    weekly_reduction = pilot_post * (1 - IRR_INTERVENTION) / weeks if weeks else 0.0
    weekly_targeted = calib["expected_targeted_post_with_intervention"] / weeks if weeks else 0.0
    before = weekly_targeted + weekly_reduction
    r = lambda v, k=4: float(round(float(v), k))  # noqa: E731
    inst_version = _instrument()["version"]

    def eff(name, hyp, scale, value, desc, null=False, **kw):
        d = {
            "name": name,
            "hypothesis": hyp,
            "scale": scale,
            "value": r(value),
            "null": null,
            "description": desc,
        }
        d.update(kw)
        return d

    effects = [
        eff(
            "onboarding",
            "new staff (onboarding) ask more",
            "IRR (first 6 months after hire)",
            IRR_ONBOARDING,
            f"Self-solvable ticket rate is multiplied by {IRR_ONBOARDING} during "
            f"the first {ONBOARDING_DAYS} days after the hire date.",
            window_days=ONBOARDING_DAYS,
        ),
        eff(
            "manager_role_model",
            "managers as role models",
            "IRR per SD of the team leader's latent z_mgr",
            np.exp(COEF_MANAGER * SD_MANAGER),
            f"Each manager has a latent z_mgr ~ N(0, {SD_MANAGER}^2) that raises their own "
            f"self-solvable rate (coefficient {COEF_MANAGER_OWN}) and their direct reports' rate "
            f"(coefficient {COEF_MANAGER} per unit); both terms are centred on the rate scale "
            "(minus half their variance). Survey items mr1-mr4 measure -z_mgr with noise. The "
            "analysis sees the leader's own rate (a noisy measure: it also carries the leader's "
            "frailty) and the team mean of mr1-mr4.",
            log_coefficient=COEF_MANAGER,
            latent_sd=SD_MANAGER,
            own_log_coefficient=COEF_MANAGER_OWN,
            irr_per_sd_own=r(np.exp(COEF_MANAGER_OWN * SD_MANAGER)),
        ),
        eff(
            "capability",
            "can't or won't: capability (self-efficacy)",
            "IRR per SD",
            IRR_CAPABILITY,
            "Person latent cap ~ N(0,1), measured by se1-se4.",
        ),
        eff(
            "motivation",
            "can't or won't: motivation",
            "IRR per SD at average psychological safety",
            IRR_MOTIVATION,
            "Person latent mot ~ N(0,1), measured by mo1-mo4.",
        ),
        eff(
            "motivation_x_psych_safety",
            "psychological safety moderates can't/won't",
            "ratio of motivation IRRs per SD of team psychological safety",
            IRR_MOT_X_PS,
            f"log-rate term (log {IRR_MOTIVATION} + log {IRR_MOT_X_PS} * ps_team) * mot: "
            "motivation lowers the "
            "self-solvable rate more in teams with higher psychological safety. ps_team ~ N(0,1) "
            "is a team latent; items ps1-ps7 add N(0, 0.8^2) individual perception.",
        ),
        eff(
            "capability_x_psych_safety",
            "psychological safety moderates can't/won't",
            "ratio of capability IRRs per SD of team psychological safety",
            1.0,
            "No capability x psychological safety interaction was planted.",
            null=True,
        ),
        eff(
            "intervention_password_reset",
            "intervene: clarify IT procedures",
            "IRR (pilot teams, targeted types, after start)",
            IRR_INTERVENTION,
            "Multiplies password_mfa and account_lockout rates in pilot teams from the start date.",
        ),
        eff(
            "recurring_behaviour",
            "recurring behaviour (same people ask again)",
            "gamma frailty variance (NB2 alpha)",
            1 / FRAILTY_SHAPE,
            f"Person frailty exp(e_i) ~ Gamma(shape {FRAILTY_SHAPE:g}, scale 1/{FRAILTY_SHAPE:g}): "
            "stable person heterogeneity, so self-solvable counts are negative binomial, persist "
            "over time and concentrate on fewer people than team, exposure and onboarding "
            "explain.",
        ),
        eff(
            "repeat_same_question",
            "recurring behaviour: the same question again",
            "ratio of the 30-day same-type repeat share to what the count model implies",
            1.0,
            "Question types are drawn independently per ticket from the organisation's mix "
            "(except the pilot's shift away from password tickets): people who file many "
            "tickets repeat types more often, but no more than their volume implies.",
            null=True,
        ),
        eff(
            "team_random_effect",
            "team differences",
            "SD of log-rate team effect",
            SD_TEAM,
            "u_team ~ N(0, 0.15^2) on the self-solvable log rate.",
        ),
        eff(
            "site",
            "differences between employee groups: site",
            "IRR",
            1.0,
            "Site has exactly zero effect.",
            null=True,
        ),
        eff(
            "age_band",
            "differences between employee groups: age band",
            "IRR",
            1.0,
            "Age has exactly zero effect; latents are drawn independently of age.",
            null=True,
        ),
        eff(
            "function_level",
            "differences between employee groups: function level",
            "IRR",
            1.0,
            "Function level has exactly zero effect: leaders (mostly A/B) carry their own z_mgr, "
            "centred so that their mean rate equals the members'.",
            null=True,
        ),
        eff(
            "tenure_band",
            "differences between employee groups: tenure",
            "IRR",
            1.0,
            "Years of service have no effect beyond the onboarding period.",
            null=True,
        ),
        eff(
            "department",
            "differences between employee groups: department",
            "IRR",
            1.0,
            "No department effect; teams differ only by u_team and their leader's z_mgr.",
            null=True,
        ),
        eff(
            "procedure_clarity",
            "intervene: clarify IT procedures (survey, descriptive)",
            "IRR per SD",
            1.0,
            "Person latent pc ~ N(0,1), independent of every other latent and of the ticket "
            "rates, measured by pc1-pc4 (pc4 reversed): a descriptive scale with no planted "
            "effect on tickets.",
            null=True,
        ),
        eff(
            "onboarding_experience",
            "new staff (onboarding): survey, descriptive",
            "IRR per SD",
            1.0,
            "Items ob1-ob3 are answered only by respondents with recent_hire = ja (hired in the "
            "12 months before the survey month; empty for the others). They measure an "
            "independent latent ~ N(0,1) with no effect on tickets: the planted onboarding "
            "effect depends on the hire date only.",
            null=True,
        ),
        eff(
            "intervention_kb_outlook",
            "intervene: clarify IT procedures (org-wide)",
            "IRR (all teams, all types, after start)",
            1.0,
            "The knowledge-base articles on Outlook (2025-09-01, all teams) changed nothing.",
            null=True,
        ),
    ]
    return {
        "seed": cfg.seed,
        "config": asdict(cfg),
        "organisation": f"Gemeente en OCMW {ORG_NAME} (fictional)",
        "period": {
            "start": cfg.start,
            "end": cfg.end,
            "export_moment": f"{cfg.end} 17:00",
            "survey_month": SURVEY_MONTH,
        },
        "model": {
            "self_log_rate": f"b0 + log(fte) + log({IRR_ONBOARDING})*[within {ONBOARDING_DAYS} "
            f"days after hire] + {COEF_MANAGER}*z_mgr(leader) "
            f"[{COEF_MANAGER_OWN}*z_mgr for managers themselves], centred + "
            f"log({IRR_CAPABILITY})*cap + (log({IRR_MOTIVATION}) + "
            f"log({IRR_MOT_X_PS})*ps_team)*mot + u_team + "
            f"log(Gamma({FRAILTY_SHAPE:g}, 1/{FRAILTY_SHAPE:g}))",
            "design_note": "Planted effects are of realistic size. The first demo version "
            "(onboarding 1.8, manager SD 0.5, motivation and motivation x "
            "safety 0.85, frailty shape 3) was not reliably detectable with "
            "about 200 staff (20-35% of 40 seeds for the last three); the "
            "signal was raised modestly to onboarding 2.0, manager SD 0.7, "
            "0.75 and shape 5. " + DEMO_SEED_NOTE,
            "self_classes": "password_mfa, account_lockout, mail_calendar, teams_meetings, "
            "files_sharepoint, software_howto",
            "b0_log_rate_per_fte_day_weighted": r(calib["b0"], 6),
            "partly_it_base_rate_per_fte_day_weighted": r(calib["base_rate_per_fte_day"], 6),
            "day_weights": "Mon 1.3, Tue 1.1, Wed 1.0, Thu 1.0, Fri 0.7, Sat/Sun 0.026, "
            "Belgian public holidays 0.02; July-August x0.7; 24 Dec-1 Jan x0.4",
            "onboarding_offboarding": "1-3 requests by the team leader (or P&O) clustered "
            "around each hire and exit date",
            "non_staff_share": SHARE_NONSTAFF,
        },
        "survey": {
            "instrument": "selfreliance/resources/survey/instrument.yml (shipped, copied as "
            "instrument.yml)",
            "instrument_version": str(inst_version),
            "items": "Likert items from latent + noise, cut at fixed thresholds; 3% of the "
            "items missing at random; reverse-keyed items reversed as in the "
            "instrument",
            "latents": {
                "self_efficacy": "cap",
                "motivation": "mot",
                "psych_safety": "ps_team + N(0, 0.8^2) perception",
                "manager_role_model": "-z_mgr of the team leader / SD + N(0, 0.6^2)",
                "procedure_clarity": "independent pc ~ N(0,1), no effect",
                "onboarding": "independent ~ N(0,1), no effect; recent hires only",
            },
            "recent_hire": "ja when hired in the 12 months before the survey month",
        },
        "effects": effects,
        "intervention": {
            "intervention_id": "I002",
            "name": "Zelfservice wachtwoordreset + korte opleiding",
            "start": INTERVENTION_START,
            "teams": [str(t) for t in team_names[pilot_idx]],
            "targeted_question_types": list(TARGETED),
            "true_irr": IRR_INTERVENTION,
            "expected_weekly_reduction_targeted_org": r(weekly_reduction, 3),
            "expected_weekly_targeted_org_after_start": r(weekly_targeted, 3),
            "expected_relative_change_targeted_org": r(
                -weekly_reduction / before if before else 0.0, 4
            ),
            "null_interventions": ["I001"],
        },
        "type_mix": {
            "n_tickets": int(n),
            "by_class": {k: r(cls.get(k, 0) / n) for k in ("self", "partly", "it")},
            "by_type": {k: r(v / n) for k, v in sorted(mix.items())},
        },
        "texts": {k: int(np.asarray(v).sum()) for k, v in text_info.items()},
        "files": {
            "tickets": "tickets.csv",
            "labels": "demo_labels.csv",
            "roster": "roster.csv",
            "survey": "survey.csv",
            "instrument": "instrument.yml",
            "interventions": "interventions.csv",
            "ground_truth": "demo_ground_truth.yml",
        },
    }


def _topdesk_frame(t: pd.DataFrame, x: pd.DataFrame) -> pd.DataFrame:
    f = lambda c: _fmt_dt(t[c].to_numpy(), "topdesk")  # noqa: E731
    return pd.DataFrame(
        {
            "Meldingnummer": t["ticket_id"],
            "Aanmelddatum": f("opened_at"),
            "Naam aanmelder": t["requester_name"],
            "E-mail aanmelder": t["requester_email"],
            "Afdeling aanmelder": x["department"],
            "Vestiging aanmelder": x["site"],
            "Soort binnenkomst": t["channel"],
            "Soort melding": x["call_type"],
            "Categorie": t["category"],
            "Subcategorie": t["subcategory"],
            "Korte omschrijving": t["title"],
            "Verzoek": t["description"],
            "Impact": x["impact"],
            "Urgentie": x["urgency"],
            "Prioriteit": t["priority"],
            "Behandelaarsgroep": t["operator_group"],
            "Behandelaar": x["operator"],
            "Status": np.where(t["line"].to_numpy() == 1, "Eerstelijns", "Tweedelijns"),
            "Verwerkingsstatus": t["status"],
            "Streefdatum": _fmt_dt(x["target_at"].to_numpy(), "topdesk"),
            "Datum gereageerd": f("first_response_at"),
            "Datum gereed": f("resolved_at"),
            "Datum afgemeld": f("closed_at"),
            "Duur on hold": _fmt_minutes(x["on_hold_minutes"].to_numpy()),
            "Aantal keer heropend": t["reopen_count"],
            "Bestede tijd eerstelijn": _fmt_minutes(x["t1"].to_numpy()),
            "Bestede tijd tweedelijn": _fmt_minutes(x["t2"].to_numpy()),
            "Afmeldcode": x["closure"],
        }
    )


GENERIC_STATUS = {
    "Afgemeld": "closed",
    "In behandeling": "in_progress",
    "Wachten op gebruiker": "waiting_for_user",
}


def _generic_frame(t: pd.DataFrame) -> pd.DataFrame:
    out = t.copy()
    for c in ("opened_at", "first_response_at", "resolved_at", "closed_at"):
        out[c] = _fmt_dt(t[c].to_numpy(), "iso")
    out["status"] = t["status"].map(GENERIC_STATUS)
    return out


def _iso_date(values) -> np.ndarray:
    arr = np.asarray(values).astype("datetime64[D]")
    s = np.datetime_as_string(arr, unit="D").astype(object)
    s[np.isnat(arr)] = ""
    return s


def write_demo(
    out_dir: Path,
    config: DemoConfig = DemoConfig(),  # noqa: B008
    fmt: str = "topdesk",
) -> list[Path]:
    """Generate the demo and write it as files.

    Parameters
    ----------
    out_dir : pathlib.Path
        Directory to write to (created if needed).
    config : DemoConfig
        Size, period and seed.
    fmt : {"topdesk", "generic"}
        Layout of ``tickets.csv``: a Dutch TOPdesk export (``;``, UTF-8 with BOM, CRLF,
        ``dd-mm-jjjj uu:mm``) or the generic canonical layout (``,``, UTF-8, ISO dates).

    Returns
    -------
    list of pathlib.Path
        The files written: tickets.csv, demo_labels.csv, roster.csv, survey.csv,
        instrument.yml, interventions.csv, demo_ground_truth.yml.
    """
    if fmt not in ("topdesk", "generic"):
        raise ValueError(f"fmt must be 'topdesk' or 'generic', not {fmt!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    demo = _generate(config)
    written = []

    p = out_dir / "tickets.csv"
    if fmt == "topdesk":
        _topdesk_frame(demo["tickets"], demo["_topdesk"]).to_csv(
            p, sep=";", index=False, encoding="utf-8-sig", lineterminator="\r\n"
        )
    else:
        _generic_frame(demo["tickets"]).to_csv(
            p, sep=",", index=False, encoding="utf-8", lineterminator="\n"
        )
    written.append(p)

    p = out_dir / "demo_labels.csv"
    demo["labels"].to_csv(p, index=False, encoding="utf-8", lineterminator="\n")
    written.append(p)

    roster = demo["roster"].copy()
    roster["hire_date"] = _iso_date(roster["hire_date"])
    roster["exit_date"] = _iso_date(roster["exit_date"])
    p = out_dir / "roster.csv"
    roster.to_csv(p, index=False, encoding="utf-8", lineterminator="\n")
    written.append(p)

    p = out_dir / "survey.csv"
    demo["survey"].to_csv(p, index=False, encoding="utf-8", lineterminator="\n")
    written.append(p)

    # The shipped instrument, copied as is (comments included) after validation.
    p = out_dir / "instrument.yml"
    _instrument()
    p.write_bytes(instrument_path().read_bytes())
    written.append(p)

    p = out_dir / "interventions.csv"
    demo["interventions"].to_csv(p, index=False, encoding="utf-8", lineterminator="\n")
    written.append(p)

    truth = dict(demo["ground_truth"])
    truth["files"] = dict(truth["files"], format=fmt)
    p = out_dir / "demo_ground_truth.yml"
    p.write_text(
        yaml.safe_dump(truth, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
    )
    written.append(p)
    return written
