"""Public real-world files nobody on this team wrote: each must parse or be refused with a
ParseError, never crash with another exception. The samples live outside the repository."""

from decimal import Decimal
from pathlib import Path

import pytest

from ingest.errors import ParseError
from ingest.parsers import parse_file

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
SAMPLE_FOLDERS = ("camt", "mt940", "asobancaria")

needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"public samples not present at {SAMPLES}"
)


def sample_files() -> list[Path]:
    if not SAMPLES.is_dir():
        return []
    return sorted(
        path for folder in SAMPLE_FOLDERS for path in (SAMPLES / folder).glob("*") if path.is_file()
    )


def read_sample(folder: str, name: str) -> tuple[bytes, str]:
    return (SAMPLES / folder / name).read_bytes(), name


@needs_samples
@pytest.mark.parametrize("sample", sample_files(), ids=lambda path: path.name)
def test_a_public_sample_parses_or_is_refused_with_a_parse_error(sample):
    try:
        parsed = parse_file(sample.read_bytes(), sample.name)
    except ParseError as error:
        assert error.file_name == sample.name
        assert str(error).startswith(f"{sample.name}: record ")
        return

    assert parsed.owner_keys
    for kind, rows in parsed.rows.items():
        assert all(row["record_number"] >= 1 for row in rows), kind


@needs_samples
def test_the_zero_byte_collection_sample_is_reported_not_read_as_no_payments():
    with pytest.raises(ParseError) as raised:
        parse_file(*read_sample("asobancaria", "micros__asobancaria__VACIO.TXT"))

    assert raised.value.found == "empty file (0 bytes)"


@needs_samples
def test_the_collection_sample_without_padding_or_final_newline_reconciles_to_its_controls():
    parsed = parse_file(*read_sample("asobancaria", "micros__asobancaria__11JULIO.TXT"))

    lines = parsed.rows["collection_lines"]
    assert len(lines) == 17
    # The file's 08 and 09 records state 17 collections for 300,000.00.
    assert sum(line["amount"] for line in lines) == Decimal("300000.00")


@needs_samples
def test_the_camt_sample_with_extra_decimals_loads_and_warns_that_it_does_not_tie():
    parsed = parse_file(*read_sample("camt", "genkgo__camt__camt053.v2.five.decimals.xml"))

    assert parsed.rows["bank_statements"][0]["balances_tie"] is False
    assert any("does not tie" in warning for warning in parsed.warnings)


@needs_samples
@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("WoLpH__mt940__self-provided_february_30.sta", ":61: value date"),
        ("WoLpH__mt940__mBank_mt942.sta", ":60F:"),
        ("WoLpH__mt940__self-provided_raiffeisen-cmi.sta", "encoding"),
    ],
)
def test_mt940_samples_the_library_would_bend_are_refused(name, field):
    with pytest.raises(ParseError) as raised:
        parse_file(*read_sample("mt940", name))

    assert raised.value.field == field
