"""An encoding declared per bank account in config/companies.yml, or in a bank layout, is used
instead of guessing for the text bank formats; bytes it cannot read quarantine the file."""

import os
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ingest.bank_layouts import load_layouts
from ingest.config import CompanyRegistry, Paths
from ingest.errors import ParseError
from ingest.landing import land_inbox
from ingest.parsers import bai2, bank_mapped, mt940, mt942

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
ARRIVED_AT = datetime(2026, 5, 15, 18, 0, tzinfo=UTC)
CP850_STATEMENT = "mt940_cp850_davivienda_20260514.sta"
DAVIVIENDA_ACCOUNT = "0550012345678"


def registry(encoding: str | None) -> CompanyRegistry:
    account = {"account": DAVIVIENDA_ACCOUNT, "currency": "COP"}
    if encoding is not None:
        account["encoding"] = encoding
    return CompanyRegistry(
        [{"company_id": "andina", "tax_id": "900417352-3", "bank_accounts": [account]}]
    )


def test_a_cp850_statement_that_also_reads_as_cp1252_letters_is_guessed_wrong_without_a_declaration(
    valid_file,
):
    content, name = valid_file(CP850_STATEMENT)

    parsed = mt940.parse(content, name)

    # Every byte reads as a letter in cp1252 too, so guessing cannot tell the two apart.
    assert parsed.rows["bank_lines"][0]["counterparty_name"] == "MARÖA GàMEZ µLVAREZ"


def test_the_account_s_declared_cp850_overrides_the_guess_and_keeps_the_payer_s_name(
    valid_file,
):
    content, name = valid_file(CP850_STATEMENT)
    declared = registry("cp850").encoding_by_bank_account

    parsed = mt940.parse(content, name, declared)

    assert parsed.rows["bank_lines"][0]["counterparty_name"] == "MARÍA GÓMEZ ÁLVAREZ"
    assert declared == {"550012345678": "cp850"}


def test_an_mt942_report_is_read_in_its_account_s_declared_encoding(valid_file):
    content, name = valid_file("mt942_davivienda_20260515.fin")
    in_cp850 = content.replace(b":86:", ":86:ÍÑIGO ".encode("cp850"), 1)

    guessed = mt942.parse(in_cp850, name)
    declared = mt942.parse(in_cp850, name, registry("cp850").encoding_by_bank_account)

    assert "ÖÑIGO" not in guessed.rows["bank_lines"][0]["remittance_text"]
    assert declared.rows["bank_lines"][0]["remittance_text"].startswith("ÍÑIGO ")


def test_a_bai2_file_is_read_in_its_account_s_declared_encoding(valid_file):
    content, name = valid_file("bai2_bancousa_20260514.bai2")
    in_cp850 = content.replace(b"INVERSIONES EL PORVENIR", "GÓMEZ Y MARÍA".encode("cp850"))
    declared = CompanyRegistry(
        [
            {
                "company_id": "andina",
                "tax_id": "900417352-3",
                "bank_accounts": [{"account": "4455667788", "encoding": "cp850"}],
            }
        ]
    ).encoding_by_bank_account

    guessed_line = bai2.parse(in_cp850, name).rows["bank_lines"][0]
    declared_line = bai2.parse(in_cp850, name, declared).rows["bank_lines"][0]

    assert "GàMEZ Y MARÖA" in guessed_line["remittance_text"]
    assert "GÓMEZ Y MARÍA" in declared_line["remittance_text"]


def test_a_mapped_export_without_a_layout_encoding_uses_its_fixed_account_s_declaration(
    tmp_path,
):
    layouts_file = tmp_path / "bank_layouts.yml"
    layouts_file.write_text(
        f"""
layouts:
  - layout_id: cajero_csv
    date_format: "%d/%m/%Y"
    decimal_separator: ","
    sign_convention: signed_amount
    bank_account: "{DAVIVIENDA_ACCOUNT}"
    currency: COP
    columns:
      booking_date: Fecha
      remittance_text: Detalle
      amount: Valor
""",
        encoding="utf-8",
    )
    content = 'Fecha,Detalle,Valor\n14/05/2026,ABONO MARÍA GÓMEZ,"100,00"\n'.encode("cp850")
    layouts = load_layouts(layouts_file)

    guessed = bank_mapped.parse(content, "cajero.csv", None, layouts)
    declared = bank_mapped.parse(
        content, "cajero.csv", registry("cp850").encoding_by_bank_account, layouts
    )

    assert guessed.rows["bank_lines"][0]["remittance_text"] == "ABONO MARÖA GàMEZ"
    assert declared.rows["bank_lines"][0]["remittance_text"] == "ABONO MARÍA GÓMEZ"


