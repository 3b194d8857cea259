"""The campaign's indicators: the 13 columns of the activity statistics table (SAMR 2021
report) and the SMEs helped that the quota of attachment 1 is measured against."""

import csv
from pathlib import Path

INDICATOR_TABLE = Path(__file__).resolve().parent / "fixtures" / "activity-indicators.csv"

# (code, name, unit, English name, counter): the indicator the quota "SMEs to help" measures.
SMES_HELPED = ("smes_helped", "帮扶中小企业", "家", "SMEs helped", "enterprises_helped")
COUNTERS = {
    "standards_established": "standards_approved",
    # The needs app's service teams and visits (needs/hooks/fieldwork.py).
    "service_teams": "service_teams",
    "enterprises_visited": "enterprises_visited",
    "technical_services": "technical_services",
    "promo_materials": "promo_materials",
    # Submitted survey responses (needs/hooks/answering.py).
    "questionnaires": "questionnaires",
    # Problems confirmed solved by their enterprises (experts/hooks/problems.py).
    "problems_solved": "problems_solved",
}


def load_reference_indicators(indicator_model) -> None:
    """Create whatever reference indicator is missing; ``indicator_model`` may be a
    migration's."""
    code, name, unit, name_en, counter = SMES_HELPED
    rows = [(code, name, unit, name_en, counter)]
    with INDICATOR_TABLE.open(encoding="utf-8") as table:
        for row in csv.DictReader(table):
            rows.append(
                (
                    row["code"],
                    row["name_zh"],
                    row["unit_zh"],
                    row["name_en"],
                    COUNTERS.get(row["code"], ""),
                )
            )
    for position, (code, name, unit, name_en, counter) in enumerate(rows):
        indicator_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "name_en": name_en,
                "counter": counter,
                "position": position,
            },
        )


def national_totals_2021() -> dict[str, dict]:
    """The 2021 national figures of the SAMR report, per indicator code: ``{"total": int,
    "note": str}`` (the note as the report words it, e.g. "7.5万余家"; "" when exact)."""
    totals = {}
    with INDICATOR_TABLE.open(encoding="utf-8") as table:
        for row in csv.DictReader(table):
            if row["national_total_2021"].strip():
                totals[row["code"]] = {
                    "total": int(row["national_total_2021"]),
                    "note": row["national_total_2021_note"].strip(),
                }
    return totals
