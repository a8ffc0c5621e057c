"""Templates for extracts the Kreis holds itself (Schulamt, Jugendamt, KI-Jahresbericht), defined once in
kreis_templates.yml. The reader is pipelines/readers/kreis_templates.py; docs/templates.md is generated."""

from pipelines.templates.spec import ColumnSpec, SheetSpec, TemplateSpec, csv_file_name, template_specs

__all__ = ["ColumnSpec", "SheetSpec", "TemplateSpec", "csv_file_name", "template_specs"]
