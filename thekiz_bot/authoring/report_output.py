"""The report as a terminal table or as CSV for a spreadsheet."""

from __future__ import annotations

import csv
import shutil
import unicodedata
from collections.abc import Sequence
from typing import TextIO

from thekiz_bot.authoring.report import Report


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0
               if unicodedata.combining(ch) else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    text = " ".join(text.split())
    if _width(text) <= width:
        return text + " " * (width - _width(text))
    out = ""
    for ch in text:
        if _width(out + ch) > width - 1:
            break
        out += ch
    return out + "…" + " " * (width - 1 - _width(out))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], total_width: int,
          flexible: int = 0) -> list[str]:
    """A plain text table; column `flexible` takes whatever width the others leave."""
    widths = [max([_width(h), *(_width(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    fixed = sum(w for i, w in enumerate(widths) if i != flexible) + 2 * (len(headers) - 1)
    widths[flexible] = max(20, min(widths[flexible], total_width - fixed))
    lines = ["  ".join(_fit(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("─" * w for w in widths))
    for row in rows:
        lines.append("  ".join(_fit(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    return lines


def _de(number: float) -> str:
    return f"{number:.2f}".replace(".", ",")


# Files and pipes do not wrap lines, so text written there has this width whatever the terminal is.
PLAIN_WIDTH = 110


def output_width(stream: TextIO) -> int:
    """The width to render for `stream`: the terminal's when it is one (a table wider than the
    terminal wraps into a mess), else PLAIN_WIDTH. `shutil.get_terminal_size` alone would size a
    report written to a file by $COLUMNS or by the terminal the command was started from."""
    if stream.isatty():
        return shutil.get_terminal_size((PLAIN_WIDTH, 24)).columns
    return PLAIN_WIDTH


def render_text(report: Report, width: int = PLAIN_WIDTH) -> str:
    since = f" seit {report.since.astimezone():%d.%m.%Y}" if report.since else ""
    t = report.totals
    lines = [
        f"Bericht{since}: {sum(t.values())} Fragen – {t['answer']} beantwortet, "
        f"{t['suggest']} mit „Meinten Sie …?“, {t['fallback']} ohne Antwort, "
        f"{t['smalltalk']} Small Talk.",
        "",
        "Häufigste unbeantwortete Fragen (ähnliche Formulierungen zusammengefasst)",
        "  „nur Vorschläge“: der Bot bot „Meinten Sie …?“ an, bestätigt wurde keiner davon",
    ]
    if report.unanswered:
        lines += table(["Anzahl", "Frage", "Formulierungen", "nur Vorschläge", "zuletzt"],
                       [[str(g.count), g.text, str(g.wordings), str(g.suggested),
                         g.last_asked[:10]] for g in report.unanswered], width, flexible=1)
    else:
        lines.append("  (keine)")
    lines += ["", "Einträge mit den meisten 👎"]
    if report.disliked:
        lines += table(["👎", "👍", "Eintrag", "Frage"],
                       [[str(v.down), str(v.up), v.entry_id, v.question or "(gelöscht)"]
                        for v in report.disliked], width, flexible=3)
    else:
        lines.append("  (keine)")
    lines += ["", "Antworten mit niedrigem Score (der Bot war unsicher)"]
    if report.low_scores:
        lines += table(["Score", "Anzahl", "Frage", "beantwortet mit"],
                       [[_de(s.score), str(s.count), s.text, s.entry_id]
                        for s in report.low_scores], width, flexible=2)
    else:
        lines.append("  (keine)")
    lines += ["", "Vorgeschlagene neue Alternativfragen (von Nutzer*innen bestätigt)"]
    if report.suggestions:
        lines += table(["Eintrag", "neue Formulierung", "👍", "Grund"],
                       [[s.entry_id, s.text, str(s.confirmations), s.reason]
                        for s in report.suggestions], width, flexible=1)
        lines.append("  Übernehmen mit: python bot.py report --apply-suggestions")
    else:
        lines.append("  (keine)")
    for reason, count in sorted(report.skipped.items()):
        lines.append(f"  nicht vorgeschlagen ({reason}): {count}")
    return "\n".join(lines)


CSV_HEADER = ("bereich", "text", "eintrag", "anzahl", "wert", "details")


def write_csv(report: Report, stream: TextIO) -> None:
    """One sheet for a spreadsheet: `;` separated, decimal comma (German defaults), with a
    byte order mark so that Excel reads the umlauts as UTF-8."""
    stream.write("\ufeff")
    writer = csv.writer(stream, delimiter=";")
    writer.writerow(CSV_HEADER)
    for g in report.unanswered:
        writer.writerow(("unbeantwortet", g.text, "", g.count, "",
                         f"{g.wordings} Formulierung(en), {g.suggested} nur mit Vorschlägen, "
                         f"zuletzt {g.last_asked[:10]}"))
    for v in report.disliked:
        writer.writerow(("daumen_runter", v.question or "(gelöscht)", v.entry_id, v.down,
                         "", f"{v.up} × 👍"))
    for s in report.low_scores:
        writer.writerow(("niedriger_score", s.text, s.entry_id, s.count, _de(s.score), ""))
    for sug in report.suggestions:
        writer.writerow(("neue_alternative", sug.text, sug.entry_id, sug.confirmations, "",
                         sug.reason))


