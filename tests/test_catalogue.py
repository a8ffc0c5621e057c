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
