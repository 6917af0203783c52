"""The digest's trend chart as a PNG: received and closed per day, and overdue cases.

Labels are dates, numbers and short English words: the machine may have no CJK font,
and a chart of boxes helps nobody; the digest text around it is in the reader's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from io import BytesIO

import matplotlib

matplotlib.use("Agg")  # no display: render to memory

from matplotlib import pyplot
from matplotlib.ticker import MaxNLocator


def trend_png(
    days: Sequence[date], received: Sequence[int], closed: Sequence[int], overdue: Sequence[int]
) -> bytes:
    figure, axes = pyplot.subplots(figsize=(8, 3.6), dpi=110)
    try:
        positions = range(len(days))
        width = 0.4
        axes.bar([p - width / 2 for p in positions], received, width, label="received")
        axes.bar([p + width / 2 for p in positions], closed, width, label="closed")
        axes.plot(list(positions), overdue, color="tab:red", marker="o", label="overdue (open)")
        axes.set_xticks(list(positions), [d.strftime("%m-%d") for d in days], fontsize=8)
        axes.set_ylabel("cases")
        axes.set_ylim(bottom=0)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_title(f"Cases, {days[0]:%Y-%m-%d} to {days[-1]:%Y-%m-%d}")
        axes.legend(fontsize=8, loc="upper left")
        axes.grid(axis="y", alpha=0.3)
        figure.tight_layout()
        buffer = BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        pyplot.close(figure)
