"""What every HTML report shares: the Jinja2 environment, the page skeleton and pictures inline.

Reports are mailed and opened on a laptop without internet, so a page is one file: the style
sheet inline (``templates/report.css``), pictures as base64 PNG data URIs, no script and no
external URL. Templates are files in ``templates/`` (``base.html`` is the page, one template
per report kind, ``_parts.html`` the pieces they share); autoescape is on, so a scenario or
reason named ``<script>`` is shown as text, never run. The Python side of a report computes
the texts and numbers; the templates only lay them out.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from matplotlib.figure import Figure

from simulator.present.figures import png_bytes
from simulator.present.labels import t


@dataclass(frozen=True)
class Picture:
    """A figure of a report: the PNG as a data URI, its alt text and an optional caption.

    The caption shows ``title`` in bold, then ``caption``.
    """

    uri: str
    alt: str
    title: str = ""
    caption: str = ""


@dataclass(frozen=True)
class Table:
    """A plain table: a header row, and rows of ``(text, numeric)`` cells (numbers align right)."""

    head: Sequence[str]
    rows: Sequence[Sequence[tuple[str, bool]]]


@dataclass(frozen=True)
class KpiRow:
    """One KPI of a KPI table: its label, one value per column, and its key when shown."""

    label: str
    values: Sequence[str]
    key: str | None = None


@dataclass(frozen=True)
class KpiGroup:
    """KPI rows under a group heading (``label`` empty: no heading row)."""

    label: str
    rows: Sequence[KpiRow] = field(default_factory=list)


@cache
def environment() -> Environment:
    """The one Jinja2 environment of the reports (templates are read once per process)."""
    return Environment(
        loader=PackageLoader("simulator.present", "templates"),
        autoescape=True,
        undefined=StrictUndefined,  # a misspelt name in a template fails, not renders blank
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def png_data_uri(data: bytes) -> str:
    """``data:image/png;base64,...``: a picture that travels inside the HTML file."""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def picture(fig: Figure, alt: str, title: str = "", caption: str = "") -> Picture:
    """``fig`` encoded as PNG for a report."""
    return Picture(png_data_uri(png_bytes(fig)), alt, title, caption)


def render_page(template: str, lang: str, title: str, **context: Any) -> str:
    """A complete page: ``template`` (which extends ``base.html``) filled with ``context``.

    Templates get ``lang``, ``title`` and ``t(key, **values)``, the labels of ``lang``.
    """

    def text(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    page = environment().get_template(template)
    return page.render(lang=lang, title=title, t=text, **context)
