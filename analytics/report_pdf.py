"""The findings report as a PDF, printed offline from its HTML by Debian's Chromium.

    python -m analytics.report_pdf BOTWATCH_PUBLISH_DIR/reports/macronleaks-2026-12-01.html

No Python library installed here turns HTML into PDF (fpdf2 and reportlab draw pages from code,
WeasyPrint is not installed); Chromium, which the browser tests use (`make browser` installs it),
prints the same page a reader opens, charts and tables included, with the report's print styles.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

PRINT_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer")


def print_pdf(html: Path, pdf: Path | None = None, chromium: str | None = None) -> Path:
    """Print ``html`` to ``pdf`` (default: beside it, ``.pdf``); returns the PDF's path."""
    executable = chromium or shutil.which("chromium")
    if executable is None:
        raise FileNotFoundError("chromium is not installed: `make browser` installs Debian's")
    html = html.resolve()
    pdf = (pdf or html.with_suffix(".pdf")).resolve()
    temporary = pdf.with_name(f".{pdf.name}.tmp")
    subprocess.run(
        [executable, *PRINT_ARGS, f"--print-to-pdf={temporary}", html.as_uri()],
        check=True,
        capture_output=True,
        timeout=180,
    )
    if not temporary.is_file() or temporary.read_bytes()[:5] != b"%PDF-":
        temporary.unlink(missing_ok=True)
        raise RuntimeError(f"chromium printed no PDF of {html}")
    temporary.replace(pdf)
    return pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+", type=Path, help="HTML reports to print")
    for report in parser.parse_args().reports:
        print(print_pdf(report))


if __name__ == "__main__":
    main()
