from pipelines.catalogue import FAMILIES, source_catalogue, sources_readme
from tests.conftest import PROJECT_ROOT


def test_catalogue_covers_every_family_and_the_domain_tables():
    catalogue = source_catalogue()
    assert {spec.family for spec in catalogue.values()} == set(FAMILIES)
    for table in ("12411-01-01-4", "12411-02-03-4", "12411-15i", "12521-03i", "21111-01-03-4", "21111-02-06-4",
                  "13211-02-05-4", "22811-01i"):
        assert catalogue[table].format == "genesis_table" and catalogue[table].verified
    assert {spec.format for spec in catalogue.values()} == {
        "genesis_table", "genesis_flat", "ba_csv", "ba_excel", "kreis_template"}
    assert all(spec.licence and spec.portal and spec.download_de for spec in catalogue.values())


def test_sources_readme_is_generated_from_the_catalogue():
    committed = (PROJECT_ROOT / "sources" / "README.md").read_text(encoding="utf-8")
    assert committed == sources_readme(), "regenerate: python -m pipelines.catalogue readme > sources/README.md"
    for spec in source_catalogue().values():
        assert f"### {spec.id}:" in committed


def test_verified_means_a_real_download_of_the_table_is_in_the_tests():
    """`verified: true` only where tests/test_real_downloads.py reads a real download of the table; the product's
    own templates are verified by definition."""
    from tests.conftest import REAL_FIXTURES
    from tests.test_real_downloads import ALL_FILES

    first_lines = {path.name: path.read_bytes().split(b"\n", 1)[0].decode("latin-1") for path in ALL_FILES}
    for spec in source_catalogue().values():
        if spec.format == "kreis_template":
            continue
        if spec.format == "genesis_table":
            has_real = any(line.split(":", 1)[-1].strip().rstrip(";") == spec.id for line in first_lines.values())
        elif spec.format == "genesis_flat":
            has_real = any(f"ffcsv_{spec.id}" in name for name in first_lines)
        else:  # BA exports carry no table code: the fixture named after the export type
            has_real = spec.format == "ba_csv" and any(name.startswith("ba_interaktiv") for name in first_lines)
        assert spec.verified == has_real, (spec.id, spec.verified, has_real)
    assert REAL_FIXTURES.exists()
