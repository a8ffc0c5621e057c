"""Quality standards of the Kommunale Integrationszentren: the versioned catalogue the Landesweite
Koordinierungsstelle edits (standards.yml, or its own copy named by IM_STANDARDS_FILE), its validating loader, and
the step that hands it to dbt. dbt computes the metrics per KI and report year and evaluates every year under the
version valid in that year (dbt_project/models/marts/standards/)."""

from pipelines.standards.catalogue import (
    RULE_TYPES,
    Rule,
    Stage,
    Standard,
    StandardsCatalogue,
    StandardsCatalogueError,
    StandardVersion,
    load_standards_catalogue,
    metric_catalogue,
    rule_text_de,
)

__all__ = [
    "RULE_TYPES",
    "Rule",
    "Stage",
    "Standard",
    "StandardVersion",
    "StandardsCatalogue",
    "StandardsCatalogueError",
    "load_standards_catalogue",
    "metric_catalogue",
    "rule_text_de",
]
