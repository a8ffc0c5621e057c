"""Selections the analysis pages share, kept in the URL and the session like common.url_choice: the indicator
(ordered along the Bildungskette), its group, several units at once, a switch and a search text."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from dashboard.common import stage_rank, stage_section, url_choice
from dashboard.labels import group_label

# Separates several values in one URL parameter (?gebiete=05966,05); never part of a code.
LIST_SEPARATOR = ","


def _requested(param: str) -> str | None:
    return st.query_params.get(param) or st.session_state.get(f"_url_{param}")


def _remember(param: str, text: str) -> None:
    st.query_params[param] = text
    st.session_state[f"_url_{param}"] = text


def indicator_options(catalogue: pd.DataFrame) -> pd.DataFrame:
    """The catalogue in the order of the Bildungskette with a label 'Abschnitt › Name' for the picker."""
    ordered = catalogue.assign(
        _order=catalogue["stage"].map(stage_rank),
        label=catalogue["stage"].map(stage_section) + " › " + catalogue["name_de"],
    )
    return ordered.sort_values(["_order", "name_de"]).drop(columns="_order").reset_index(drop=True)


def indicator_choice(catalogue: pd.DataFrame, key: str, default: str = "auslaenderanteil") -> dict:
    """The indicator picker (?indikator=...); returns the chosen catalogue row as a dict."""
    options = indicator_options(catalogue)
    labels = dict(zip(options["indicator_id"], options["label"]))
    chosen = url_choice("indikator", options["indicator_id"].tolist(), label="Indikator (nach Stufe der Bildungskette)",
                        key=key, format_func=labels.get, default=default)
    return catalogue.set_index("indicator_id").loc[chosen].to_dict() | {"indicator_id": chosen}


def indicator_groups(indicator: dict) -> list[str]:
    """The groups the catalogue lists for an indicator ('insgesamt|deutsch|auslaendisch'), in that order."""
    return [group.strip() for group in str(indicator["groups"]).split("|") if group.strip()]


def group_choice(indicator: dict, key: str) -> str:
    """The group picker (?gruppe=...), showing only the indicator's own groups."""
    return url_choice("gruppe", indicator_groups(indicator), label="Gruppe", key=key, format_func=group_label,
                      default="insgesamt")


def url_multichoice(
    param: str,
    options: Sequence[str],
    *,
    label: str,
    key: str,
    format_func: Callable = str,
    default: Sequence[str] = (),
    **widget_args,
) -> list[str]:
    """A multiselect whose choice lives in the URL (?param=a,b) and in the session, as url_choice does for one."""
    options = list(options)
    requested = _requested(param)
    if requested is not None:
        chosen = [option for option in str(requested).split(LIST_SEPARATOR) if option in options]
    else:
        chosen = [option for option in default if option in options]
    if key in st.session_state and any(option not in options for option in st.session_state[key]):
        del st.session_state[key]
    value = st.multiselect(label, options, default=chosen, format_func=format_func, key=key, **widget_args)
    _remember(param, LIST_SEPARATOR.join(value))
    return value


def url_toggle(param: str, *, label: str, key: str, default: bool = False, **widget_args) -> bool:
    """A switch kept in the URL (?param=ja / nein) and in the session."""
    requested = _requested(param)
    value = st.toggle(label, value=default if requested is None else requested == "ja", key=key, **widget_args)
    _remember(param, "ja" if value else "nein")
    return value


def url_text(param: str, *, label: str, key: str, **widget_args) -> str:
    """A text field (e.g. a search) kept in the URL and in the session; an empty text leaves no parameter."""
    requested = _requested(param) or ""
    value = st.text_input(label, value=requested, key=key, **widget_args)
    if value:
        _remember(param, value)
    else:
        st.query_params.pop(param, None)
        st.session_state[f"_url_{param}"] = ""
    return value
