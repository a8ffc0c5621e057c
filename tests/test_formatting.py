from datetime import datetime

from dashboard.formatting import format_number, format_percent, format_stand


def test_german_numbers():
    assert format_number(1915) == "1.915"
    assert format_number(17932651) == "17.932.651"
    assert format_number(12.345, 1) == "12,3"
    assert format_number(None) == "–"
    assert format_number(float("nan")) == "–"


def test_german_percent_and_stand():
    assert format_percent(12.5) == "12,5\u202f%"
    assert format_percent(1234.56, 2) == "1.234,56\u202f%"
    assert format_stand(datetime(2026, 1, 19, 13, 58, 12)) == "Stand: 19.01.2026 13:58"
    assert format_stand(None) == "Stand unbekannt"
