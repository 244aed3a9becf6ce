"""The income bar chart: months named in the reader's language, readable from 320 px up.

Drawn on the server as SVG without a viewBox: bars are placed in percentages of the width,
text in pixels, so a phone narrows the bars but never shrinks the labels. The dollar axis sits
in the wrapper's start padding (left, or right in Arabic, where the months also run right to
left). On a narrow screen every other month label drops a line (CSS), so long names such as
"sept." or "سبتمبر" never collide.
"""
import math
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import get_locale

from dip.core.web import RTL

HEIGHT, TOP, BOTTOM = 190, 12, 148  # px: the plot runs from TOP to BOTTOM
MIN_SLOTS = 6  # a cohort's first months still get bars of a sensible width


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least ``value``."""
    if value <= 0:
        return Decimal(0)
    power = Decimal(10) ** math.floor(math.log10(value))
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def bar_chart(series) -> dict | None:
    """Bars for (month, USD) pairs, oldest first, as SVG presentation data; None if nothing
    was earned."""
    top = nice_ceiling(max((v for _m, v in series), default=Decimal(0)))
    low = -nice_ceiling(-min((v for _m, v in series), default=Decimal(0)))
    if top == 0 and low == 0:
        return None
    locale = get_locale()
    rtl = str(locale).split("_")[0] in RTL
    span = top - low
    plot = BOTTOM - TOP

    def y(value) -> int:
        return round(TOP + float((top - value) / span) * plot)

    slot = 100 / max(len(series), MIN_SLOTS)
    bars = []
    for i, (month, value) in enumerate(series):
        start = i * slot
        if rtl:  # the oldest month on the right
            start = 100 - start - slot
        height = abs(y(value) - y(0))
        bars.append({
            "x": round(start + slot * 0.15, 2), "w": round(slot * 0.7, 2),
            "cx": round(start + slot / 2, 2), "y": min(y(value), y(0)),
            "h": max(height, 1 if value else 0), "negative": value < 0,
            "label": format_date(month, "LLL", locale=locale), "alt": i % 2 == 1,
        })
    ticks = [(v, y(v), "$" + format_decimal(v, "#,##0", locale=locale))
             for v in sorted({top, top / 2, Decimal(0), low}, reverse=True)]
    return {"height": HEIGHT, "bars": bars, "ticks": ticks, "zero_y": y(0), "rtl": rtl,
            "label_y": BOTTOM + 16, "axis_x": "100%" if rtl else "0"}
