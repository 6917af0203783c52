"""The digest's trend chart as a PNG: received and closed per day, and overdue cases.

Labels are in the reader's language when the machine has a font with Chinese glyphs
(fonts-noto-cjk, fonts-wqy-microhei, ...); without one they stay English, since a chart
of empty boxes helps nobody. The digest text around it is translated either way. A period
without a case says so instead of drawing a y axis of fractions of a case (issue 17).
matplotlib (and numpy, Pillow under it: ~50 MB) is imported when a chart is drawn, not when
the desk starts (issue 18).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache
from gettext import NullTranslations
from io import BytesIO
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
)


@cache
def _use_agg() -> None:
    """Before pyplot is first used: the Agg backend (no display: render to memory)."""
    import matplotlib

    matplotlib.use("Agg")


@cache
def cjk_font() -> str | None:
    """The first installed font family here that draws Chinese, if any."""
    _use_agg()
    from matplotlib import font_manager

    for family in CJK_FONTS:
        try:
            font_manager.findfont(family, fallback_to_default=False)
        except ValueError:
            continue
        return family
    return None


def chart_words(t: NullTranslations, font: str | None) -> dict[str, str]:
    """The chart's words: the reader's when a CJK font can draw them, else English."""
    g = t.gettext if font else NullTranslations().gettext
    return {
        "received": g("received"),
        "closed": g("closed"),
        "overdue": g("overdue (open)"),
        "cases": g("cases"),
        "title": g("Cases, {first} to {last}"),
        "empty": g("no cases in this period"),
    }


def trend_png(
    days: Sequence[date],
    received: Sequence[int],
    closed: Sequence[int],
    overdue: Sequence[int],
    t: NullTranslations | None = None,
) -> bytes:
    font = cjk_font()
    words = chart_words(t or NullTranslations(), font)
    families = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    _use_agg()
    from matplotlib import pyplot

    with pyplot.rc_context({"font.family": families}):
        figure = trend_figure(days, received, closed, overdue, words)
        try:
            buffer = BytesIO()
            figure.savefig(buffer, format="png")
            return buffer.getvalue()
        finally:
            pyplot.close(figure)


def trend_figure(
    days: Sequence[date],
    received: Sequence[int],
    closed: Sequence[int],
    overdue: Sequence[int],
    words: dict[str, str],
) -> Figure:
    """The chart as a figure; the caller saves and closes it."""
    _use_agg()
    from matplotlib import pyplot
    from matplotlib.ticker import MaxNLocator

    figure, axes = pyplot.subplots(figsize=(8, 3.6), dpi=110)
    try:
        positions = range(len(days))
        width = 0.4
        axes.bar([p - width / 2 for p in positions], received, width, label=words["received"])
        axes.bar([p + width / 2 for p in positions], closed, width, label=words["closed"])
        axes.plot(list(positions), overdue, color="tab:red", marker="o", label=words["overdue"])
        axes.set_xticks(list(positions), [d.strftime("%m-%d") for d in days], fontsize=8)
        axes.set_ylabel(words["cases"])
        axes.set_ylim(bottom=0)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_title(
            words["title"].format(first=f"{days[0]:%Y-%m-%d}", last=f"{days[-1]:%Y-%m-%d}")
        )
        axes.legend(fontsize=8, loc="upper left")
        axes.grid(axis="y", alpha=0.3)
        if not any(received) and not any(closed) and not any(overdue):
            _say_empty(axes, words["empty"])
        figure.tight_layout()
    except BaseException:
        pyplot.close(figure)
        raise
    return figure


def _say_empty(axes: Axes, words: str) -> None:
    """No y scale to read when nothing happened: matplotlib would draw 0 to 0.06."""
    axes.set_ylim(0, 1)
    axes.set_yticks([])
    axes.text(0.5, 0.5, words, transform=axes.transAxes, ha="center", va="center", fontsize=14)
