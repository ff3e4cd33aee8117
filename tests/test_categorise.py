import pandas as pd
import pytest

from selfreliance.categorise import classify_rules, load_codebook, normalise_text, typo_corrections
from selfreliance.errors import SelfRelianceError


@pytest.fixture(scope="module")
def codebook():
    return load_codebook()


def test_codebook_is_complete(codebook):
    assert codebook.version
    assert set(codebook.types["self_solvability"]) <= {"self", "partly", "it"}
    for column in ("nl", "en", "reason_nl", "reason_en", "digcomp", "self_help_route"):
        assert column in codebook.types.columns


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        ("Paswoord verlopen", "", "password_mfa"),
        ("Account geblokkeerd", "te veel pogingen gedaan", "account_lockout"),
        (
            "Afwezigheidsbericht instellen",
            "Hoe zet ik mijn out of office aan in Outlook?",
            "mail_calendar",
        ),
        ("Camera werkt niet in Teams", "", "teams_meetings"),
        ("Bestand kwijt op OneDrive", "", "files_sharepoint"),
        ("Laptop kapot", "valt steeds uit", "hardware_defect"),
        ("Verdachte mail", "Ik kreeg een phishing mail", "security_incident"),
        ("", "", "other"),
    ],
)
def test_rules_classify_typical_tickets(codebook, title, description, expected):
    out = classify_rules(pd.DataFrame({"title": [title], "description": [description]}), codebook)
    assert out.loc[0, "question_type"] == expected
    assert out.loc[0, "self_solvability"] == codebook.types.loc[expected, "self_solvability"]
    assert out.loc[0, "codebook_version"] == codebook.version


def test_forwarded_mail_headers_do_not_decide_the_type(codebook):
    text = "Van: Jan <jan@x.be>\nOnderwerp: Teams\nMijn wachtwoord is verlopen"
    out = classify_rules(pd.DataFrame({"title": [""], "description": [text]}), codebook)
    assert out.loc[0, "question_type"] == "password_mfa"


def test_confidence_is_a_share(codebook):
    out = classify_rules(
        pd.DataFrame({"title": ["wachtwoord printer"], "description": [""]}), codebook
    )
    assert 0 < out.loc[0, "confidence"] < 1


def test_bad_codebook_is_a_clear_error(tmp_path):
    path = tmp_path / "codebook.yml"
    path.write_text(
        "version: x\nself_solvability: {}\nquestion_types:\n  a: {nl: A, en: A, self_solvability: maybe}\n"
    )
    with pytest.raises(SelfRelianceError, match="maybe"):
        load_codebook(path)


# --- codebook 2026.2: categories, typo tolerance, signatures, specificity ---------------------


def test_codebook_version_is_stamped_and_bumped(codebook):
    assert codebook.version >= "2026.2"
    assert {"title", "description", "category", "subcategory"} <= set(codebook.weights)


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        # English and Flemish usage
        ("Forgot my password", "", "password_mfa"),
        ("Voicemail instellen op mijn vaste lijn", "", "telephony"),
        ("Gsm gestolen", "op de trein", "security_incident"),
        ("Nieuwe collega start maandag", "graag een account en laptop", "onboarding_offboarding"),
        ("VPN verbinding valt weg", "als ik thuiswerk", "network"),
        ("Graag leesrechten op de map van Financien", "", "access_rights"),
        ("Foutmelding in het loonpakket", "bij het opslaan van een dossier", "business_apps"),
        ("Hoe maak ik een draaitabel in Excel?", "", "software_howto"),
        # typos (one edit) in words of six letters or more
        ("Mijn wahctwoord is verlpen", "", "password_mfa"),
        ("Latpop start niet", "", "hardware_defect"),
        ("Afwezigheidsbericht instelen", "in otulook", "mail_calendar"),
    ],
)
def test_rules_generalise_beyond_the_demo(codebook, title, description, expected):
    out = classify_rules(pd.DataFrame({"title": [title], "description": [description]}), codebook)
    assert out.loc[0, "question_type"] == expected


def test_specific_evidence_beats_context_words(codebook):
    # "inloggen" is context, "geblokkeerd" is specific; "telefonisch gemeld" is the intake channel
    t = pd.DataFrame(
        {
            "title": ["Kan niet inloggen", "Telefonisch gemeld"],
            "description": ["account geblokkeerd na te veel pogingen", "papier vast in de printer"],
        }
    )
    assert classify_rules(t, codebook)["question_type"].tolist() == [
        "account_lockout",
        "printer_scanning",
    ]


def test_signature_and_placeholders_do_not_decide(codebook):
    text = "Mijn wachtwoord is verlopen.\n\nMet vriendelijke groet\nAn\nTeam ICT\nTel. [telefoon]\nGSM 0470 12 34 56"
    out = classify_rules(pd.DataFrame({"title": ["Vraag"], "description": [text]}), codebook)
    assert out.loc[0, "question_type"] == "password_mfa"
    assert normalise_text(pd.Series(["ok\nGroeten\nJan [naam]"])).tolist() == ["ok\n"]


def test_category_is_a_prior_that_text_overrides(codebook):
    t = pd.DataFrame(
        {
            "title": ["Probleem", "Printer drukt niet af"],
            "description": ["", ""],
            "category": ["Software", "Software"],
            "subcategory": ["Microsoft Teams", "Microsoft Teams"],
        }
    )
    assert classify_rules(t, codebook)["question_type"].tolist() == [
        "teams_meetings",
        "printer_scanning",
    ]


def test_weak_evidence_alone_is_other(codebook):
    out = classify_rules(
        pd.DataFrame({"title": ["Vraagje"], "description": ["graag even bellen"]}), codebook
    )
    assert out.loc[0, "question_type"] == "other"
    assert out.loc[0, "self_solvability"] == "it"


def test_typo_corrections_respect_frequency_and_vocabulary():
    lexicon = ("wachtwoord", "gebeld")
    assert typo_corrections(["wacthwoord"], lexicon) == {"wacthwoord": "wachtwoord"}
    # a frequent word is a real word, not a typo
    counts = pd.Series({"wachtwoord": 10, "wachtwoorx": 9})
    assert typo_corrections(counts, lexicon, rare_ratio=2) == {}
    assert typo_corrections(["gemeld"], lexicon, frozenset({"gemeld"})) == {}
    # short stems (< 7 letters) are never stretched: "wachten" is not "wachtw..."
    assert typo_corrections(["wachten"], ("wachtw",)) == {}
    assert typo_corrections(["kapot", "kapok"], ("kapot",)) == {}


def test_lexicon_comes_from_the_patterns(codebook):
    assert "wachtwoord" in codebook.lexicon and "sharepoint" in codebook.lexicon
    assert all(len(w) >= 6 for w in codebook.lexicon)


def test_unknown_weight_is_a_clear_error(tmp_path):
    path = tmp_path / "codebook.yml"
    path.write_text(
        "version: x\nweights: {titel: 2}\nself_solvability: {}\nquestion_types:\n  other: {nl: O, en: O, self_solvability: it}\n"
    )
    with pytest.raises(SelfRelianceError, match="titel"):
        load_codebook(path)
