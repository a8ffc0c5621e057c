"""Confidentiality of the Kreis-held extracts (issue 4): an attacker who knows everything the product publishes tries
to recover every suppressed count, and must fail.

The attacker here is stronger than a real one:
- it knows every count that is not suppressed, even those no published row shows (a published row shows numerator
  and denominator, so it shows cells; the first test checks that the published cells are exactly such counts);
- it knows how the units nest from the public district table (Land > RB > Kreis > Gemeinde, the KIs of the
  StädteRegion Aachen) and that insgesamt = deutsch + ausländisch, independently of the product's relation table;
- it knows that counts are whole and not negative, and that a part is not larger than its whole (e.g. transitions
  to the Gymnasium <= all transitions).
For every suppressed cell it solves two linear programs (smallest and largest value consistent with all of that).
A cell counts as recovered when only one whole number remains possible.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest
from scipy.optimize import linprog

GROUP_PARTS = ("deutsch", "auslaendisch")
# part <= whole between measures of the same unit, year and group
NOT_LARGER_THAN = [
    ("uebergaenge_gymnasium", "uebergaenge_alle"),
    ("abgaenge_ohne_hsa", "abgaenge_alle"),
    ("abgaenge_hochschulreife", "abgaenge_alle"),
    ("schueler_zuwanderungsgeschichte", "schueler_insgesamt"),
    ("schueler_erstfoerderung", "schueler_insgesamt"),
    ("schueler_erstfoerderung", "schueler_mit_angabe_erstfoerderung"),
    ("schueler_mit_angabe_erstfoerderung", "schueler_insgesamt"),
    ("schueler_zwg_mit_angabe_hsu", "schueler_zuwanderungsgeschichte"),
    ("einrichtungen_segregiert", "einrichtungen"),
]
KREIS_EXTRACT_INDICATORS = {
    # indicator -> (numerator measure, denominator measure)
    "schueler_zuwanderungsgeschichte": ("schueler_zuwanderungsgeschichte", "schueler_insgesamt"),
    "seiteneinsteiger": ("schueler_erstfoerderung", "schueler_mit_angabe_erstfoerderung"),
    "hsu_teilnahme": ("hsu_teilnehmende_primar_sek_i", "schueler_zwg_mit_angabe_hsu"),
    "uebergang_gymnasium": ("uebergaenge_gymnasium", "uebergaenge_alle"),
    "ohne_hsa_nach_staatsangehoerigkeit": ("abgaenge_ohne_hsa", "abgaenge_alle"),
    "hochschulreife_nach_staatsangehoerigkeit": ("abgaenge_hochschulreife", "abgaenge_alle"),
    "kita_segregation": ("einrichtungen_segregiert", "einrichtungen"),
}


@pytest.fixture(scope="module")
def cells(demo_pipeline) -> dict[tuple, tuple[int, bool, str | None]]:
    """(measure, group, ags, year) -> (true value, suppressed, kind), from the warehouse (the defender's view)."""
    rows = demo_pipeline.warehouse(
        "select measure_id, group_id, ags, year, value, is_suppressed, suppression_kind "
        "from intermediate.int_confidential_cells_suppressed"
    )
    return {(m, g, a, y): (int(v), s, k) for m, g, a, y, v, s, k in rows}


@pytest.fixture(scope="module")
def district_tree(demo_pipeline) -> dict[str, list[str]]:
    """Public knowledge: parent unit -> the units it is the exact sum of, from the served district table."""
    districts = demo_pipeline.serving("select ags, level, parent_ags, kreis_ags, kreisfrei, area_ags from districts")
    children: dict[str, list[str]] = defaultdict(list)
    special_areas = {ags: kreis for ags, level, _, kreis, _, area in districts if level == "KI" and area == ags}
    own_centre_towns = {area for _, level, _, _, _, area in districts if level == "KI" and area and len(area) == 8}
    for ags, level, parent, kreis, kreisfrei, _ in districts:
        if level == "Regierungsbezirk":
            children["05"].append(ags)
        elif level == "Kreis":
            children[parent].append(ags)
        elif level == "Gemeinde" and not kreisfrei:
            area = next((a for a, k in special_areas.items() if k == kreis), None)
            children[area if area and ags not in own_centre_towns else kreis].append(ags)
    for area, kreis in special_areas.items():
        children[kreis].append(area)
    return dict(children)


def _constraints(cells, district_tree):
    """Equalities (coefficients, constant) and inequalities (a <= b) over cell keys, per year."""
    equalities = []
    for (measure, group, ags, year) in cells:
        if ags in district_tree:
            parts = [(measure, group, child, year) for child in district_tree[ags]]
            parts = [part for part in parts if part in cells]
            if parts:
                equalities.append({(measure, group, ags, year): 1, **{part: -1 for part in parts}})
        if group == "insgesamt" and all((measure, g, ags, year) in cells for g in GROUP_PARTS):
            equalities.append({(measure, group, ags, year): 1, **{(measure, g, ags, year): -1 for g in GROUP_PARTS}})
    inequalities = [
        ((part, group, ags, year), (whole, group, ags, year))
        for (measure, group, ags, year) in cells
        for part, whole in NOT_LARGER_THAN
        if measure == part and (whole, group, ags, year) in cells
    ]
    return equalities, inequalities


def _components(hidden: set, equalities, inequalities):
    """Groups of hidden cells linked by a constraint, each with the constraints that touch it."""
    parent = {cell: cell for cell in hidden}

    def find(cell):
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    touched = []
    for constraint in [("eq", eq) for eq in equalities] + [("le", {a: 1, b: -1}) for a, b in inequalities]:
        unknown = [cell for cell in constraint[1] if cell in hidden]
        if unknown:
            touched.append((constraint, unknown))
            for cell in unknown[1:]:
                parent[find(cell)] = find(unknown[0])
    members: dict = defaultdict(list)
    for cell in hidden:
        members[find(cell)].append(cell)
    constraints: dict = defaultdict(list)
    for constraint, unknown in touched:
        constraints[find(unknown[0])].append(constraint)
    return [(members[root], constraints[root]) for root in members]


def _linear_program(variables, constraints, known):
    """The constraints on one component as matrices of a linear program over its hidden cells."""
    index = {cell: i for i, cell in enumerate(variables)}
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for kind, coefficients in constraints:
        row = np.zeros(len(variables))
        constant = 0.0
        for cell, coefficient in coefficients.items():
            if cell in index:
                row[index[cell]] += coefficient
            else:
                constant -= coefficient * known[cell]
        (a_eq if kind == "eq" else a_ub).append(row)
        (b_eq if kind == "eq" else b_ub).append(constant)
    matrices = {
        "A_ub": np.array(a_ub) if a_ub else None, "b_ub": b_ub or None,
        "A_eq": np.array(a_eq) if a_eq else None, "b_eq": b_eq or None,
    }
    return index, matrices


def _solve(objective, matrices):
    result = linprog(objective, **matrices, bounds=(0, None), method="highs")
    if result.status == 3:  # unbounded in this direction
        return None
    assert result.status == 0, result.message
    return result.x


def _pinned_cells(variables, constraints, known, rng):
    """Hidden cells of one component for which only one whole number is possible.

    A cell is free once two feasible solutions differ in it by at least 1. Cheap first: solutions for a few random
    objectives. For the other cells the smallest and largest possible value (two linear programs each); every
    solution found on the way also counts for the cells after it, so most of them need no program of their own."""
    index, matrices = _linear_program(variables, constraints, known)
    lows, highs = np.full(len(variables), np.inf), np.full(len(variables), -np.inf)

    def seen(solution):
        if solution is not None:
            np.minimum(lows, solution, out=lows)
            np.maximum(highs, solution, out=highs)
        return solution

    for _ in range(3):
        direction = rng.standard_normal(len(variables))
        for objective in (direction, -direction):
            seen(_solve(objective, matrices))
    pinned = []
    for cell, i in index.items():
        if highs[i] - lows[i] >= 1:
            continue
        objective = np.zeros(len(variables))
        objective[i] = 1
        lowest = seen(_solve(objective, matrices))
        if highs[i] - lows[i] >= 1:
            continue
        highest = seen(_solve(-objective, matrices))
        if lowest is not None and highest is not None and math.ceil(lowest[i] - 1e-6) == math.floor(highest[i] + 1e-6):
            pinned.append((cell, lowest[i]))
    return pinned


def test_published_kreis_extract_figures_are_unsuppressed_counts(demo_pipeline, cells):
    rows = demo_pipeline.serving(
        "select indicator_id, group_id, ags, year, numerator, denominator, value, is_suppressed, flag "
        "from indicator_values where indicator_id in ({})".format(", ".join("?" * len(KREIS_EXTRACT_INDICATORS))),
        list(KREIS_EXTRACT_INDICATORS),
    )
    ki_areas = dict(demo_pipeline.serving("select ags, area_ags from districts where level = 'KI'"))
    assert rows
    published = suppressed = 0
    for indicator_id, group, ags, year, numerator, denominator, value, is_suppressed, flag in rows:
        unit = ki_areas.get(ags, ags)
        numerator_measure, denominator_measure = KREIS_EXTRACT_INDICATORS[indicator_id]
        numerator_cell = cells[(numerator_measure, group, unit, year)]
        denominator_cell = cells[(denominator_measure, group, unit, year)]
        if is_suppressed:
            suppressed += 1
            assert (numerator, denominator, value, flag) == (None, None, None, ".")
            assert numerator_cell[1] or denominator_cell[1]
        else:
            published += 1
            assert not numerator_cell[1] and not denominator_cell[1]
            assert (numerator, denominator) == (numerator_cell[0], denominator_cell[0])
            assert numerator >= 5 and denominator >= 5
    assert published > 1000 and suppressed > 1000
    # Which rule hid a row is not served: knowing a cell is below 5 would narrow it down
    columns = {row[0] for row in demo_pipeline.serving("select column_name from information_schema.columns")}
    assert "suppression_kind" not in columns


def test_no_suppressed_count_can_be_recovered_from_what_is_published(cells, district_tree):
    equalities, inequalities = _constraints(cells, district_tree)
    values = {cell: value for cell, (value, _, _) in cells.items()}
    # the attacker's model is right: the true counts satisfy every constraint it uses
    assert all(sum(c * values[cell] for cell, c in eq.items()) == 0 for eq in equalities)
    assert all(values[part] <= values[whole] for part, whole in inequalities)
    hidden = {cell for cell, (_, is_suppressed, _) in cells.items() if is_suppressed}
    known = {cell: value for cell, value in values.items() if cell not in hidden}
    assert any(kind == "primary" for _, _, kind in cells.values())
    assert any(kind == "secondary" for _, _, kind in cells.values())

    rng = np.random.default_rng(0)
    recovered = [
        (cell, values[cell], found)
        for variables, constraints in _components(hidden, equalities, inequalities)
        for cell, found in _pinned_cells(variables, constraints, known, rng)
    ]
    assert not recovered, f"{len(recovered)} suppressed counts can be recovered, e.g. {recovered[:10]}"


def test_without_secondary_suppression_the_attacker_would_succeed(cells, district_tree):
    """The attack is strong enough to matter: with only the small cells hidden it recovers most of them."""
    equalities, inequalities = _constraints(cells, district_tree)
    values = {cell: value for cell, (value, _, _) in cells.items()}
    primary = sorted(cell for cell, (_, _, kind) in cells.items() if kind == "primary")
    attacked = set(primary[:: max(1, len(primary) // 400)])
    known = {cell: value for cell, value in values.items() if cell not in attacked}
    rng = np.random.default_rng(0)
    recovered = [
        cell
        for variables, constraints in _components(attacked, equalities, inequalities)
        for cell, _ in _pinned_cells(variables, constraints, known, rng)
    ]
    assert len(recovered) > len(attacked) / 2
