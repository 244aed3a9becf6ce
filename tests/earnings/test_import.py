"""Statement imports: recognised formats, the mapping step, idempotence, bad files, the batch record."""
import io
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from dip.extensions import db
from dip.modules.earnings.models import EarningEntry, ImportBatch, MonthlyIncome
from tests.conftest import form
from tests.earnings.conftest import UPWORK_HEADER
from tests.helpers import assert_light_page


def _upload(client, data: bytes, name="statement.csv", **extra):
    # Encoded here, in memory: the test client would spool a big body to a file it never closes.
    values = {k: str(v) for k, v in form(**extra).items()}
    values["file"] = FileStorage(io.BytesIO(data), name)
    boundary, body = encode_multipart(values)
    return client.post("/earnings/import", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def _entries(learner_id) -> int:
    return db.session.scalar(select(func.count()).select_from(EarningEntry).where(
        EarningEntry.learner_id == learner_id))


def test_upwork_statement_is_imported_at_once_without_redis(client, auth, world, upwork):
    auth.login(world["learner"].username)
    page = client.get("/earnings/import")
    assert_light_page(client, page)
    response = _upload(client, upwork(3))
    assert response.status_code == 302 and "/earnings/import/" in response.location
    page = client.get(response.location)
    assert_light_page(client, page)
    html = page.get_data(as_text=True)
    assert "done" in html and 'http-equiv="refresh"' not in html
    batch = db.session.scalar(select(ImportBatch))
    assert (batch.rows_read, batch.added, batch.duplicates, batch.rejected) == (3, 3, 0, 0)
    assert batch.format == "upwork" and batch.attempts == 1
    total = db.session.get(MonthlyIncome, (world["learner"].id, date(2026, 3, 1))).total_usd
    assert total == Decimal("11.01") + Decimal("12.02") + Decimal("13.03")


def test_the_same_file_twice_adds_nothing(client, auth, world, upwork):
    auth.login(world["learner"].username)
    _upload(client, upwork(5))
    again = _upload(client, upwork(5))
    html = client.get(again.location).get_data(as_text=True)
    assert "Already there" in html
    second = db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).first()
    assert (second.added, second.duplicates) == (0, 5)
    assert _entries(world["learner"].id) == 5
    # A longer statement overlapping the first adds only the new rows.
    _upload(client, upwork(8))
    assert _entries(world["learner"].id) == 8


def test_bad_rows_are_listed_by_line_and_good_rows_kept(client, auth, world, upwork):
    future = (date.today() + timedelta(days=40)).strftime("%b %-d, %Y")
    bad = (upwork(2) + f'"{future}",1,Hourly,x,,,,,,Me,Acme,Me,,9,5.00,,USD,5.00,\n'.encode()
           + b'"Mar 4, 2026",2,Withdrawal,x,,,,,,Me,,Me,,8,-50.00,,USD,0,\n'
           + b'"Mar 5, 2026",3,Hourly,x,,,,,,Me,,Me,,7,=SUM(A1:A3),,USD,0,\n')
    auth.login(world["learner"].username)
    response = _upload(client, bad)
    html = client.get(response.location).get_data(as_text=True)
    batch = db.session.scalar(select(ImportBatch))
    assert (batch.rows_read, batch.added, batch.skipped, batch.rejected) == (5, 2, 1, 2)
    assert [e["line"] for e in batch.errors] == [4, 6]
    assert "Rejected rows" in html and "<td class=\"num\">4</td>" in html
    assert _entries(world["learner"].id) == 2


def test_unknown_format_goes_through_mapping_remembered_by_header(client, auth, world):
    statement = ("Date;Montant;Devise;Libellé;Client\n05/03/2026;1.234,56;KES;Traduction;Mama\n"
                 "06/03/2026;100,00;KES;Saisie;Baba\n").encode("cp1252")
    auth.login(world["learner"].username)
    response = _upload(client, statement, "ledger.csv")
    assert "/mapping" in response.location
    page = client.get(response.location)
    assert_light_page(client, page)
    assert "Montant" in page.get_data(as_text=True)
    mapping = {"date": "0", "amount": "1", "currency": "2", "description": "3", "client": "4"}
    asked = client.post(response.location, data=form(mapping, action="preview"))
    html = asked.get_data(as_text=True)
    # 05/03 and 06/03 read two ways and nothing in the file says which: asked, not guessed.
    assert asked.status_code == 422 and "How are the dates written?" in html
    assert "Mar 5, 2026" in html and "May 3, 2026" in html
    mapping["date_order"] = "dmy"
    preview = client.post(response.location, data=form(mapping, action="preview"))
    html = preview.get_data(as_text=True)
    assert 'name="date_order" value="dmy" checked' in html  # the answer stays on the page
    assert "KES\u00a01,234.56" in html and "Mama" in html
    assert _entries(world["learner"].id) == 0  # a preview stores nothing
    done = client.post(response.location, data=form(mapping, action="import"))
    assert done.status_code == 302
    batch = db.session.scalar(select(ImportBatch))
    assert batch.status == "done" and batch.added == 2 and batch.format == "mapped"
    amounts = sorted(db.session.scalars(select(EarningEntry.amount)))
    assert amounts == [Decimal("100.00"), Decimal("1234.56")]
    # Next time, a file with the same header is imported straight away.
    again = _upload(client, statement.replace(b"Traduction", b"Relecture"), "ledger2.csv")
    assert "/mapping" not in again.location
    assert _entries(world["learner"].id) == 3


