"""Report CSVs are safe to open in a spreadsheet."""

from __future__ import annotations


def test_report_csv_cells_are_not_formulas() -> None:
    """A summary starting with '=' is written with a leading apostrophe; numbers stay."""
    from responses.publish import safe_cell

    assert (safe_cell("=HYPERLINK(1)"), safe_cell("-3"), safe_cell(-3)) == (
        "'=HYPERLINK(1)",
        "'-3",
        -3,
    )
