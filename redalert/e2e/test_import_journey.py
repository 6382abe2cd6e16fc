"""The import in a real browser, on a phone-sized screen: a coordinator uploads a spreadsheet with one bad row in
the "valid rows" mode, watches the progress bar reach the end (the job runs outside the request: here the test
runs it with the worker's function), reads the report and downloads the rejected rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from redalert.cases.models import Case
from redalert.e2e.sign_in import sign_in_through_the_pages
from redalert.imports import jobs
from redalert.imports.models import ImportJob
from redalert.imports.tests.conftest import row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SAMPLE = Path(__file__).resolve().parents[1] / "imports" / "samples" / "import-sample.csv"


def sample_with_a_bad_row() -> bytes:
    text = SAMPLE.read_text(encoding="utf-8")
    header = next(csv.reader(io.StringIO(text)))
    bad = row(case_reference="RB-2020-099", sex="robot")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([bad.get(name, "") for name in header])
    return (text + out.getvalue()).encode("utf-8")


def test_upload_follow_the_progress_and_read_the_report(
    live_server, phone_page, screenshot, org_a, make_user, places, tmp_path
):
    page = phone_page
    coordinator = make_user(org_a, "coordinator", username="coordinadora")
    device = TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)
    sign_in_through_the_pages(page, live_server.url, "coordinadora", device)

    page.goto(f"{live_server.url}/imports/")
    upload = tmp_path / "casos-historicos.csv"
    upload.write_bytes(sample_with_a_bad_row())
    page.locator("input[type=file]").set_input_files(str(upload))
    page.locator("input[name=mode][value=valid_rows]").check()
    screenshot(page, "import-upload-es-phone")
    page.locator("form.stacked button[type=submit]").click()

    # The job page: stored, waiting for a worker, the bar at 0.
    page.locator("#import-bar").wait_for()
    job = ImportJob.objects.get()
    assert page.locator("#import-bar").get_attribute("value") == "0"
    assert not Case.objects.exists()
    screenshot(page, "import-queued-es-phone")

    jobs.run_next()  # what run_worker or the Celery task does; the page notices by itself

    page.locator("a.btn[href$='/rejected/']").wait_for(timeout=20_000)
    assert page.locator("#import-bar").get_attribute("value") == "100"
    job.refresh_from_db()
    assert (job.status, job.created_count, job.rejected_count) == ("done", 5, 1)
    report = page.locator("table").first.inner_text()
    assert "robot" in report and "sex" in report
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, "no sideways scrolling on a phone"
    screenshot(page, "import-done-es-phone")

    with page.expect_download() as download_info:
        page.locator("a.btn[href$='/rejected/']").click()
    rejected = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert "RB-2020-099" in rejected and "RB-2017-001" not in rejected
    assert rejected.splitlines()[0].endswith(",problems")
    assert Case.objects.count() == 5
