"""A small line chart drawn on the server as SVG presentation data (no style attributes: CSP)."""
from dataclasses import dataclass

from dip.modules.outcomes.periods import months_label

WIDTH, HEIGHT, PAD_X, PAD_TOP, PAD_BOTTOM = 600, 170, 40, 10, 24


@dataclass
class Chart:
    """Everything the template needs to draw the chart."""

    width: int
    height: int
    lines: list[str]           # polyline point strings; a hidden month breaks the line
    dots: list[tuple[int, int]]
    labels: list[tuple[int, str]]
    top: str                   # the value of the top gridline
    baseline_y: int


def line_chart(series) -> Chart | None:
    """Draw the shown months of ``series`` (cells with ``month`` and ``value``); None if empty."""
    shown = [c.value for c in series if not c.suppressed and c.den and c.value is not None]
    if not shown:
        return None
    top = max(shown) or 1
    step = (WIDTH - 2 * PAD_X) / max(len(series) - 1, 1)
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    lines, current, dots, labels = [], [], [], []
    every = max(1, len(series) // 6)
    for i, cell in enumerate(series):
        x = round(PAD_X + i * step)
        if i % every == 0:
            labels.append((x, months_label([cell.month])))
        if cell.suppressed or not cell.den:
            if current:
                lines.append(" ".join(current))
            current = []
            continue
        y = round(PAD_TOP + plot_h - float(cell.value / top) * plot_h)
        current.append(f"{x},{y}")
        dots.append((x, y))
    if current:
        lines.append(" ".join(current))
    return Chart(WIDTH, HEIGHT, lines, dots, labels, f"{top:.0f}", HEIGHT - PAD_BOTTOM)
