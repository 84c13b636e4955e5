"""File imports with a saved column mapping: CLI and upload page, per-row errors, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from nabij.cli import main
from nabij.models import AuditEvent, Channel, Message
from tests.channels.conftest import login

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "nabij" / "connectors" / "fileimport" / "fixtures"
EXPORT = FIXTURES / "webcaretool_export.csv"


def _save_mapping() -> None:
    assert (
        main(
            ["channels", "save-mapping", "webcaretool", str(FIXTURES / "webcaretool_mapping.json")]
        )
        == 0
    )


def test_import_file_reports_rows_and_imports_twice_without_doubles(capsys) -> None:
    _save_mapping()
    assert main(["import-file", str(EXPORT), "--mapping", "webcaretool", "--no-analysis"]) == 1
    out, err = capsys.readouterr()
    assert "2 new" in out
    assert "unreadable date" in err and "row " in err  # errors carry the row number
    channel = Channel.objects.get(slug="webcaretool")
    ids = set(Message.objects.filter(channel=channel).values_list("external_id", flat=True))
    assert ids == {"webcaretool:1001", "webcaretool:1002"}
    reply = Message.objects.get(external_id="webcaretool:1002")
    assert (
        reply.conversation_id == Message.objects.get(external_id="webcaretool:1001").conversation_id
    )
    assert reply.public is False

    main(["import-file", str(EXPORT), "--mapping", "webcaretool", "--no-analysis"])
    out, _ = capsys.readouterr()
    assert "0 new, 2 already there" in out
    assert Message.objects.filter(channel=channel).count() == 2
    assert AuditEvent.objects.filter(verb="import.file").count() == 2


def test_an_unknown_mapping_or_missing_file_is_a_clear_error(capsys, tmp_path) -> None:
    translation.deactivate()  # as in a fresh process; an earlier request may have left "en"
    assert main(["import-file", str(EXPORT), "--mapping", "nope"]) == 2
    assert "geen opgeslagen kolomindeling 'nope'" in capsys.readouterr().err  # default nl
    assert main(["import-file", str(tmp_path / "missing.csv"), "--mapping", "nope"]) == 2


def test_an_invalid_mapping_is_refused(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"tekst": "Bericht"}')
    assert main(["channels", "save-mapping", "kapot", str(bad)]) == 2
    assert "unknown target field" in capsys.readouterr().err


def test_coordinators_upload_an_export_and_see_row_errors() -> None:
    _save_mapping()
    channel = Channel.objects.get(slug="webcaretool")
    client = login("coordinator")
    upload = SimpleUploadedFile("export.csv", EXPORT.read_bytes(), content_type="text/csv")
    response = client.post(f"/kanalen/{channel.pk}/importeren/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 nieuw" in html and "unreadable date" in html
    wrong = SimpleUploadedFile("export.exe", b"MZ", content_type="application/octet-stream")
    refused = client.post(f"/kanalen/{channel.pk}/importeren/", {"file": wrong})
    assert refused.status_code == 400


def test_an_xlsx_export_is_imported_with_row_numbers(tmp_path, capsys) -> None:
    from openpyxl import Workbook

    _save_mapping()
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["Bericht-ID", "Datum", "Afzender", "Naam", "Bericht", "Reactie op", "Kanaal type"]
    )
    sheet.append([2001, "14-09-2026 08:12", "@anna", "Anna", "Container vol", None, "openbaar"])
    sheet.append([2002, "niet een datum", "@bram", "Bram", "Tekst", None, "openbaar"])
    path = tmp_path / "export.xlsx"
    book.save(path)
    assert main(["import-file", str(path), "--mapping", "webcaretool", "--no-analysis"]) == 1
    out, err = capsys.readouterr()
    assert "1 new" in out and "row 3:" in err
    assert Message.objects.filter(external_id="webcaretool:2001").exists()
