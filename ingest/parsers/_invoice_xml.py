"""Reading the XML invoice formats (UBL, DIAN UBL, Factur-X CII) with errors that name the
file, the document and the element path as the standard writes it."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lxml import etree

from ingest.errors import ParseError
from ingest.parsers._values import Record, clean

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def read_xml(content: bytes | str, file_name: str, place: str = "") -> etree._Element:
    """Parses without resolving entities or reaching the network.

    A document embedded as text (a DIAN AttachedDocument carries its invoice in a CDATA) is
    passed as str; its own XML declaration is dropped, since the text is already decoded.
    """
    if isinstance(content, str):
        content = _XML_DECLARATION.sub("", content, count=1)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        raise ParseError(
            file_name, f"{place}line {error.lineno}", "XML", "well-formed XML", error.msg
        ) from error
    if root is None:
        raise ParseError(file_name, f"{place}line 1", "XML", "an XML document", "nothing")
    return root


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname


def namespace(element: etree._Element) -> str:
    return etree.QName(element).namespace or ""


@dataclass(frozen=True)
class XmlRecord:
    """Reads one document's values by prefixed paths such as `cbc:ID`; errors name the path."""

    namespaces: dict[str, str]
    record: Record

    def find(self, element: etree._Element, path: str) -> etree._Element | None:
        return element.find(path, self.namespaces)

    def findall(self, element: etree._Element, path: str) -> list[etree._Element]:
        return element.findall(path, self.namespaces)

    def text(self, element: etree._Element, *paths: str) -> str | None:
        """The text of the first of `paths` that holds any."""
        for path in paths:
            for found in self.findall(element, path):
                if clean(found.text) is not None:
                    return clean(found.text)
        return None

    def required(self, element: etree._Element, path: str) -> str:
        return self.record.required(path, self.text(element, path))

    def iso_date(self, element: etree._Element, *paths: str) -> date | None:
        """The first of `paths` that holds a date, as YYYY-MM-DD; None when none does."""
        for path in paths:
            text = self.text(element, path)
            if text is not None:
                return self.record.iso_date(path, text)
        return None

    def amount(
        self, element: etree._Element, path: str, currency: str, *, required: bool = True
    ) -> Decimal | None:
        """A signed amount that must be in `currency` when it states one."""
        found = self.find(element, path)
        if found is None or clean(found.text) is None:
            if required:
                raise self.record.error(path, "an amount", "nothing")
            return None
        stated = found.get("currencyID")
        if stated is not None and stated != currency:
            raise self.record.error(
                f"{path}/@currencyID", f"the document currency {currency}", stated
            )
        return self.record.amount(path, found.text, signed=True)

    def amounts_in(self, element: etree._Element, path: str, currency: str) -> list[Decimal]:
        """Every amount at `path` stated in `currency` (or stating none): a document may
        repeat a total in its tax currency, which is not the one the customer owes."""
        return [
            self.record.amount(path, found.text, signed=True)
            for found in self.findall(element, path)
            if found.get("currencyID") in (None, currency) and clean(found.text) is not None
        ]