def test_mapping_needs_date_and_amount(client, auth, world):
    auth.login(world["learner"].username)
    response = _upload(client, b"When,How much\n2026-03-01,5\n", "x.csv")
    page = client.post(response.location, data=form(amount="1", action="preview"))
    assert page.status_code == 422
    assert "which column holds the date" in page.get_data(as_text=True)


def test_whole_file_problems_are_refused_clearly_and_store_nothing(client, auth, world, upwork):
    auth.login(world["learner"].username)
    cases = [
        (b"", "a.csv", "empty"),
        (UPWORK_HEADER.encode() + b"\n", "a.csv", "no entries under it"),
        (b"%PDF-1.4 binary\x00\x00", "a.pdf", "not a CSV or Excel"),
        (b"x" * (20 * 1024 * 1024), "big.csv", "larger than 10 MB"),
    ]
    for data, name, message in cases:
        response = _upload(client, data, name)
        assert response.status_code == 200, name
        assert message in response.get_data(as_text=True), name
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_coordinator_imports_for_a_learner_of_their_site_only(client, auth, world, upwork):
    auth.login(world["coordinator"].username)
    response = _upload(client, upwork(2), learner=world["learner"].id)
    assert response.status_code == 302
    assert _entries(world["learner"].id) == 2
    refused = _upload(client, upwork(2), learner=world["other_learner"].id)
    assert "Choose a learner from the list" in refused.get_data(as_text=True)
    assert _entries(world["other_learner"].id) == 0


def test_templates_download_and_import(client, auth, world):
    auth.login(world["learner"].username)
    csv = client.get("/earnings/import/template.csv")
    assert csv.status_code == 200 and b"date,amount,currency" in csv.data
    xlsx = client.get("/earnings/import/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
    filled = csv.data + b"2026-02-10,40.00,USD,fiverr,Shop,design,Logo\n"
    response = _upload(client, filled, "earnings-template.csv")
    batch = db.session.scalar(select(ImportBatch))
    assert batch.format == "template" and batch.added == 1 and batch.skipped == 1
    entry = db.session.scalar(select(EarningEntry))
    assert (entry.platform, entry.kind) == ("fiverr", "design")
    assert response.status_code == 302


def test_a_failed_job_marks_the_batch_failed_with_the_reason(client, auth, world, upwork,
                                                             monkeypatch):
    from dip.modules.earnings import imports

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(imports, "_insert_chunk", boom)
    auth.login(world["learner"].username)
    response = _upload(client, upwork(2))
    html = client.get(response.location).get_data(as_text=True)
    assert "failed" in html and "RuntimeError" in html and "Try again" in html
    assert _entries(world["learner"].id) == 0
    monkeypatch.undo()
    client.post(response.location + "/retry", data=form())
    db.session.expire_all()
    assert db.session.scalar(select(ImportBatch)).status == "done"
    assert _entries(world["learner"].id) == 2


def test_status_page_refreshes_itself_while_queued(client, auth, world, upwork, monkeypatch):
    import dip.modules.earnings.import_views as views

    monkeypatch.setattr(views, "enqueue", lambda *a, **k: "queued")
    auth.login(world["learner"].username)
    response = _upload(client, upwork(1))
    page = client.get(response.location)
    assert_light_page(client, page)
    assert '<meta http-equiv="refresh" content="3">' in page.get_data(as_text=True)


def test_reconcile_runs_batches_a_lost_worker_left_behind(app, runner, client, auth, world, upwork,
                                                          monkeypatch):
    import dip.modules.earnings.import_views as views

    monkeypatch.setattr(views, "enqueue", lambda *a, **k: "queued")
    auth.login(world["learner"].username)
    _upload(client, upwork(4))
    batch = db.session.scalar(select(ImportBatch))
    batch.status, batch.started_at = "running", batch.created_at - timedelta(hours=2)
    db.session.commit()
    result = runner.invoke(args=["dip", "jobs", "reconcile", "--older-than", "30"])
    assert result.exit_code == 0 and "1 import batch(es) queued again" in result.output
    db.session.expire_all()
    batch = db.session.scalar(select(ImportBatch))
    assert batch.status == "done" and batch.added == 4
    # Run again: nothing left to do, nothing added twice.
    result = runner.invoke(args=["dip", "jobs", "reconcile", "--older-than", "0"])
    assert "0 import batch(es)" in result.output and _entries(world["learner"].id) == 4


def test_a_batch_is_only_seen_by_who_may(client, auth, world, upwork):
    auth.login(world["learner"].username)
    response = _upload(client, upwork(1))
    auth.logout()
    auth.login(world["other_learner"].username)
    assert client.get(response.location).status_code == 404


def test_each_bad_row_gets_its_own_reason(client, auth, world):
    statement = ("date,amount,currency,platform,client,kind,description\n"
                 '2026-02-01,"$1,234.56",USD,upwork,A,writing,ok\n'
                 "2026-02-02,10.00,ABC,upwork,A,writing,unknown currency\n"
                 "2014-05-02,10.00,USD,upwork,A,writing,too old\n"
                 "2026-02-03,,USD,upwork,A,writing,no amount\n").encode()
    auth.login(world["learner"].username)
    response = _upload(client, statement, "template.csv")
    html = client.get(response.location).get_data(as_text=True)
    batch = db.session.scalar(select(ImportBatch))
    assert batch.added == 1 and [e["line"] for e in batch.errors] == [3, 4, 5]
    reasons = [e["reason"] for e in batch.errors]
    assert len(set(reasons)) == 3 and all(r in html for r in reasons)
    assert db.session.scalar(select(EarningEntry.amount)) == Decimal("1234.56")