def test_an_export_naming_its_account_in_a_column_is_read_in_that_account_s_encoding(
    valid_file,
):
    content, _ = valid_file("bank_bogota_0550012345678_20260515.csv")
    in_cp850 = content.decode("utf-8").encode("cp850")

    parsed = bank_mapped.parse(in_cp850, "bogota.csv", registry("cp850").encoding_by_bank_account)

    assert parsed.rows["bank_lines"][1]["remittance_text"] == "COMISIÓN TRANSFERENCIA"


def test_an_export_whose_header_reads_otherwise_in_the_guessed_encoding_asks_for_a_declaration(
    valid_file,
):
    content, _ = valid_file("bank_bogota_0550012345678_20260515.csv")
    in_cp850 = content.decode("utf-8").encode("cp850")

    with pytest.raises(ParseError) as raised:
        bank_mapped.parse(in_cp850, "bogota.csv")

    assert (raised.value.record, raised.value.field) == ("line 1", "header")
    assert raised.value.expected == (
        "the column Código transacción of layout bogota_movimientos_csv once the file is read "
        "as cp1252: declare the export's encoding in the layout or for its account in "
        "config/companies.yml"
    )


def test_a_layout_s_declared_encoding_refuses_bytes_it_cannot_read(valid_file):
    content, _ = valid_file("bank_bancolombia_10029384756_20260515.csv")
    # cp1252 leaves byte 0x81 undefined, so a layout declaring cp1252 cannot read this file.
    in_cp1252_undefined_byte = content.replace(b"CUOTA", b"CUOTA \x81", 1)
    cp1252_layouts = [
        replace(layout, encoding="cp1252")
        for layout in load_layouts()
        if layout.layout_id == "bancolombia_movimientos_csv"
    ]

    with pytest.raises(ParseError) as raised:
        bank_mapped.parse(in_cp1252_undefined_byte, "movimientos.csv", None, cp1252_layouts)

    assert (raised.value.record, raised.value.expected, raised.value.found) == (
        "line 5",
        "text in cp1252, as layout bancolombia_movimientos_csv of config/bank_layouts.yml declares",
        "byte 81",
    )


def test_a_registry_naming_an_unknown_codec_stops_with_the_account_named():
    with pytest.raises(ValueError, match="bank account 0550012345678, key encoding: expected"):
        dict(registry("cp-latino").encoding_by_bank_account)


def drop(inbox: Path, folder: str, name: str) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / folder / name, inbox / name)
    os.utime(inbox / name, (ARRIVED_AT.timestamp(), ARRIVED_AT.timestamp()))


def test_landing_reads_a_statement_in_the_encoding_its_account_declares(tmp_path):
    paths = Paths(tmp_path / "data")
    drop(paths.inbox, "valid", CP850_STATEMENT)

    (outcome,) = land_inbox(paths, registry("cp850"), now=ARRIVED_AT).outcomes

    table = pq.read_table(paths.kind_dir("bank_lines") / f"{outcome.file_id}.parquet")
    assert outcome.outcome == "loaded"
    assert table.column("counterparty_name").to_pylist() == ["MARÍA GÓMEZ ÁLVAREZ"]


def test_a_statement_that_does_not_decode_in_its_declared_encoding_is_quarantined_saying_so(
    tmp_path,
):
    paths = Paths(tmp_path / "data")
    name = "mt940_cp850_declared_as_cp1252.sta"
    drop(paths.inbox, "invalid", name)

    (outcome,) = land_inbox(paths, registry("cp1252"), now=ARRIVED_AT).outcomes

    assert outcome.outcome == "quarantined"
    assert outcome.error_message == (
        f"{name}: record line 6, field encoding: expected text in cp1252, as "
        "config/companies.yml declares for bank account 0550012345678, found 'byte 90'"
    )
    # Guessing loads it: the declaration is what refuses it.
    guessed = Paths(tmp_path / "guessed")
    drop(guessed.inbox, "invalid", name)
    assert land_inbox(guessed, registry(None), now=ARRIVED_AT).files_loaded == 1
