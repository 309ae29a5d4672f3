"""The report printed to PDF offline (Chromium), from the HTML the pipeline wrote."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from harness import ARTIFACTS

from analytics.report_pdf import print_pdf
from botwatch import snapshot

pytestmark = pytest.mark.browser


def test_the_pipeline_report_prints_to_a_pdf(pipeline_snapshot, tmp_path: Path) -> None:
    if shutil.which("chromium") is None:
        pytest.skip("chromium is not installed: `make browser` installs Debian's package")
    html = sorted((pipeline_snapshot.publish_dir / snapshot.REPORTS).glob("macronleaks-*.html"))[-1]
    pdf = print_pdf(html, tmp_path / "report.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages >= 2, pages  # headline, methods, charts and tables do not fit one page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, ARTIFACTS / "report-macronleaks.pdf")
