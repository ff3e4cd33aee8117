"""Adapters: each export format on a small fixture file written for the test.

Reference values are read off the fixture rows by hand (see tests/fixtures/*.csv) and
written here as literals; nothing is computed with the code under test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from selfreliance import config
from selfreliance.errors import SelfRelianceError
from selfreliance.ingest import detect_source, load_mapping, read_tickets, score_header

FIXTURES = Path(__file__).parent / "fixtures"
MAPPINGS = config.resource_path("mappings")


def _local(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="Europe/Brussels")


def test_topdesk_dutch_labels():
    t = read_tickets(FIXTURES / "topdesk_small.csv", "auto")
    assert t["source_system"].iloc[0] == "topdesk"
    first = t.iloc[0]
    assert first["ticket_id"] == "M2503 0001"
    assert first["opened_at"] == _local("2025-03-03 09:15")
    assert first["time_spent_minutes"] == 10.0
    assert t.loc[1, "on_hold_minutes"] == 30.0
    assert t.loc[1, "reopen_count"] == 1.0
    assert t.loc[0, "line"] == 1.0 and t.loc[1, "line"] == 1.0


def test_topdesk_api_names_nested_and_offsets():
    t = read_tickets(FIXTURES / "topdesk_api.csv", "auto")
    assert t["source_system"].iloc[0] == "topdesk"
    assert t["ticket_id"].tolist() == ["I2503 0101", "I2503 0102"]
    # 08:15 UTC on 3 March (winter, UTC+1) is 09:15 in Brussels.
    assert t.loc[0, "opened_at"] == _local("2025-03-03 09:15")
    # 31 March 2025 is after the DST switch: 06:00 UTC is 08:00 (UTC+2).
    assert t.loc[1, "opened_at"] == _local("2025-03-31 08:00")
    assert t.loc[1, "resolved_at"] == _local("2025-03-31 10:30")
    assert t["requester_name"].tolist() == ["De Smet, An", "Koen Peeters"]
    assert t["operator_group"].tolist() == ["ICT eerstelijn", "ICT tweedelijn"]
    assert t["ticket_type"].tolist() == ["Verzoek", "Storing"]
    assert t["channel"].tolist() == ["E-mail", "Telefonisch"]
    assert t["line"].tolist() == [1.0, 2.0]
    assert t["time_spent_minutes"].tolist() == [10.0, 30.0]  # first + second line
    assert t.loc[1, "on_hold_minutes"] == 30.0
    assert "operator" not in t.columns  # IT staff names are not carried
    assert not t.astype("string").apply(lambda c: c.str.contains("Operator")).any(axis=None)


@pytest.mark.parametrize(
    ("name", "ids", "opened", "resolved", "requester"),
    [
        ("glpi_en.csv", ["1204", "1205"], "2025-03-03 09:15", "2025-03-03 10:15", "adesmet"),
        (
            "glpi_fr.csv",
            ["5732943", "5732944"],
            "2025-03-03 09:15",
            "2025-03-03 11:45",
            "Françoise Dubois",
        ),
        ("glpi_nl.csv", ["88"], "2025-03-05 10:00", "2025-03-05 10:40", "An De Smet"),
    ],
)
def test_glpi_languages(name, ids, opened, resolved, requester):
    t = read_tickets(FIXTURES / name, "auto")
    assert t["source_system"].iloc[0] == "glpi"
    assert t["ticket_id"].tolist() == ids
    assert t.loc[0, "opened_at"] == _local(opened)
    assert t.loc[0, "resolved_at"] == _local(resolved)
    assert t.loc[0, "requester_name"] == requester
    assert t["title"].notna().all()


def test_glpi_quoted_separator_inside_title():
    t = read_tickets(FIXTURES / "glpi_en.csv", "glpi")
    assert t.loc[0, "title"] == "Outlook opent niet; foutmelding"
    assert t.loc[0, "operator_group"] == "ICT eerstelijn"


def test_servicenow_field_names():
    t = read_tickets(FIXTURES / "servicenow_fields.csv", "auto")
    assert t["source_system"].iloc[0] == "servicenow"
    assert t["ticket_id"].tolist() == ["INC0012345", "INC0012346"]
    assert t.loc[0, "resolved_at"] - t.loc[0, "opened_at"] == pd.Timedelta(hours=4, minutes=30)
    assert t.loc[0, "reopen_count"] == 1.0
    assert t.loc[0, "title"] == "VPN verbinding valt weg"
    assert pd.isna(t.loc[1, "resolved_at"])


def test_servicenow_excel_labels(tmp_path):
    path = tmp_path / "incident.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "Number",
            "Opened",
            "Short description",
            "Caller",
            "Category",
            "State",
            "Priority",
            "Assignment group",
            "Resolved",
            "Closed",
            "Contact type",
        ]
    )
    # Real Excel date cells, as ServiceNow's Excel export writes them.
    sheet.append(
        [
            "INC0020001",
            pd.Timestamp("2025-06-02 08:30").to_pydatetime(),
            "Printer offline",
            "An De Smet",
            "Hardware",
            "Resolved",
            "3 - Moderate",
            "Service Desk",
            pd.Timestamp("2025-06-02 09:45").to_pydatetime(),
            None,
            "Phone",
        ]
    )
    book.save(path)
    t = read_tickets(path, "auto")
    assert t["source_system"].iloc[0] == "servicenow"
    assert t.loc[0, "opened_at"] == _local("2025-06-02 08:30")
    assert t.loc[0, "resolved_at"] == _local("2025-06-02 09:45")
    assert t.loc[0, "channel"] == "Phone"


def test_servicenow_event_log_collapse():
    t = read_tickets(FIXTURES / "servicenow_events.csv", "auto").set_index("ticket_id")
    assert list(t.index.sort_values()) == ["INC0000001", "INC0000002", "INC0000003"]
    assert t.attrs["file_rows"] == 14
    one, two, three = t.loc["INC0000001"], t.loc["INC0000002"], t.loc["INC0000003"]
    # INC1: awaiting user 10:00-12:00; awaiting vendor 13:00-14:00; first left New at 09:30.
    assert one["awaiting_user_minutes"] == 120.0
    assert one["on_hold_minutes"] == 180.0
    assert one["first_response_at"] == _local("2016-03-02 09:30")
    assert one["resolved_at"] - one["opened_at"] == pd.Timedelta(hours=6)
    assert one["closed_at"] == _local("2016-03-07 15:00")
    assert one["status"] == "Closed"
    assert one["reopen_count"] == 0.0
    # INC2: reopened once; 30 minutes awaiting the user before the final resolution.
    assert two["reopen_count"] == 1.0
    assert two["awaiting_user_minutes"] == 30.0
    assert two["resolved_at"] == _local("2016-03-03 12:30")
    # INC3: never left New, nothing resolved.
    assert pd.isna(three["first_response_at"]) and pd.isna(three["resolved_at"])
    assert three["status"] == "New"


def test_mapping_jira_example():
    t = read_tickets(FIXTURES / "jira.csv", str(MAPPINGS / "jira-service-management.yml"))
    assert t["source_system"].iloc[0] == "jira-service-management"
    assert t["ticket_id"].tolist() == ["ITSD-101", "ITSD-102"]
    assert t.loc[0, "opened_at"] == _local("2025-03-05 09:15")
    assert t.loc[1, "opened_at"] == _local("2025-03-06 15:42")
    assert t.loc[0, "resolved_at"] == _local("2025-03-05 09:45")
    assert t["line"].tolist() == [1.0, 2.0]
    assert t["channel"].tolist() == ["Zelfservice Portal", "E-mail"]
    assert t.loc[0, "time_spent_minutes"] == 10.0  # 600 seconds


def test_mapping_freshservice_example():
    t = read_tickets(FIXTURES / "freshservice.csv", str(MAPPINGS / "freshservice.yml"))
    assert t["source_system"].iloc[0] == "freshservice"
    assert t.loc[0, "opened_at"] == _local("2025-03-03 09:00")
    # First response 0.5 h after opening; 01:15:00 is 75 minutes.
    assert t.loc[0, "first_response_at"] == _local("2025-03-03 09:30")
    assert t.loc[1, "first_response_at"] == _local("2025-03-04 14:45")
    assert t.loc[0, "time_spent_minutes"] == 20.0
    assert t["channel"].tolist() == ["Zelfservice Portal", "E-mail"]


def test_shipped_mappings_load_and_are_documented():
    for path in sorted(MAPPINGS.glob("*.yml")):
        adapter = load_mapping(path)
        assert {"ticket_id", "opened_at"} <= set(adapter.synonyms)
        assert path.read_text(encoding="utf-8").lstrip().startswith("#")  # a comment explains use


def test_mapping_errors_are_clear(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("columns:\n  ticket_nr: Key\n  opened_at: Created\n", encoding="utf-8")
    with pytest.raises(SelfRelianceError, match="unknown canonical column.*ticket_nr"):
        load_mapping(bad)
    bad.write_text("columns:\n  opened_at: Created\n", encoding="utf-8")
    with pytest.raises(SelfRelianceError, match="ticket_id"):
        load_mapping(bad)
    bad.write_text("columns: [oops", encoding="utf-8")
    with pytest.raises(SelfRelianceError, match="not a valid YAML"):
        load_mapping(bad)


def test_mapping_with_separator_and_month_first(tmp_path):
    mapping = tmp_path / "us.yml"
    mapping.write_text(
        "system: us-desk\ncolumns:\n  ticket_id: Key\n  opened_at: Opened\n  title: Subject\n"
        "dates:\n  dayfirst: false\nread:\n  separator: '|'\n",
        encoding="utf-8",
    )
    export = tmp_path / "us.csv"
    export.write_text("Key|Opened|Subject\nA-1|01/05/2025 10:00|Wi-Fi, again\n", encoding="utf-8")
    t = read_tickets(export, str(mapping))
    assert t.loc[0, "opened_at"] == _local("2025-01-05 10:00")
    assert t.loc[0, "title"] == "Wi-Fi, again"


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (["Meldingnummer", "Aanmelddatum", "Korte omschrijving"], "topdesk"),
        (["number", "callDate", "briefDescription", "operatorGroup.name"], "topdesk"),
        (["ID", "Title", "Opening date", "Requester - Requester"], "glpi"),
        (["ID", "Titre", "Date d'ouverture", "Demandeur - Demandeur"], "glpi"),
        (["number", "short_description", "opened_at", "caller_id"], "servicenow"),
        (["Number", "Opened", "Short description", "Assignment group"], "servicenow"),
        (["number", "incident_state", "sys_updated_at", "opened_at"], "servicenow"),
        (["ticket_id", "opened_at", "title"], "generic"),
    ],
)
def test_auto_detection(columns, expected):
    assert detect_source(columns) == expected


def test_auto_detection_unknown_lists_seen_columns_and_choices():
    with pytest.raises(SelfRelianceError) as info:
        detect_source(["Foo", "Bar", "Baz"], path="x.csv")
    message = str(info.value)
    assert "x.csv" in message and "Foo, Bar, Baz" in message
    for choice in ("generic", "topdesk", "glpi", "servicenow", "mapping.yml"):
        assert choice in message


def test_score_header_prefers_identifying_labels():
    scores = score_header(["number", "short_description", "opened_at", "priority", "category"])
    assert scores[0].adapter == "servicenow" and scores[0].usable


def test_xlsx_with_several_sheets_picks_the_ticket_sheet(tmp_path):
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"Toelichting": ["Export van 2 april"]}).to_excel(
            writer, sheet_name="Info", index=False
        )
        pd.DataFrame(
            {
                "Meldingnummer": ["M1"],
                "Aanmelddatum": ["02-04-2025 10:00"],
                "Korte omschrijving": ["Outlook"],
            }
        ).to_excel(writer, sheet_name="Meldingen", index=False)
        pd.DataFrame({"Team": ["A"], "Aantal": [3]}).to_excel(
            writer, sheet_name="Draaitabel", index=False
        )
    t = read_tickets(path, "auto")
    assert t.attrs["sheet"] == "Meldingen"
    assert t.loc[0, "ticket_id"] == "M1"


def test_xlsx_without_ticket_sheet_names_the_sheets(tmp_path):
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"Toelichting": ["x"]}).to_excel(writer, sheet_name="Info", index=False)
        pd.DataFrame({"Team": ["A"]}).to_excel(writer, sheet_name="Draaitabel", index=False)
    with pytest.raises(SelfRelianceError, match=r"export\.xlsx.*'Info'.*'Draaitabel'"):
        read_tickets(path, "auto")


def test_real_excel_date_cells_and_serials(tmp_path):
    path = tmp_path / "topdesk.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Meldingnummer", "Aanmelddatum", "Datum gereed", "Korte omschrijving"])
    # 45956 days after 1899-12-30 is 2025-10-26 (worked out with datetime.date subtraction).
    sheet.append(["M1", pd.Timestamp("2025-10-26 02:30").to_pydatetime(), 45956.5, "x"])
    book.save(path)
    t = read_tickets(path, "topdesk")
    # 26 Oct 2025 02:30 occurs twice in Brussels: the earliest (summer time, UTC+2) is taken.
    assert t.loc[0, "opened_at"].utcoffset() == pd.Timedelta(hours=2)
    # Serial 45956.5 = 2025-10-26 12:00.
    assert t.loc[0, "resolved_at"] == _local("2025-10-26 12:00")


def test_source_names_and_mapping_copy(tmp_path):
    copy = tmp_path / "mine.yaml"
    shutil.copy(MAPPINGS / "freshservice.yml", copy)
    assert (
        read_tickets(FIXTURES / "freshservice.csv", str(copy))["source_system"].iloc[0]
        == "freshservice"
    )
    with pytest.raises(SelfRelianceError, match="Unknown --source 'jira'"):
        read_tickets(FIXTURES / "jira.csv", "jira")


def test_roster_telework_column_reaches_people(tmp_path):
    from selfreliance.clean import pseudonymise_people
    from selfreliance.ingest import read_roster

    path = tmp_path / "roster.csv"
    path.write_text(
        "personeelsnummer;team;hire_date;telewerkdagen\n"
        "P1;Onthaal;01/02/2020;1,5\nP2;Onthaal;01/03/2021;\nP3;Burgerzaken;2019-05-01;2\n",
        encoding="utf-8",
    )
    roster = read_roster(path)
    assert roster["telework"].tolist()[0] == 1.5 and pd.isna(roster["telework"].iloc[1])
    people = pseudonymise_people(roster, b"k" * 32, reference_year=2026)
    assert people["telework"].tolist()[2] == 2.0 and people["telework"].isna().sum() == 1
    assert "P1" not in people.to_csv()
