"""The results table: printed, and written as Markdown for the README."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Row:
    figure: str
    measured: str
    target: str
    ratio: str
    ok: bool
    info: str = ""

    @property
    def result(self) -> str:
        return "PASS" if self.ok else "MISS"


HEADER = ("Figure", "Measured", "Target", "Ratio", "Result", "Information (absolute, noisy)")


def cells(row: Row) -> tuple[str, ...]:
    return (row.figure, row.measured, row.target, row.ratio, row.result, row.info)


def text_table(rows: list[Row]) -> str:
    table = [HEADER, *(cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADER))]
    lines = []
    for number, line in enumerate(table):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown(rows: list[Row], *, notes: list[str]) -> str:
    def escape(cell: str) -> str:
        return cell.replace("|", "\\|")

    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(escape(c) for c in cells(row)) + " |" for row in rows]
    return "\n".join(["# Benchmark results", "", *[f"- {n}" for n in notes], "", *lines, ""])


def write(path: Path, rows: list[Row], *, notes: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(markdown(rows, notes=notes), encoding="utf-8")


def pct(value: float) -> str:
    return f"{value * 100:.0f} %"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"
