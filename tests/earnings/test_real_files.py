"""Statements as people really save them, uploaded through the import pages: each must land in
the right months with the right totals (French Excel, UTF-16 text, XLSX with a SUM row,
Fiverr-like exports imported twice, mobile money with debits)."""
import io
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from dip.core.access import Role
from dip.extensions import db
from dip.modules.earnings.models import EarningEntry, ImportBatch
from tests.conftest import form
from tests.earnings.conftest import UPWORK_HEADER
from tests.earnings.test_import import _upload


def month_totals(learner_id) -> dict[str, Decimal]:
    """Net amount per month (YYYY-MM) and currency of a learner's entries."""
    totals: dict[str, Decimal] = {}
    for day, amount, currency in db.session.execute(select(
            EarningEntry.earned_on, EarningEntry.amount, EarningEntry.currency).where(
            EarningEntry.learner_id == learner_id, EarningEntry.deleted_at.is_(None))):
        key = f"{day:%Y-%m} {currency}"
        totals[key] = totals.get(key, Decimal(0)) + Decimal(amount)
    return totals


def last_batch() -> ImportBatch:
    return db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()))


def test_french_excel_upwork_export_is_day_first_september(client, auth, world):
    # Excel in French re-saved the Upwork CSV: semicolons, decimal commas, day-first dates.
    header = UPWORK_HEADER.replace(",", ";")
    rows = ["03/09/2026;901;Hourly;Facture 1;;;;;;Moi;Acme;Moi;;801;110,50;;USD;110,50;",
            "22/09/2026;902;Hourly;Facture 2;;;;;;Moi;Acme;Moi;;802;1 234,00;;USD;1 234,00;",
            "22/09/2026;903;Service Fee;Frais;;;;;;Moi;Acme;Moi;;803;-11,05;;USD;-11,05;"]
    data = ("\n".join([header] + rows) + "\n").encode("cp1252")
    auth.login(world["learner"].username)
    response = _upload(client, data, "transactions.csv")
    assert "/mapping" not in response.location  # 22/09 settles the order: nothing to ask
    assert last_batch().status == "done"
    assert month_totals(world["learner"].id) == {"2026-09 USD": Decimal("1333.45")}


def test_utf16_unicode_text_is_accepted_whatever_its_extension(client, auth, world):
    lines = ["date\tamount\tcurrency\tplatform\tclient\tkind\tdescription",
             "2026-08-14\t40.00\tUSD\tfiverr\tZaïneb\ttranslation\tTraduction arabe → français",
             "2026-09-02\t60.00\tUSD\tfiverr\tZaïneb\ttranslation\tRelecture"]
    data = "\ufeff".encode("utf-16-le") + "\r\n".join(lines).encode("utf-16-le")
    auth.login(world["learner"].username)
    for name in ("earnings.txt", "earnings.csv"):
        response = _upload(client, data, name)
        assert response.status_code == 302 and "/earnings/import/" in response.location, name
        assert last_batch().status == "done", name
    assert last_batch().duplicates == 2  # the second upload is the same file: nothing added
    assert month_totals(world["learner"].id) == {"2026-08 USD": Decimal("40.00"),
                                                 "2026-09 USD": Decimal("60.00")}


