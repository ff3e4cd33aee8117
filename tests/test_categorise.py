import pandas as pd
import pytest

from selfreliance.categorise import classify_rules, load_codebook
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
        ("Afwezigheidsbericht instellen", "Hoe zet ik mijn out of office aan in Outlook?", "mail_calendar"),
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
    out = classify_rules(pd.DataFrame({"title": ["wachtwoord printer"], "description": [""]}), codebook)
    assert 0 < out.loc[0, "confidence"] < 1


def test_bad_codebook_is_a_clear_error(tmp_path):
    path = tmp_path / "codebook.yml"
    path.write_text("version: x\nself_solvability: {}\nquestion_types:\n  a: {nl: A, en: A, self_solvability: maybe}\n")
    with pytest.raises(SelfRelianceError, match="maybe"):
        load_codebook(path)
