"""What ``ccsim calibrate`` prints: the fitted CSAT block to paste, the fit per group, the notes.

Plain text, English: the YAML block must paste into a scenario as it is, and the table must stay
readable in a log or a mail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.results.calibration import Calibration

_COLUMNS = (
    ("group", "<"),
    ("answers", ">"),
    ("survey", ">"),
    ("sim. issues", ">"),
    ("proxy before", ">"),
    ("proxy fitted", ">"),
    ("residual", ">"),
)


def _number(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0.0" if text in ("-0", "0") else text if "." in text else text + ".0"


def csat_yaml(cal: Calibration) -> str:
    """The ``satisfaction: csat:`` block, one weight a line, each with where it comes from."""
    block = cal.csat_block()
    width = max(len(f"{k}: {_number(v)}") for k, v in block.items())
    lines = ["satisfaction:", "  csat:"]
    for key, value in block.items():
        entry = f"{key}: {_number(value)}"
        if key in cal.fitted:
            was = cal.before[key]
            how = f"fitted (was {_number(was)})"
            if key in cal.at_bound:
                how += ", at its limit"
        else:
            how = "kept: see below"
        lines.append(f"    {entry:<{width}}  # {how}")
    return "\n".join(lines)


def calibration_text(cal: Calibration, scenario: str) -> str:
    """The whole report of a calibration, ending with a newline."""
    issues = max((g.issues for g in cal.groups if g.name == "all"), default=None)
    lines = [
        f"CSAT weights fitted to the survey over {cal.replications} replication"
        f"{'s' if cal.replications != 1 else ''} of {scenario}"
        + (f" ({issues:,} closed issues)" if issues is not None else "")
        + ".",
        "Paste into the scenario (its ces and nps keys stay as they are):",
        "",
        csat_yaml(cal),
        "",
    ]
    rows = [
        (
            g.name,
            f"{g.n:,}",
            f"{g.survey:.2f}",
            f"{g.issues:,}",
            f"{g.before:.2f}" if g.issues else "-",
            f"{g.after:.2f}" if g.issues else "-",
            f"{g.residual:+.2f}" if g.issues else "left out",
        )
        for g in cal.groups
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, (h, _) in enumerate(_COLUMNS)]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            f"{c:{a}{w}}" for c, (_, a), w in zip(cells, _COLUMNS, widths, strict=True)
        ).rstrip()

    lines.append(line(tuple(h for h, _ in _COLUMNS)))
    lines += [line(r) for r in rows]
    lines.append(f"answer-weighted RMS residual: {cal.rmse:.3f} CSAT points")
    if cal.kept:
        lines += ["", "Kept at the scenario's value:"]
        lines += [f"- {k}: {why}" for k, why in cal.kept.items()]
    if cal.notes:
        lines += ["", "Notes:"]
        lines += [f"- {n}" for n in cal.notes]
    lines += [
        "",
        "The proxy stays a proxy: these weights make its group means match the survey for "
        "this scenario's journeys; they do not make it a survey.",
    ]
    return "\n".join(lines) + "\n"
