"""Deployment configuration: paths from the environment and the company registry."""

import codecs
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from ingest.dates import RULES

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    return Path(os.environ.get("RECAUDO_DATA_DIR", PROJECT_ROOT / "data"))


def warehouse_path() -> Path:
    """The one DuckDB file, read by the dbt profile and the Dagster resources alike."""
    return Path(os.environ.get("RECAUDO_WAREHOUSE", data_dir() / "warehouse.duckdb"))


def companies_file() -> Path:
    return Path(os.environ.get("RECAUDO_COMPANIES", PROJECT_ROOT / "config" / "companies.yml"))


@dataclass(frozen=True)
class Paths:
    """Folders under the data directory, each with one role in the flow of files."""

    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def raw_files(self) -> Path:
        return self.root / "raw" / "files"

    @property
    def raw_parquet(self) -> Path:
        return self.root / "raw" / "parquet"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def dashboards(self) -> Path:
        return self.root / "dashboards"

    @property
    def answer_key(self) -> Path:
        return self.root / "answer_key"

    def kind_dir(self, kind: str) -> Path:
        return self.raw_parquet / kind


def default_paths() -> Paths:
    return Paths(data_dir())


@dataclass
class CompanyRegistry:
    """Looks up which company an account, collection service or merchant account belongs to."""

    companies: list[dict] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path | None = None) -> "CompanyRegistry":
        with open(path or companies_file(), encoding="utf-8") as handle:
            return cls(yaml.safe_load(handle)["companies"])

    @cached_property
    def by_bank_account(self) -> dict[str, str]:
        return {
            account["account"]: company["company_id"]
            for company in self.companies
            for account in company.get("bank_accounts", [])
        }

    @cached_property
    def currency_by_bank_account(self) -> dict[str, str]:
        """Keyed without leading zeros: banks pad account numbers as they please."""
        return {
            account["account"].lstrip("0"): account["currency"]
            for company in self.companies
            for account in company.get("bank_accounts", [])
            if account.get("currency")
        }

    @cached_property
    def encoding_by_bank_account(self) -> dict[str, str]:
        """The text encoding an account's statements are written in, where the registry
        declares one; keyed without leading zeros. A file of such an account is decoded in it
        instead of guessed, so a DOS code page is never read as another one."""
        encodings = {}
        for company in self.companies:
            for account in company.get("bank_accounts", []):
                encoding = account.get("encoding")
                if encoding is None:
                    continue
                try:
                    codecs.lookup(encoding)
                except LookupError as error:
                    raise ValueError(
                        f"company registry: bank account {account['account']}, key encoding: "
                        f"expected a Python codec name such as cp850 or utf-8, found {encoding!r}"
                    ) from error
                encodings[account["account"].lstrip("0")] = encoding
        return encodings

    @cached_property
    def invalid_date_rules_by_account(self) -> dict[str, tuple[str, ...]]:
        """The `invalid_dates` rules of each bank and collection account, keyed without
        leading zeros; a rule name not in `ingest.dates.RULES` is refused here."""
        rules_by_account = {}
        for company in self.companies:
            accounts = [
                *company.get("bank_accounts", []),
                *company.get("collection_accounts", []),
            ]
            for account in accounts:
                declared = account.get("invalid_dates") or ()
                rules = (declared,) if isinstance(declared, str) else tuple(declared)
                unknown = [rule for rule in rules if rule not in RULES]
                if unknown:
                    raise ValueError(
                        f"config/companies.yml: account {account['account']} of "
                        f"{company['company_id']}, field invalid_dates: expected rules among "
                        f"{', '.join(RULES)}, found {', '.join(map(str, unknown))}"
                    )
                rules_by_account[account["account"].lstrip("0")] = rules
        return rules_by_account

    def invalid_date_rules(self, account: str) -> tuple[str, ...]:
        return self.invalid_date_rules_by_account.get(str(account).lstrip("0"), ())

    @cached_property
    def by_collection_account(self) -> dict[str, str]:
        return {
            account["account"]: company["company_id"]
            for company in self.companies
            for account in company.get("collection_accounts", [])
        }

    @cached_property
    def by_tax_id_base(self) -> dict[str, str]:
        return {
            company["tax_id"].split("-")[0]: company["company_id"] for company in self.companies
        }

    @cached_property
    def by_merchant_account(self) -> dict[tuple[str, str], str]:
        return {
            (merchant["gateway"], merchant["merchant_account"]): company["company_id"]
            for company in self.companies
            for merchant in company.get("gateway_merchants", [])
        }

    @property
    def company_ids(self) -> list[str]:
        return [company["company_id"] for company in self.companies]
