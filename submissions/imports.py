"""Reading an agency list from CSV or XLSX into rows with per-row errors, for a preview before anything is saved."""

import csv
import io

from django.utils.translation import gettext as _

from submissions.enums import AgencyKind
from submissions.models import Agency

COLUMNS = {
    "name": "name",
    "nama": "name",
    "kind": "kind",
    "jenis": "kind",
    "region": "region",
    "wilayah": "region",
    "daerah": "region",
    "contact e-mail": "email",
    "contact email": "email",
    "email": "email",
    "e-mail": "email",
    "surel": "email",
}
MAX_ROWS = 2000


class ImportRefused(Exception):
    pass


def _table(upload) -> list[list[str]]:
    name = (upload.name or "").lower()
    data = upload.read()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise ImportRefused(_("The XLSX file cannot be read. Save it again from your spreadsheet.")) from exc
        return [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def _kind(value: str):
    value = value.strip().lower()
    for choice, label in AgencyKind.choices:
        if value in (choice, str(label).lower()):
            return choice
    return None


def parse(upload, regions) -> list[dict]:
    """Rows as dicts: line, name, kind, region (name), region_id, email, errors (list of messages)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    table = [row for row in _table(upload) if any(row)]
    if not table:
        raise ImportRefused(_("The file is empty."))
    header = [COLUMNS.get(cell.lower().strip()) for cell in table[0]]
    missing = {"name", "kind", "region"} - set(header)
    if missing:
        raise ImportRefused(
            _("The first row must name the columns name, kind, region and contact e-mail; missing: %(cols)s.")
            % {"cols": ", ".join(sorted(missing))}
        )
    if len(table) - 1 > MAX_ROWS:
        raise ImportRefused(_("At most %(n)s agencies can be imported at once.") % {"n": MAX_ROWS})
    region_by_name = {r.name.lower(): r for r in regions}
    existing = set(Agency.objects.values_list("name", "region_id"))
    seen = set()
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        values = {key: (cells[i] if i < len(cells) else "") for i, key in enumerate(header) if key}
        row = {"line": line, "errors": [], **{k: values.get(k, "") for k in ("name", "kind", "region", "email")}}
        if not row["name"]:
            row["errors"].append(_("The name is empty."))
        kind = _kind(row["kind"])
        if kind is None:
            row["errors"].append(
                _("Unknown kind %(value)r; use one of: %(choices)s.")
                % {"value": row["kind"], "choices": ", ".join(AgencyKind.values)}
            )
        row["kind"] = kind or row["kind"]
        region = region_by_name.get(row["region"].lower())
        if region is None:
            row["errors"].append(_("Unknown region %(value)r, or one you may not manage.") % {"value": row["region"]})
        row["region_id"] = region.pk if region else None
        if row["email"]:
            try:
                validate_email(row["email"])
            except ValidationError:
                row["errors"].append(_("The contact e-mail is not a valid address."))
        key = (row["name"], row["region_id"])
        if region and key in existing:
            row["errors"].append(_("This agency already exists in the region."))
        elif region and key in seen:
            row["errors"].append(_("This agency appears twice in the file."))
        seen.add(key)
        rows.append(row)
    return rows
