"""Reads a Sổ Tay monthly report back, the way another tool would, and prints its numbers.

    python read_report.py csv|xlsx|html FILE

Prints one JSON object whatever the format, so a test can hold one table of expected numbers
and check every format against it:

    {"figures":    {id: {"value": v, "numerator": n, "denominator": d}},
     "breakdowns": {id: {key: value}},
     "groups":     {label: {id: value}},
     "title": "..."}

CSV is read with the csv module as Excel-like tools read it (UTF-8 with BOM), XLSX with
openpyxl, HTML with html.parser. Exits non-zero with a message on anything unreadable.
"""
import csv
import io
import json
import sys
import zipfile
from html.parser import HTMLParser


def number(text):
    if text is None or text == "":
        return None
    if isinstance(text, (int, float)):
        return text
    value = float(text)
    return int(value) if value.is_integer() else value


def empty():
    return {"figures": {}, "breakdowns": {}, "groups": {}, "title": None}


def read_csv(path):
    raw = open(path, "rb").read()
    if not raw.startswith(b"\xef\xbb\xbf"):
        raise ValueError("no UTF-8 byte order mark")
    if b"\r\n" not in raw:
        raise ValueError("lines must end with CRLF (RFC 4180)")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    result = empty()
    width = len(rows[0])
    for row in rows[1:]:
        if len(row) != width:
            raise ValueError(f"row of {len(row)} fields, header has {width}: {row}")
        section, group, key, _name, value, _unit, numerator, denominator, _target = row
        if section == "indicator":
            result["figures"][key] = {"value": number(value), "numerator": number(numerator), "denominator": number(denominator)}
        elif section == "breakdown":
            result["breakdowns"].setdefault(group, {})[key] = number(value)
        elif section == "group":
            result["groups"].setdefault(group, {})[key] = number(value)
        else:
            raise ValueError(f"unknown section {section!r}")
    return result


def read_xlsx(path):
    import openpyxl

    if zipfile.ZipFile(path).testzip() is not None:
        raise ValueError("a damaged entry in the zip")
    book = openpyxl.load_workbook(path, data_only=True)
    if len(book.worksheets) < 2:
        raise ValueError("expected a sheet of indicators and a sheet of details")
    indicators, details = book.worksheets[0], book.worksheets[1]
    result = empty()
    result["title"] = indicators.cell(1, 1).value
    rows = [list(row) for row in indicators.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(rows) if row[0] in ("Mã", "Id"))
    names = {}
    index = header + 1
    while index < len(rows) and rows[index][0] not in (None, ""):
        key, name, value, _unit, numerator, denominator = rows[index][:6]
        names[name] = key
        result["figures"][key] = {"value": number(value), "numerator": number(numerator), "denominator": number(denominator)}
        index += 1
    # The grouping matrix, when present: a header row naming the figures, then one row per group.
    while index < len(rows) and not any(cell not in (None, "") for cell in rows[index]):
        index += 1
    if index < len(rows):
        columns = [names.get(cell) for cell in rows[index]]
        for row in rows[index + 1:]:
            if row[0] in (None, ""):
                break
            result["groups"][row[0]] = {columns[i]: number(row[i]) for i in range(1, len(row)) if columns[i]}
    for row in list(details.iter_rows(values_only=True))[1:]:
        if row[0] in (None, ""):
            continue
        _table, table_id, key, _label, value = row[:5]
        result["breakdowns"].setdefault(table_id, {})[key] = number(value)
    return result


class ReportHTML(HTMLParser):
    def __init__(self):
        super().__init__()
        self.result = empty()
        self.in_title = False
        self.external = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href"):
            if name in attrs:
                self.external.append(attrs[name])
        if tag == "link" or tag == "script":
            self.external.append(tag)
        if tag == "h1":
            self.in_title = True
        if tag != "tr":
            return
        if "data-group" in attrs:
            self.result["groups"].setdefault(attrs["data-group"], {})[attrs["data-indicator"]] = number(attrs.get("data-value"))
        elif "data-indicator" in attrs:
            self.result["figures"][attrs["data-indicator"]] = {
                "value": number(attrs.get("data-value")),
                "numerator": number(attrs.get("data-numerator")),
                "denominator": number(attrs.get("data-denominator")),
            }
        elif "data-breakdown" in attrs:
            self.result["breakdowns"].setdefault(attrs["data-breakdown"], {})[attrs["data-key"]] = number(attrs["data-value"])

    def handle_endtag(self, tag):
        if tag == "h1":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title and data.strip():
            self.result["title"] = ((self.result["title"] or "") + " " + data.strip()).strip()


def read_html(path):
    parser = ReportHTML()
    parser.feed(open(path, encoding="utf-8").read())
    parser.close()
    if parser.external:
        raise ValueError(f"the page loads external resources: {parser.external}")
    return parser.result


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("csv", "xlsx", "html"):
        print(__doc__, file=sys.stderr)
        return 2
    reader = {"csv": read_csv, "xlsx": read_xlsx, "html": read_html}[sys.argv[1]]
    try:
        result = reader(sys.argv[2])
    except Exception as error:  # one line for the test's failure message
        print(f"cannot read {sys.argv[2]}: {error!r}", file=sys.stderr)
        return 1
    json.dump(result, sys.stdout, ensure_ascii=False, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
