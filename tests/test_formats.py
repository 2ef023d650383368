"""The IGF's page formats from 2015 to 2025 (issue 6): every fixture page in
tests/fixtures/formats is read into its expected record field by field, and
the single rules that read those shapes are tested one behaviour at a time.

Each `NAME.txt` has a hand-written `NAME.expected.json`: the DESIGN.md record
without `source`, `sha256` and `spans` (spans are checked against the text
instead), plus `_shapes`, the page shapes of issue 6 that the page shows.
Expected warnings give the line, the text and a word (`about`) that the
reason must contain.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from igfkg.cli import main
from igfkg.model import SessionRecord
from igfkg.names import bag_key
from igfkg.parse import explain_session, parse_session
from igfkg.parse.header import read_date_line, read_room_label, read_title
from igfkg.parse.labels import is_ambiguous_region, normalize_regional_group, normalize_stakeholder_group
from igfkg.parse.people import (
    PersonMention, UnnamedMention, looks_like_person_name, read_biography, read_person, split_people_run,
)
from igfkg.parse.sections import classify_heading, is_agenda_item, read_sdg_goal

FORMATS = Path(__file__).parent / "fixtures" / "formats"
FIXTURES = sorted(p.stem for p in FORMATS.glob("*.txt"))

# The shapes issue 6 lists; the corpus holds at least two pages of each.
SHAPES = [
    "starts-with-session", "starts-with-organizer", "starts-with-room", "check-in-line", "indented-body",
    "wrapped-title", "main-session-line-2015", "date-line-duration-format-2016", "agenda-name-title-lines",
    "proposer-name-2017", "salutation-csv-2017", "agenda-60min-2018", "session-time-local-2018", "site-footer",
    "nameless-organizers", "goal-n-sdg", "additional-speakers-free-text", "about-this-session",
    "people-run-together", "people-dash-separated", "people-email-placeholder", "informal-regions",
    "lower-case-groups", "open-forum-labels-2024", "panel-numbering-restart", "people-in-description",
    "agenda-no-people", "trap-organization-in-person-slot", "trap-non-group-stakeholder",
    "trap-empty-online-moderator", "trap-question-marks-organization", "trap-lock-glyph", "trap-commas",
    "trap-surname-first", "trap-name-typo", "trap-nickname",
    # Seen on real pages besides those of issue 6.
    "code-after-title-2017", "records-run-on-one-line-2017", "entry-broken-after-comma",
    "time-and-room-below-labels", "theme-labels-2018", "code-before-title-schedule", "schedule-speaker-cards",
    "numbered-report-sections", "bulleted-labels",
]
RECORD_FIELDS = set(SessionRecord.__dataclass_fields__) - {"source", "sha256"}
PERSON_FIELDS = ["roles", "stakeholder_group", "regional_group", "affiliation", "inferred_roles"]


def _expected(name: str) -> dict:
    return json.loads((FORMATS / f"{name}.expected.json").read_text(encoding="utf-8"))


def _parsed(name: str) -> tuple[str, dict]:
    text = (FORMATS / f"{name}.txt").read_text(encoding="utf-8")
    return text, parse_session(text, f"{name}.txt").to_json()


def test_corpus_has_two_pages_of_every_shape():
    seen: dict[str, list[str]] = {shape: [] for shape in SHAPES}
    for name in FIXTURES:
        for shape in _expected(name)["_shapes"]:
            assert shape in seen, f"{name}: unknown shape {shape!r}"
            seen[shape].append(name)
    thin = {shape: pages for shape, pages in seen.items() if len(pages) < 2}
    assert not thin, thin


@pytest.mark.parametrize("name", FIXTURES)
def test_expected_file_lists_every_field(name):
    expected = _expected(name)
    assert set(expected) - {"_shapes"} == RECORD_FIELDS, name


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_matches_expected_record(name):
    expected = _expected(name)
    _, record = _parsed(name)
    for key in sorted(RECORD_FIELDS - {"participants", "unnamed_participants", "warnings"}):
        assert record[key] == expected[key], key

    people = {p["name"]: p for p in record["participants"]}
    assert sorted(people) == sorted(p["name"] for p in expected["participants"]), "participants"
    for want in expected["participants"]:
        got = people[want["name"]]
        for key in PERSON_FIELDS:
            assert got[key] == want[key], (want["name"], key)
        assert sorted(got["name_variants"]) == sorted(want["name_variants"]), (want["name"], "name_variants")

    unnamed = [{k: u[k] for k in ("text", "roles", "organization", "stakeholder_group", "regional_group", "inferred_roles")}
               for u in record["unnamed_participants"]]
    assert unnamed == expected["unnamed_participants"], "unnamed_participants"

    got_warnings = [(w["line"], w["text"]) for w in record["warnings"]]
    assert got_warnings == [(w["line"], w["text"]) for w in expected["warnings"]], "warnings"
    for got, want in zip(record["warnings"], expected["warnings"]):
        assert want["about"].lower() in got["reason"].lower(), (got, want["about"])


@pytest.mark.parametrize("name", FIXTURES)
def test_spans_point_at_the_names(name):
    text, record = _parsed(name)
    for person in record["participants"]:
        assert person["spans"], person["name"]
        spellings = {bag_key(person["name"])} | {bag_key(v) for v in person["name_variants"]}
        for start, end in person["spans"]:
            assert bag_key(text[start:end]) in spellings, (person["name"], text[start:end])
    for holder in record["unnamed_participants"]:
        assert holder["spans"], holder["text"]
        for start, end in holder["spans"]:
            assert text[start:end] == holder["text"]


@pytest.mark.parametrize("name", FIXTURES)
def test_no_footer_agenda_time_or_heading_line_becomes_a_person(name):
    text, record = _parsed(name)
    _, steps = explain_session(text, name)
    not_people = {s.line for s in steps if s.rule in ("site-footer", "agenda-time-line", "agenda-item", "role-heading",
                                                     "section-heading", "agenda-subheading")}
    line_starts = [0]
    for line in text.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    for holder in record["participants"] + record["unnamed_participants"]:
        for start, _ in holder["spans"]:
            line = max(i for i, offset in enumerate(line_starts) if offset <= start) + 1
            assert line not in not_people, (holder.get("name") or holder["text"], line)


# --- explain -------------------------------------------------------------------

@pytest.mark.parametrize("name", FIXTURES)
def test_every_line_of_every_fixture_is_read_by_a_named_rule(name):
    text = (FORMATS / f"{name}.txt").read_text(encoding="utf-8")
    _, steps = explain_session(text, name)
    non_blank = {n for n, line in enumerate(text.splitlines(), 1) if line.strip()}
    assert non_blank <= {s.line for s in steps}
    assert [s.line for s in steps if s.rule == "not-read"] == []


def test_explain_names_a_rule_for_every_non_blank_line():
    path = FORMATS / "workshop_2018_agenda.txt"
    result = CliRunner().invoke(main, ["parse", "--explain", str(path)])
    assert result.exit_code == 0, result.output
    explained = {int(line.split()[0]) for line in result.stdout.splitlines()[1:] if line.strip()}
    non_blank = {n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.strip()}
    assert non_blank <= explained, sorted(non_blank - explained)


def test_explain_shows_the_value_each_rule_read():
    path = FORMATS / "workshop_2018_agenda.txt"
    output = CliRunner().invoke(main, ["parse", "--explain", str(path)]).stdout
    moderator = next(line for line in output.splitlines() if line.split()[0] == "18")
    assert "labelled-person-line" in moderator and "onsite_moderator" in moderator
    assert "Elena Marchetti" in moderator and "Western European and Others Group (WEOG)" in moderator
    footer = [line for line in output.splitlines() if line.split()[0] in {str(n) for n in range(35, 43)}]
    assert footer and all("site-footer" in line for line in footer)


def test_explain_shows_the_final_role_of_an_inferred_block():
    path = FORMATS / "session_start_dash_paren.txt"
    output = CliRunner().invoke(main, ["parse", "--explain", str(path)]).stdout
    first = next(line for line in output.splitlines() if line.split()[0] == "5")
    assert "organizer" in first and "first-of-several-unlabelled-blocks-is-organizers" in first
    assert "(leading block)" not in output


def test_explain_lists_warnings_with_their_reason():
    path = FORMATS / "traps_speaker_slots.txt"
    output = CliRunner().invoke(main, ["parse", "--explain", str(path)]).stdout
    female = [line for line in output.splitlines() if line.split()[0] == "11"]
    assert any("warning" in line and "Female" in line for line in female)


# --- people.read_person and its kin -------------------------------------------

def test_salutation_csv_keeps_commas_in_the_organization():
    mention = read_person("Ms.,Aiko,TANAKA,Government,Ministry of Economy, Trade and Industry")
    assert (mention.name, mention.stakeholder_group, mention.affiliation) == (
        "Aiko TANAKA", "Government", "Ministry of Economy, Trade and Industry")


def test_salutation_csv_reads_a_trailing_region():
    mention = read_person("Mr.,Olu,ADEBAYO,Private Sector,Lagos Fintech Association,African Group")
    assert (mention.affiliation, mention.regional_group) == ("Lagos Fintech Association", "African Group")


def test_name_suffix_after_a_comma_stays_in_the_name():
    mention = read_person("Robert Ellison, Jr., Private Sector, WEOG", labelled_role="speaker")
    assert mention.name == "Robert Ellison, Jr."
    assert mention.affiliation is None


def test_surname_first_with_a_comma_is_one_name():
    mention = read_person("DIALLO, Aminata, Technical Community, African Group", labelled_role="speaker")
    assert (mention.name, mention.stakeholder_group) == ("DIALLO, Aminata", "Technical Community")


def test_quoted_nickname_is_not_part_of_the_name():
    mention = read_person('Katherine "Kate" Mbeki, Civil Society, African Group', labelled_role="speaker")
    assert mention.name == "Katherine Mbeki"
    assert mention.nickname == "Kate"


def test_parenthesised_nickname_is_not_an_organization():
    mention = read_person("Jonathan (Jon) Reyes", labelled_role="speaker")
    assert (mention.name, mention.nickname, mention.affiliation) == ("Jonathan Reyes", "Jon", None)


def test_organization_in_a_speaker_slot_is_no_person():
    mention = read_person("Internet Society Kenya Chapter, Civil Society, African Group", labelled_role="speaker")
    assert isinstance(mention, UnnamedMention)
    assert (mention.organization, mention.stakeholder_group) == ("Internet Society Kenya Chapter", "Civil Society")


def test_non_group_word_in_the_stakeholder_slot_is_left_empty_and_reported():
    mention = read_person("Grace Wanjiru, Female, African Group", labelled_role="speaker")
    assert (mention.stakeholder_group, mention.affiliation, mention.regional_group) == (None, None, "African Group")
    assert any("Female" in problem for problem in mention.problems)


def test_job_title_between_name_and_region_is_no_affiliation():
    mention = read_person("Elena Marchetti, Senior Policy Advisor, WEOG", labelled_role="onsite_moderator")
    assert (mention.affiliation, mention.regional_group, mention.problems) == (
        None, "Western European and Others Group (WEOG)", [])


def test_question_marks_are_no_organization():
    mention = read_person("Peter Lindqvist, ??", labelled_role="organizer")
    assert mention.affiliation is None
    assert any("??" in problem for problem in mention.problems)


def test_lock_glyph_glued_after_the_organization():
    mention = read_person("Joaquim Barros, Instituto de Tecnologia e Sociedade\U0001F512", labelled_role="organizer")
    assert mention.affiliation == "Instituto de Tecnologia e Sociedade"


def test_organization_with_a_comma_after_a_job_title():
    mention = read_person("Ana Paula Ferreira, Secretary of Information Technology, Ministry of Planning, Budget and Management")
    assert mention.affiliation == "Ministry of Planning, Budget and Management"


def test_title_of_a_subject_is_no_organization():
    mention = read_person("Chen Wei, Professor of Computer Science")
    assert (mention.name, mention.affiliation) == ("Chen Wei", None)


def test_abbreviation_period_stays_in_an_organization():
    assert read_person("Pieter Smit, Cape Data, Inc.", labelled_role="organizer").affiliation == "Cape Data, Inc."


def test_informal_region_that_spans_several_groups_is_left_empty():
    mention = read_person("Wei Zhang, private sector, NA", labelled_role="rapporteur")
    assert (mention.stakeholder_group, mention.regional_group) == ("Private Sector", None)
    assert any("'NA'" in problem for problem in mention.problems)


def test_site_footer_words_are_no_person_name():
    for line in ("Villa Le Bocage", "Palais des Nations", "United Nations", "Contact Information", "Switzerland"):
        assert not looks_like_person_name(line), line


def test_biography_line_names_its_person():
    mention = read_biography("Dr. Lucía Benítez is a researcher at the Centro de Estudios, where she works.")
    assert isinstance(mention, PersonMention) and mention.name == "Lucía Benítez"
    assert read_biography("We will also invite a representative of a platform.") is None


# --- several people on one line -----------------------------------------------

def test_run_together_people_split_after_a_region_glued_to_the_next_name():
    parts = split_people_run("Abena Owusu, civil society, AfricaYaw Darko, private sector, Africa")
    assert [text for text, _ in parts] == ["Abena Owusu, civil society, Africa", "Yaw Darko, private sector, Africa"]


def test_run_together_people_split_at_salutations():
    parts = split_people_run("Ms. Layla Haddad, private sector, APAC Mr. Omar Nasser, government, Africa")
    assert [text for text, _ in parts] == ["Ms. Layla Haddad, private sector, APAC", "Mr. Omar Nasser, government, Africa"]


def test_run_together_2017_records_split_at_each_salutation():
    line = "Ms.,Amina,Okafor,Civil Society,APC Mr.,Tomas,Herrera,Civil Society,Open Policy Lab"
    parts = split_people_run(line)
    assert [text for text, _ in parts] == ["Ms.,Amina,Okafor,Civil Society,APC",
                                           "Mr.,Tomas,Herrera,Civil Society,Open Policy Lab"]


def test_person_entry_broken_after_its_comma_is_read_with_the_next_line():
    record = parse_session("Speakers:\nSofia Keller,\nDirector of Continuing Education, University of Geneva\n")
    assert [(p.name, p.affiliation) for p in record.participants] == [("Sofia Keller", "University of Geneva")]
    assert not record.warnings


def test_a_line_naming_someone_is_no_continuation_of_the_line_above():
    record = parse_session("Speakers:\nSofia Keller,\nMarco Bianchi, Head of Storage at CERN\n")
    assert [p.name for p in record.participants] == ["Sofia Keller", "Marco Bianchi"]


def test_unlabelled_person_right_under_labelled_organizers_is_an_organizer():
    record = parse_session("Proposer's Name: Ms. Lena Fischer\nProposer's Organization: Alpine Lab\n"
                           "Mr,Jean,DUVAL,Civil Society,University of Lausanne\n")
    jean = record.participants[1]
    assert (jean.name, jean.roles, jean.inferred_roles) == (
        "Jean DUVAL", ["organizer"], {"organizer": "line-under-labelled-organizers-continues-them"})


def test_name_dash_organization_group_and_region_sharing_a_comma_part():
    mention = read_person("Amina Dukuly - APT Africa, Intergovernmental Organization Africa", labelled_role="speaker")
    assert (mention.name, mention.affiliation, mention.stakeholder_group, mention.regional_group) == (
        "Amina Dukuly", "APT Africa", "Intergovernmental Organization", "African Group")


def test_people_each_with_a_group_split_off_one_line_with_no_heading():
    record = parse_session("IGF 2023 Day 0 Event #1 Title\n\nAna Lima, ONA, civil society, Africa - "
                           "Rui Costa, ONA, private sector, LAC\n")
    assert [(p.name, p.stakeholder_group) for p in record.participants] == [
        ("Ana Lima", "Civil Society"), ("Rui Costa", "Private Sector")]


def test_attributes_first_on_each_line_belong_to_that_line_s_person():
    record = parse_session("Speakers\nOrganizational Affiliation: Alpha Lab Speaker: Ana Lima Stakeholder: Government\n"
                           "Organizational Affiliation: Beta Centre Speaker: Rui Costa Stakeholder: Civil Society\n")
    assert [(p.name, p.affiliation, p.stakeholder_group) for p in record.participants] == [
        ("Ana Lima", "Alpha Lab", "Government"), ("Rui Costa", "Beta Centre", "Civil Society")]


def test_heading_phrases_of_schedule_pages_name_their_roles():
    record = parse_session("WS 57 Title\n\nThe panel will be co-moderated by:\n- Ana Lima, Director at Beta Lab\n\n"
                           "Panelists include:\n- Rui Costa, Professor at Gamma University\n\nSchedule:\n"
                           "11:30-11:40 Overview\n")
    assert [(p.name, p.roles, p.affiliation) for p in record.participants] == [
        ("Ana Lima", ["onsite_moderator"], "Beta Lab"), ("Rui Costa", ["speaker"], "Gamma University")]


def test_presenter_co_moderator_and_moderador_labels():
    record = parse_session("IGF 2018 LT #3 Title\n\nPresenter: Eva Green (Delta Org)\nCo-Moderator: Tom Bell (Epsilon)\n"
                           "Moderador: Luis Vega, LACREG\n")
    assert [(p.name, p.roles) for p in record.participants] == [
        ("Eva Green", ["speaker"]), ("Tom Bell", ["onsite_moderator"]), ("Luis Vega", ["onsite_moderator"])]


def test_name_label_under_a_role_heading_is_a_person_of_that_role():
    record = parse_session("IGF 2018 LIGHTNING SESSION #9 Title\n\nPresenter\nName: Ana Lima, Chair, Beta Council\n")
    assert [(p.name, p.roles, p.affiliation) for p in record.participants] == [("Ana Lima", ["speaker"], "Beta Council")]


def test_job_line_below_a_bare_name_is_its_affiliation():
    record = parse_session("DC on Open Principles\n\nSession Organizers\navatar for Ana Lima\n\nAna Lima\n\n"
                           "Representative, EUROCOM\n")
    assert [(p.name, p.roles, p.affiliation) for p in record.participants] == [("Ana Lima", ["organizer"], "EUROCOM")]
    assert not record.warnings


def test_numbered_report_sections_are_read():
    record = parse_session("IGF 2020 BPF Local Content\n\n1. Key Policy Questions and related issues\n"
                           "1. Which barriers keep creators offline?\n\n3. Key Takeaways\n\n- Licensing matters\n\n"
                           "4. Call to Action\n\n- Fund the archives\n")
    assert (record.policy_questions, record.key_takeaways, record.calls_to_action) == (
        ["Which barriers keep creators offline?"], ["Licensing matters"], ["Fund the archives"])


def test_bulleted_labelled_people_and_remote_marks():
    record = parse_session("IGF 2021 Introductory Session IV\n\nAbout this Session\n\nIssue areas.\n\n"
                           "  • Speaker: Tomas Lewan, Green Networks Institute\nSpeaker 4: Mei Tanaka-Ruiz * - Youth Coalition\n")
    assert [(p.name, p.roles, p.affiliation) for p in record.participants] == [
        ("Tomas Lewan", ["speaker"], "Green Networks Institute"), ("Mei Tanaka-Ruiz", ["speaker"], "Youth Coalition")]


def test_list_of_people_after_a_break_ends_the_description():
    record = parse_session("IGF 2020 OF #31 Youth Leaders\n\nAbout this Session\nThe forum is a debate.\n\n\n"
                           "✓Karim A.FALL, CEO & Board Member, Gulf Telecommunications Council, UAE\n\n"
                           "Ambassador Liina SAAREPUU, Former Minister of Justice, Estonian Ministry of Justice\n")
    assert record.description == "The forum is a debate."
    assert [p.name for p in record.participants] == ["Karim A.FALL", "Liina SAAREPUU"]


def test_agenda_letters_and_role_names_are_no_person_names():
    assert not looks_like_person_name("b. Resources")
    assert not looks_like_person_name("MAG Chair")
    assert looks_like_person_name("J. Smith")


def test_partners_in_an_organization_name_is_no_job():
    assert read_person("Margaux Jacquet, Global Partners Digital", labelled_role="rapporteur").affiliation == \
        "Global Partners Digital"


def test_job_title_alone_is_no_person_name():
    assert not looks_like_person_name("Research Associate")
    assert not looks_like_person_name("Senior Programme Manager")
    assert looks_like_person_name("Dean Mensah")  # a given name that is also a title word


def test_organization_after_at_in_a_job_title():
    assert read_person("Marco Bianchi, Head of Storage at CERN").affiliation == "CERN"


def test_people_split_at_email_placeholders():
    line = "Efua Asante [email\u00a0protected] Ama Boateng [email\u00a0protected]"
    parts = split_people_run(line.replace("\u00a0", " "))
    assert [text for text, _ in parts] == ["Efua Asante", "Ama Boateng"]


def test_people_split_at_dashes_only_when_every_part_is_a_person():
    parts = split_people_run("Youssef Amrani (Maghreb Digital Forum) - Salma Idrissi (Université Mohammed V)")
    assert [text for text, _ in parts] == ["Youssef Amrani (Maghreb Digital Forum)", "Salma Idrissi (Université Mohammed V)"]
    assert split_people_run("Wan Sie Lee - Singapore Government (Asia-Pacific).") == []


def test_split_offsets_point_into_the_line():
    line = "Abena Owusu, civil society, AfricaYaw Darko, private sector, Africa"
    for text, offset in split_people_run(line):
        assert line[offset:offset + len(text)] == text


def test_camel_case_surname_is_not_split():
    assert split_people_run("Aoife McDonald, civil society, EU") == []


# --- header --------------------------------------------------------------------

def test_2016_date_line_gives_local_start_end_duration_and_format():
    date = read_date_line("Thursday 8 December 2016 - 15.00, 90 minutes, Interview Format")
    assert (date.local_start, date.local_end, date.duration_min, date.format) == (
        "2016-12-08T15:00:00", "2016-12-08T16:30:00", 90, "Interview")
    assert date.start_utc is None and date.end_utc is None


def test_2018_session_time_is_local_never_utc():
    date = read_date_line("Session Time: Monday, 12 November, 2018 - 09:20 to 10:20")
    assert (date.local_start, date.local_end, date.start_utc) == ("2018-11-12T09:20:00", "2018-11-12T10:20:00", None)


def test_2015_main_session_line_gives_title_and_date():
    title = read_title("10 November 2015 - A Main Session on Cybersecurity and Trust in João Pessoa, Brazil")
    assert (title.year, title.session_type, title.title, title.date) == (
        2015, "main_session", "A Main Session on Cybersecurity and Trust in João Pessoa, Brazil", "2015-11-10")


def test_roman_session_number_is_read():
    title = read_title("IGF 2023 High-Level Leaders Session IV: Access & Innovation for Revitalizing the SDGs")
    assert (title.session_type, title.number, title.title) == (
        "high_level", 4, "Access & Innovation for Revitalizing the SDGs")


def test_session_code_after_the_title_gives_type_and_number():
    title = read_title("Data governance and policy: building a curriculum (WS186)")
    assert (title.year, title.session_type, title.number, title.title) == (
        None, "workshop", 186, "Data governance and policy: building a curriculum")
    assert read_title("Internet Society (ISOC)") is None


def test_offset_from_gmt_gives_utc_and_local_times():
    date = read_date_line("Wednesday December 18, 2024 11:00 - 11:45 GMT+03")
    assert (date.start_utc, date.end_utc, date.local_start, date.local_end) == (
        "2024-12-18T08:00:00Z", "2024-12-18T08:45:00Z", "2024-12-18T11:00:00", "2024-12-18T11:45:00")


def test_kind_and_number_with_no_year_start_a_title():
    title = read_title("Launch / Award Event #57 Launch of the 2024 Atlas of Rural Connectivity")
    assert (title.year, title.session_type, title.number, title.title) == (
        None, "launch_award", 57, "Launch of the 2024 Atlas of Rural Connectivity")


def test_plain_title_above_a_time_label_and_its_date():
    record = parse_session("IGF Dynamic Coalitions: looking back\n\nTime\n"
                           "Thursday, 18th November, 2021 (14:00 UTC) - Thursday, 18th November, 2021 (15:00 UTC)\n"
                           "\nSpeaker 1: Ana Lima, Civil Society, African Group\n")
    assert (record.title, record.start) == ("IGF Dynamic Coalitions: looking back", "2021-11-18T14:00:00Z")


def test_location_label_above_its_value_gives_the_room():
    record = parse_session("IGF 2018 OF #40 Future\n\nModerator: Ana Lima\n\nLocation\nSalle XI\n")
    assert record.room == "Salle XI"
    assert not record.warnings


def test_roman_numbered_session_with_no_subtitle_is_named_by_its_line():
    title = read_title("IGF 2022 High-Level Leaders Session IV")
    assert (title.session_type, title.number, title.title) == ("high_level", 4, "High-Level Leaders Session IV")


def test_session_code_before_the_title():
    title = read_title("WS181: Internet shutdowns and the economy")
    assert (title.year, title.session_type, title.number, title.title) == (
        None, "workshop", 181, "Internet shutdowns and the economy")


def test_lightning_session_is_a_lightning_talk():
    assert read_title("IGF 2018 LIGHTNING SESSION #14 Girls Coding Clubs").session_type == "lightning_talk"


def test_theme_labels_give_the_theme_without_its_label():
    record = parse_session("IGF 2018 OF #40 Future\n\nSub-theme description: Future of Internet Economy\n"
                           "\nThe forum looks at funding.\n\nModerator: Ana Lima\n")
    assert record.themes == ["Future of Internet Economy"]


def test_session_time_label_at_the_bottom_gives_local_time_and_room():
    record = parse_session("IGF 2018 OF #40 Future\n\nModerator: Ana Lima\n\nSession Time:\n"
                           "Monday, 12 November, 2018 - 09:20 to 10:20\nSalle XI\n")
    assert (record.local_start, record.local_end, record.room, record.start) == (
        "2018-11-12T09:20:00", "2018-11-12T10:20:00", "Salle XI", None)
    assert not record.warnings


def test_bpf_and_nri_titles():
    assert read_title("IGF 2022 BPF Cybersecurity").session_type == "bpf_session"
    nri = read_title("IGF 2019 NRIs Collaborative Session: Access and Affordability in Rural Areas")
    assert (nri.session_type, nri.title) == ("nri_session", "Access and Affordability in Rural Areas")


def test_room_label_needs_a_colon_or_slash():
    assert read_room_label("Room: Salle VIII") == "Salle VIII"
    assert read_room_label("Room / Salle VI") == "Room / Salle VI"
    assert read_room_label("Room XXIV - E") is None


# --- labels and sections ----------------------------------------------------------

def test_informal_regions_with_one_un_group_map():
    assert normalize_regional_group("Africa") == "African Group"
    assert normalize_regional_group("APAC") == "Asia-Pacific Group"
    assert normalize_regional_group("LAC") == "Latin American and Caribbean Group (GRULAC)"


@pytest.mark.parametrize("word", ["EU", "NA", "Oceania", "Europe", "North America"])
def test_informal_regions_across_un_groups_do_not_map(word):
    assert normalize_regional_group(word) is None
    assert is_ambiguous_region(word)


def test_lower_case_stakeholder_groups_map():
    assert normalize_stakeholder_group("civil society") == "Civil Society"
    assert normalize_stakeholder_group("private sector") == "Private Sector"
    assert normalize_stakeholder_group("Female") is None


def test_goal_line_reads_the_sdg():
    assert read_sdg_goal("GOAL 16: Peace, Justice and Strong Institutions") == 16


def test_agenda_heading_with_minutes_is_an_agenda_heading():
    assert classify_heading("Agenda (60min):") == ("section", "agenda")


def test_additional_speakers_headings():
    assert classify_heading("Panelists/Speakers:") == ("role", "speaker")
    assert classify_heading("Co-Moderators:") == ("role", "onsite_moderator")


@pytest.mark.parametrize("line", ["10:50 – 11:00 Welcome and introduction by the BPF co-facilitators",
                                  "Part 2 (25 min): Industry perspectives", "Wrap-up (10 min)", "Q&A"])
def test_agenda_items(line):
    assert is_agenda_item(line) or classify_heading(line) == ("subheading", None)


# --- whole-page behaviours ----------------------------------------------------------

def test_agenda_time_lines_in_a_people_block_are_no_people():
    record = parse_session("IGF 2022 WS #1 T\n\nSpeakers\n10:00 - 10:10 Opening remarks\n"
                           "10:10 - 10:40 Panel discussion\nJane Doe, Civil Society, African Group\n")
    assert [p.name for p in record.participants] == ["Jane Doe"]
    assert record.warnings == []


def test_footer_after_people_gives_no_person_or_organization():
    record = parse_session("IGF 2018 WS #2 T\n\nSpeakers\nJane Doe\n\nContact Information\nUnited Nations\n"
                           "Secretariat of the Internet Governance Forum (IGF)\nVilla Le Bocage\nPalais des Nations,\n")
    assert [p.name for p in record.participants] == ["Jane Doe"]
    assert record.organizing_organizations == []


def test_typo_needs_matching_details_to_merge():
    same = parse_session("IGF 2022 WS #3 T\n\nSpeaker 1: Chidi Okonkwo, Civil Society, African Group\n\n"
                         "Onsite Moderator\n\nChidi Okonkow, Civil Society, African Group\n")
    assert len(same.participants) == 1
    different = parse_session("IGF 2022 WS #3 T\n\nSpeaker 1: Chidi Okonkwo, Civil Society, African Group\n\n"
                              "Onsite Moderator\n\nChidi Okonkow, Government, WEOG\n")
    assert len(different.participants) == 2


def test_nameless_organizers_stay_distinct():
    record = parse_session("IGF 2019 WS #4 T\n\nOrganizer 1: Civil Society, Asia-Pacific Group\n"
                           "Organizer 2: Civil Society, Asia-Pacific Group\n")
    assert [u.text for u in record.unnamed_participants] == [
        "Organizer 1: Civil Society, Asia-Pacific Group", "Organizer 2: Civil Society, Asia-Pacific Group"]
    assert record.participants == []


def test_one_line_open_forum_labels_share_their_attributes():
    record = parse_session("IGF 2024 Open Forum #5 T\n\nOrganizational Affiliation: Ministry of X Moderator and "
                           "Organizer: Ana Lima (main), Rui Costa (sub) Stakeholder: Government Regional Group: Asia-Pacific\n")
    assert [(p.name, p.roles, p.affiliation, p.regional_group) for p in record.participants] == [
        ("Ana Lima", ["organizer", "onsite_moderator"], "Ministry of X", "Asia-Pacific Group"),
        ("Rui Costa", ["organizer", "onsite_moderator"], "Ministry of X", "Asia-Pacific Group"),
    ]
    assert record.organizing_organizations == []  # an affiliation, as `Organizer 1: Name, Org` gives


def test_unreadable_person_line_warns_with_its_line():
    record = parse_session("IGF 2022 WS #5 T\n\nSpeakers\n\nJane Doe, Civil Society, African Group\n"
                           "to be confirmed: two more from industry\n")
    assert [(w.line, w.text) for w in record.warnings] == [(6, "to be confirmed: two more from industry")]


def test_explain_lists_a_line_no_rule_read():
    text = "IGF 2022 WS #6 T\n\nSpeaker 1: Jane Doe, Civil Society, African Group\nStakeholder:\n"
    _, steps = explain_session(text)
    assert [(s.line, s.rule) for s in steps if s.line == 4] == [(4, "not-read")]
