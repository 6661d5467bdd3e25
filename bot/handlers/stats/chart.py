"""A forum's figures as one PNG: four panels, labels already in the reader's language."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

from bot.assets import BOLD_FONT, REGULAR_FONT

FONT_FAMILY = "DejaVu Sans"
LABEL_CHARS = 32
_fonts_added = threading.Lock()
_ready = False


@dataclass(frozen=True, slots=True)
class ChartPanel:
    title: str
    labels: list[str]
    values: list[int]
    second: list[int] | None = None  # a second bar per label (checked in of registered)
    legend: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class ChartData:
    title: str
    per_day: ChartPanel
    seats: ChartPanel
    trainings: ChartPanel
    regions: ChartPanel
    empty: str  # written on a panel with nothing to show


def _use_shipped_font() -> None:
    """Register the DejaVu Sans files we ship (every Kazakh letter) with matplotlib, once."""
    global _ready
    with _fonts_added:
        if _ready:
            return
        from matplotlib import font_manager

        for path in (REGULAR_FONT, BOLD_FONT):
            font_manager.fontManager.addfont(str(path))
        _ready = True


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def chart_png(chart: ChartData) -> bytes:
    """The chart as PNG; CPU work (and matplotlib's import): call it in a worker thread."""
    from matplotlib.figure import Figure  # ~0.5 s to import: only when a chart is drawn

    _use_shipped_font()
    figure = Figure(figsize=(13, 9), dpi=90, layout="constrained")
    figure.suptitle(chart.title, fontsize=15, fontweight="bold", fontfamily=FONT_FAMILY)
    panels = (chart.per_day, chart.seats, chart.trainings, chart.regions)
    for axes, panel in zip(figure.subplots(2, 2).flat, panels, strict=True):
        axes.set_title(panel.title, fontfamily=FONT_FAMILY, fontsize=12)
        if not panel.values:
            axes.text(0.5, 0.5, chart.empty, ha="center", va="center", fontfamily=FONT_FAMILY)
            axes.set_axis_off()
            continue
        labels = [_short(label) for label in panel.labels]
        positions = list(range(len(labels)))
        if panel is chart.per_day:
            axes.bar(positions, panel.values, color="#1f77b4")
            step = max(1, len(labels) // 10)
            axes.set_xticks(positions[::step], labels[::step], rotation=45, ha="right")
        elif panel.second is not None:
            width = 0.4
            axes.barh(
                [p - width / 2 for p in positions], panel.values, height=width, color="#9ecae1"
            )
            axes.barh(
                [p + width / 2 for p in positions], panel.second, height=width, color="#08519c"
            )
            axes.set_yticks(positions, labels)
            axes.invert_yaxis()
            if panel.legend is not None:
                axes.legend(list(panel.legend), prop={"family": FONT_FAMILY})
        else:
            axes.barh(positions, panel.values, color="#2ca02c")
            axes.set_yticks(positions, labels)
            axes.invert_yaxis()
        for label in (*axes.get_xticklabels(), *axes.get_yticklabels()):
            label.set_fontfamily(FONT_FAMILY)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