def test_xlsx_with_date_cells_and_a_sum_row(client, auth, world):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["date", "amount", "currency", "platform", "client", "kind", "description"])
    sheet.append([datetime(2026, 7, 30), 25.5, "USD", "local", "Shop", "design", "Poster"])
    sheet.append([date(2026, 8, 2), 74.5, "USD", "local", "Shop", "design", "Flyers"])
    sheet.append([None, 100, None, None, None, None, None])  # the sum, no label, no date
    sheet.append(["Total", "=SUM(B2:B3)"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    auth.login(world["learner"].username)
    _upload(client, buffer.getvalue(), "earnings.xlsx")
    batch = last_batch()
    assert batch.status == "done" and (batch.added, batch.skipped, batch.rejected) == (2, 2, 0)
    assert month_totals(world["learner"].id) == {"2026-07 USD": Decimal("25.50"),
                                                 "2026-08 USD": Decimal("74.50")}
    page = client.get(f"/earnings/import/{batch.id}").get_data(as_text=True)
    assert "A total row" in page


FIVERR_HEADER = ["Date", "Order", "Type", "Status", "Amount (USD)"]
FIVERR_MAPPING = {"date": "0", "id": "1", "type": "2", "status": "3", "amount": "4",
                  "default_currency": "USD", "date_order": "mdy"}


def _fiverr(rows) -> bytes:
    return ("\n".join(",".join(r) for r in [FIVERR_HEADER] + rows) + "\n").encode()


def _confirm(client, location, **choices):
    """Preview once to see the choices, then import with them (as a person would)."""
    import re

    page = client.post(location, data=form(FIVERR_MAPPING, action="preview"))
    html = page.get_data(as_text=True)
    values = dict(FIVERR_MAPPING)
    for value, choice in choices.items():
        name = re.search(r'<span dir="auto">' + re.escape(value) + r'</span>:\s*<label><input '
                         r'type="radio" name="([^"]+)"', html).group(1)
        values[name] = choice
    return client.post(location, data=form(values, action="import"))


def test_fiverr_pending_then_cleared_and_withdrawals_count_once(client, auth, world):
    auth.login(world["learner"].username)
    first = _fiverr([["10/02/2026", "FO1", "Order", "Cleared", "80.00"],
                     ["10/05/2026", "FO2", "Order", "Pending", "45.00"],
                     ["10/20/2026", "W1", "Withdrawal", "Completed", "-80.00"],
                     ["10/02/2026", "FO1", "Fiverr fee", "Cleared", "16.00"]])
    response = _upload(client, first, "fiverr-oct.csv")
    assert "/mapping" in response.location
    done = _confirm(client, response.location, Order="income", Withdrawal="skip",
                    **{"Fiverr fee": "fee", "Cleared": "count", "Pending": "skip",
                       "Completed": "count"})
    assert done.status_code == 302 and last_batch().status == "done"
    assert month_totals(world["learner"].id) == {"2026-10 USD": Decimal("64.00")}
    assert last_batch().skipped == 2  # the pending order and the withdrawal

    # A month later the same orders are exported again: FO2 has cleared, FO1 is there again.
    second = _fiverr([["10/02/2026", "FO1", "Order", "Cleared", "80.00"],
                      ["10/05/2026", "FO2", "Order", "Cleared", "45.00"],
                      ["10/02/2026", "FO1", "Fiverr fee", "Cleared", "16.00"],
                      ["11/03/2026", "FO3", "Order", "Cleared", "30.00"]])
    again = _upload(client, second, "fiverr-nov.csv")
    assert "/mapping" not in again.location  # same person, same columns, values all chosen
    batch = last_batch()
    assert batch.status == "done" and batch.added == 2 and batch.duplicates == 2
    assert month_totals(world["learner"].id) == {"2026-10 USD": Decimal("109.00"),
                                                 "2026-11 USD": Decimal("30.00")}


def test_type_choices_are_shown_before_an_import_uses_them(client, auth, world):
    auth.login(world["learner"].username)
    response = _upload(client, _fiverr([["10/02/2026", "FO1", "Order", "Cleared", "80.00"]]))
    hasty = client.post(response.location, data=form(FIVERR_MAPPING, action="import"))
    html = hasty.get_data(as_text=True)
    assert hasty.status_code == 422 and "whether it counts" in html
    assert '<span dir="auto">Order</span>' in html and last_batch().status == "mapping"


def test_a_new_status_value_is_asked_not_guessed(client, auth, world):
    auth.login(world["learner"].username)
    response = _upload(client, _fiverr([["10/02/2026", "FO1", "Order", "Cleared", "80.00"]]))
    _confirm(client, response.location, Order="income", Cleared="count")
    later = _upload(client, _fiverr([["10/22/2026", "FO9", "Order", "In review", "50.00"]]))
    assert "/mapping" in later.location
    assert "In review" in client.get(later.location).get_data(as_text=True)


def test_mobile_money_in_kwacha_skips_debits_and_shows_the_count(client, auth, world):
    # An Airtel/TNM-style statement: money in and money out in two columns, a balance, a total.
    rows = [["Date", "Details", "Paid in", "Withdrawn", "Balance"],
            ["05/11/2026", "Payment from Café Zomba", "25 000,00", "", "25 000,00"],
            ["13/11/2026", "Cash out at agent", "", "10 000,00", "15 000,00"],
            ["20/11/2026", "Payment from École Dzaleka", "12 500,50", "", "27 500,50"],
            ["28/11/2026", "Airtime", "", "1 000,00", "26 500,50"],
            ["Totaux", "", "37 500,50", "11 000,00", ""]]
    data = ("\n".join(";".join(r) for r in rows) + "\n").encode("cp1252")
    auth.login(world["learner"].username)
    response = _upload(client, data, "airtel.csv")
    mapping = {"date": "0", "description": "1", "amount": "2", "debit": "3",
               "default_currency": "MWK"}
    done = client.post(response.location, data=form(mapping, action="import"))
    assert done.status_code == 302
    batch = last_batch()
    assert batch.status == "done" and (batch.added, batch.skipped, batch.rejected) == (2, 3, 0)
    assert month_totals(world["learner"].id) == {"2026-11 MWK": Decimal("37500.50")}
    page = client.get(done.location).get_data(as_text=True)
    assert "Money paid out: not income." in page

    # The second file with the same columns keeps its currency (no "choose the currency").
    rows[1][0], rows[3][0] = "06/10/2026", "14/10/2026"
    again = _upload(client, ("\n".join(";".join(r) for r in rows[:4]) + "\n").encode("cp1252"),
                    "airtel-dec.csv")
    assert "/mapping" not in again.location
    assert last_batch().status == "done" and last_batch().default_currency == "MWK"
    assert db.session.scalar(select(func.count()).select_from(EarningEntry)) == 4


def test_a_mapping_someone_else_confirmed_is_never_applied_silently(client, auth, people,
                                                                      make_user):
    """Issue 11: learner B uploads a file with the header of learner A's confirmed mapping."""
    statement = b"Day,Paid,Currency,Note\n2026-10-02,80.00,USD,Order FO1\n"
    mapping = {"date": "0", "amount": "1", "currency": "2", "description": "3"}
    auth.login(people["learner"].username)
    first = _upload(client, statement, "mine.csv")
    client.post(first.location, data=form(mapping, action="import"))
    assert last_batch().status == "done"
    auth.logout()

    auth.login(people["learner2"].username)
    theirs = _upload(client, statement, "theirs.csv")
    assert "/mapping" in theirs.location  # asked, never applied silently
    assert last_batch().status == "mapping" and last_batch().mapping is None
    page = client.get(theirs.location).get_data(as_text=True)
    assert 'selected>Paid</option>' not in page  # nothing of A's mapping is shown to B
    assert db.session.scalar(select(func.count()).select_from(EarningEntry).where(
        EarningEntry.learner_id == people["learner2"].id)) == 0
    auth.logout()

    # Staff: a mapping belongs to the learner's site; a colleague sees it pre-filled and confirms.
    colleague = make_user(Role.COORDINATOR, site=people["site_a"], username="coord.a2")
    auth.login(people["coordinator"].username)
    staff = _upload(client, statement, "for-learner2.csv", learner=people["learner2"].id)
    client.post(staff.location, data=form(mapping, action="import"))
    assert last_batch().status == "done"
    auth.logout()
    auth.login(colleague.username)
    other = _upload(client, statement, "again.csv", learner=people["learner2"].id)
    assert "/mapping" in other.location
    assert 'selected>Paid</option>' in client.get(other.location).get_data(as_text=True)


def test_a_known_layout_whose_dates_read_two_ways_asks_once(client, auth, world):
    lines = ["date,amount,currency,platform,client,kind,description",
             "03/04/2026,30.00,USD,local,Shop,design,Poster",
             "05/06/2026,20.00,USD,local,Shop,design,Flyer"]
    auth.login(world["learner"].username)
    response = _upload(client, ("\n".join(lines) + "\n").encode(), "template.csv")
    assert "/mapping" in response.location and last_batch().status == "mapping"
    page = client.get(response.location).get_data(as_text=True)
    assert "How are the dates written?" in page and "Apr 3, 2026" in page
    assert 'name="amount"' not in page  # a known layout: only the question it cannot answer
    refused = client.post(response.location, data=form(action="import"))
    assert refused.status_code == 422 and last_batch().status == "mapping"
    done = client.post(response.location, data=form(date_order="dmy", action="import"))
    assert done.status_code == 302 and last_batch().status == "done"
    assert month_totals(world["learner"].id) == {"2026-04 USD": Decimal("30.00"),
                                                 "2026-06 USD": Decimal("20.00")}


def test_try_again_works_for_a_file_read_by_a_remembered_mapping(client, auth, world):
    statement = b"Day;Paid in;Note\n05/11/2026;25 000,00;Cafe\n13/11/2026;1 000,00;Shop\n"
    mapping = {"date": "0", "amount": "1", "description": "2", "default_currency": "MWK"}
    auth.login(world["learner"].username)
    first = _upload(client, statement, "mpamba.csv")
    client.post(first.location, data=form(mapping, action="import"))
    again = _upload(client, statement, "mpamba-2.csv")  # the same export, downloaded again
    assert "/mapping" not in again.location
    batch = last_batch()
    batch.status, batch.error = "failed", "the worker was lost"  # as after a crash
    db.session.commit()
    retried = client.post(f"/earnings/import/{batch.id}/retry", data=form())
    assert retried.status_code == 302
    batch = last_batch()
    assert batch.status == "done" and batch.error is None and batch.default_currency == "MWK"
    assert batch.duplicates == 2
    assert month_totals(world["learner"].id) == {"2026-11 MWK": Decimal("26000.00")}
