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


def test_indicator_values_and_changes_with_their_unit():
    from dashboard.formatting import format_change, format_value

    assert format_value(12.345, "%") == "12,3\u202f%"
    assert format_value(7.95, "Prozentpunkte") == "8,0\u202f%-Pkt."
    assert format_value(1234.5, "je 1.000") == "1.234,5\u202fje 1.000"
    assert format_value(1.2345, "Verhältnis") == "1,23"
    assert format_value(None, "%") == "–"
    # Shares change in percentage points; a change that rounds to zero has no sign.
    assert format_change(1.26, "%") == "+1,3\u202f%-Pkt."
    assert format_change(-0.7, "Prozentpunkte") == "−0,7\u202f%-Pkt."
    assert format_change(-0.04, "%") == "±0,0\u202f%-Pkt."
    assert format_change(0.1, "Verhältnis") == "+0,10"
    assert format_change(float("nan"), "%") == "–"
