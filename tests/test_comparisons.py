"""Comparisons (indicator_comparisons, indicator_group_gaps, kreis_vergleichstypen) on the full demo pipeline:
ranks, percentiles, changes, NRW values, gaps and Vergleichstypen recomputed in plain Python from the
indicator_values table of the same serving snapshot, independent of the dbt SQL."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict

import pytest

# (indicator, group, year): one indicator per direction, and a year whose previous year is secret for the Kreise
CASES = [
    ("arbeitslosenquote", "insgesamt", 2020),  # lower_is_better
    ("arbeitslosenquote", "auslaendisch", 2018),  # lower_is_better; 2017 not published per Kreis
    ("allgemeine_hochschulreife", "insgesamt", 2023),  # higher_is_better
    ("auslaenderanteil", "insgesamt", 2024),  # neutral: highest value first
    # many Kreise without a Sekundarschule (null values); it counts as "Schularten mit mehreren Bildungsgängen"
    ("schueler_auslaendisch", "mehrere_bildungsgaenge", 2016),
]


def _values(demo_pipeline, indicator_id: str, group_id: str, year: int,
            level: str = "Kreis") -> dict[str, float | None]:
    return dict(demo_pipeline.serving(
        "select ags, value from indicator_values where indicator_id = ? and group_id = ? and year = ? and level = ?",
        [indicator_id, group_id, year, level],
    ))


def _direction(demo_pipeline, indicator_id: str) -> str:
    [(direction,)] = demo_pipeline.serving("select direction from indicators where indicator_id = ?", [indicator_id])
    return direction


def _competition_ranks(values: dict[str, float | None], direction: str) -> dict[str, int]:
    """Rank 1 = best (highest first unless lower is better); equal values share a rank; null values are not ranked."""
    present = {ags: value for ags, value in values.items() if value is not None}

    def better(a: float, b: float) -> bool:
        return a < b if direction == "lower_is_better" else a > b

    return {ags: 1 + sum(better(other, value) for other in present.values()) for ags, value in present.items()}


def _comparisons(demo_pipeline, indicator_id: str, group_id: str, year: int, level: str = "Kreis") -> dict[str, dict]:
    cursor_columns = [
        "ags", "value", "nrw_value", "rb_ags", "rb_value", "kreis_ags", "kreis_value", "rank_order", "rank_nrw",
        "ranked_count_nrw", "percentile_nrw", "rank_in_kreis", "ranked_count_in_kreis", "value_previous_year",
        "change_previous_year", "value_5_years_earlier", "change_5_years", "change_unit", "vergleichstyp_id",
        "vergleichstyp_median", "rank_in_vergleichstyp", "ranked_count_in_vergleichstyp",
    ]
    rows = demo_pipeline.serving(
        f"select {', '.join(cursor_columns)} from indicator_comparisons "
        "where indicator_id = ? and group_id = ? and year = ? and level = ?",
        [indicator_id, group_id, year, level],
    )
    return {row[0]: dict(zip(cursor_columns, row)) for row in rows}


@pytest.mark.parametrize("indicator_id, group_id, year", CASES)
def test_rank_percentile_change_and_nrw_value_equal_a_recomputation(demo_pipeline, indicator_id, group_id, year):
    direction = _direction(demo_pipeline, indicator_id)
    values = _values(demo_pipeline, indicator_id, group_id, year)
    previous = _values(demo_pipeline, indicator_id, group_id, year - 1)
    five_years_earlier = _values(demo_pipeline, indicator_id, group_id, year - 5)
    [nrw_value] = _values(demo_pipeline, indicator_id, group_id, year, level="Land").values()
    ranks = _competition_ranks(values, direction)
    ranked = len(ranks)
    served = _comparisons(demo_pipeline, indicator_id, group_id, year)

    assert len(values) == 53 and served.keys() == values.keys()
    for ags, value in values.items():
        row = served[ags]
        assert row["value"] == value
        assert row["nrw_value"] == nrw_value
        assert row["rank_order"] == ("lowest_first" if direction == "lower_is_better" else "highest_first")
        assert row["ranked_count_nrw"] == ranked
        assert row["rank_nrw"] == ranks.get(ags)
        if value is None:
            assert row["percentile_nrw"] is None
        else:
            assert row["percentile_nrw"] == pytest.approx(100 * (ranked - ranks[ags]) / (ranked - 1))
        earlier = previous.get(ags)
        if value is None or earlier is None:
            assert row["change_previous_year"] is None
        else:
            assert row["value_previous_year"] == earlier
            assert row["change_previous_year"] == pytest.approx(value - earlier)
        earlier = five_years_earlier.get(ags)
        if value is None or earlier is None:
            assert row["change_5_years"] is None
        else:
            assert row["value_5_years_earlier"] == earlier
            assert row["change_5_years"] == pytest.approx(value - earlier)
        assert row["change_unit"] == "Prozentpunkte"  # all these indicators are shares in %


def test_the_cases_cover_null_values_and_ties_in_the_demo_data(demo_pipeline):
    """The recomputation above is only a test of the null handling if the demo data has nulls where expected."""
    secret_previous_year = _values(demo_pipeline, "arbeitslosenquote", "auslaendisch", 2017)
    assert set(secret_previous_year.values()) == {None}
    served = _comparisons(demo_pipeline, "arbeitslosenquote", "auslaendisch", 2017)
    assert {row["ranked_count_nrw"] for row in served.values()} == {0}
    assert {row["rank_nrw"] for row in served.values()} == {None}
    assert {row["change_previous_year"] for row in
            _comparisons(demo_pipeline, "arbeitslosenquote", "auslaendisch", 2018).values()} == {None}
    without_school = _values(demo_pipeline, "schueler_auslaendisch", "mehrere_bildungsgaenge", 2016)
    assert 0 < sum(value is None for value in without_school.values()) < 53


def test_rb_and_kreis_values_and_the_rank_of_gemeinden_within_their_kreis(demo_pipeline):
    year = 2020
    gemeinden = _values(demo_pipeline, "mindestsicherungsquote", "insgesamt", year, level="Gemeinde")
    kreise = _values(demo_pipeline, "mindestsicherungsquote", "insgesamt", year)
    rbs = _values(demo_pipeline, "mindestsicherungsquote", "insgesamt", year, level="Regierungsbezirk")
    parents = {ags: (kreis, rb) for ags, kreis, rb in demo_pipeline.serving(
        "select ags, kreis_ags, rb_ags from districts where level = 'Gemeinde'")}
    served = _comparisons(demo_pipeline, "mindestsicherungsquote", "insgesamt", year, level="Gemeinde")
    for kreis_ags in ("05966", "05962", "05758"):
        in_kreis = {ags: value for ags, value in gemeinden.items() if parents[ags][0] == kreis_ags}
        assert len(in_kreis) > 3
        ranks = _competition_ranks(in_kreis, "lower_is_better")
        for ags, value in in_kreis.items():
            row = served[ags]
            assert (row["kreis_ags"], row["kreis_value"]) == (kreis_ags, kreise[kreis_ags])
            assert (row["rb_ags"], row["rb_value"]) == (parents[ags][1], rbs[parents[ags][1]])
            assert (row["rank_in_kreis"], row["ranked_count_in_kreis"]) == (ranks.get(ags), len(ranks))
            assert row["vergleichstyp_id"] is None


def test_every_kreis_has_exactly_one_vergleichstyp_of_at_least_five_members(demo_pipeline):
    kreise = {ags for (ags,) in demo_pipeline.serving("select ags from districts where level = 'Kreis'")}
    types = demo_pipeline.serving(
        "select ags, vergleichstyp_id, vergleichstyp_name_de, vergleichstyp_description_de, vergleichstyp_size "
        "from kreis_vergleichstypen"
    )
    assert len(kreise) == 53
    assert Counter(ags for ags, *_ in types) == Counter(kreise)  # every Kreis exactly once
    sizes = Counter(type_id for _, type_id, *_ in types)
    assert len(sizes) == 6 and min(sizes.values()) >= 5, sizes
    for _, type_id, name, description, size in types:
        assert size == sizes[type_id]
        assert name and description.endswith(".") and " %" in description


def test_vergleichstypen_are_the_thirds_of_the_latest_complete_year_by_kind(demo_pipeline):
    kreisfrei = dict(demo_pipeline.serving("select ags, kreisfrei from districts where level = 'Kreis'"))
    shares = defaultdict(dict)
    for ags, year, value in demo_pipeline.serving(
        "select ags, year, value from indicator_values where indicator_id = 'auslaenderanteil' "
        "and group_id = 'insgesamt' and level = 'Kreis'"
    ):
        shares[year][ags] = value
    complete = [year for year, values in shares.items()
                if values.keys() == kreisfrei.keys() and None not in values.values()]
    reference_year = max(complete)
    expected = {}
    for is_kreisfrei, prefix in ((True, "stadt"), (False, "kreis")):
        members = sorted((shares[reference_year][ags], ags) for ags in kreisfrei if kreisfrei[ags] is is_kreisfrei)
        # equal-sized thirds; the first thirds take the remainder (as SQL ntile does)
        size, remainder = divmod(len(members), 3)
        start = 0
        for third, band in enumerate(("niedrig", "mittel", "hoch")):
            end = start + size + (1 if third < remainder else 0)
            expected.update({ags: f"{prefix}_{band}" for _, ags in members[start:end]})
            start = end
    served = {ags: (year, type_id) for ags, year, type_id in demo_pipeline.serving(
        "select ags, reference_year, vergleichstyp_id from kreis_vergleichstypen")}
    assert served == {ags: (reference_year, type_id) for ags, type_id in expected.items()}


def test_vergleichstyp_median_and_rank_within_the_type(demo_pipeline):
    indicator_id, group_id, year = "ohne_hauptschulabschluss", "insgesamt", 2022
    types = dict(demo_pipeline.serving("select ags, vergleichstyp_id from kreis_vergleichstypen"))
    values = _values(demo_pipeline, indicator_id, group_id, year)
    served = _comparisons(demo_pipeline, indicator_id, group_id, year)
    for type_id in set(types.values()):
        members = {ags: values[ags] for ags, member_type in types.items() if member_type == type_id}
        ranks = _competition_ranks(members, _direction(demo_pipeline, indicator_id))
        median = statistics.median(value for value in members.values() if value is not None)
        for ags in members:
            row = served[ags]
            assert row["vergleichstyp_id"] == type_id
            assert row["vergleichstyp_median"] == pytest.approx(median)
            assert (row["rank_in_vergleichstyp"], row["ranked_count_in_vergleichstyp"]) == (ranks.get(ags), len(ranks))


def test_group_gap_is_foreigners_minus_the_reference_group_in_points_and_as_ratio(demo_pipeline):
    year = 2020
    foreign = _values(demo_pipeline, "arbeitslosenquote", "auslaendisch", year)
    total = _values(demo_pipeline, "arbeitslosenquote", "insgesamt", year)
    published_gap = _values(demo_pipeline, "arbeitslosenquote", "luecke_auslaendisch_insgesamt", year)
    gaps = {row[0]: row[1:] for row in demo_pipeline.serving(
        "select ags, reference_group_id, gap_difference, gap_unit, gap_ratio from indicator_group_gaps "
        "where indicator_id = 'arbeitslosenquote' and year = ? and level = 'Kreis'", [year])}
    assert gaps.keys() == foreign.keys()
    for ags in ("05966", "05111", "05513", "05334"):
        reference, difference, unit, ratio = gaps[ags]
        assert (reference, unit) == ("insgesamt", "Prozentpunkte")  # the BA table has no deutsch rate
        assert difference == pytest.approx(foreign[ags] - total[ags])
        assert difference == pytest.approx(published_gap[ags])  # same number as the published gap group
        assert ratio == pytest.approx(foreign[ags] / total[ags])
    # one gap row per indicator, unit and year: the published gap group is not a group of its own here
    assert demo_pipeline.serving(
        "select count(*) from indicator_group_gaps where compared_group_id <> 'auslaendisch'") == [(0,)]
