"""What a chart shows, read from its XML: python-pptx's plot objects refuse some chart
kinds (3-D bars, for one), while the title, series names and categories are plain XML."""

from __future__ import annotations

import contextlib
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from slidespeaker.scripter.content import Chart
from slidespeaker.scripter.text import one_line

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS = {"c": C, "a": A}
# Compiled with their namespaces: python-pptx's own xpath() knows them only on the element
# classes it defines, and a chart kind it does not know has none.
PLOTS = etree.XPath("./c:chart/c:plotArea/*[c:ser]", namespaces=NS)
SERIES = etree.XPath("./c:ser", namespaces=NS)
SERIES_NAME = etree.XPath("./c:tx//c:v/text()", namespaces=NS)
BAR_DIRECTION = etree.XPath("./c:barDir/@val", namespaces=NS)
TITLE_RUNS = etree.XPath("./c:chart/c:title//a:t/text()", namespaces=NS)
# c:cat holds strings (strRef/strLit) or numbers (numRef/numLit), each cached as a c:pt.
CATEGORIES = etree.XPath("./c:cat//c:pt/c:v/text()", namespaces=NS)
# c:val caches each value as a c:pt with its category's index (points with no value are left out).
VALUE_POINTS = etree.XPath("./c:val//c:pt", namespaces=NS)
POINT_VALUE = etree.XPath("./c:v/text()", namespaces=NS)
# Plot element name (without "Chart", and "3D") -> what a listener calls it.
CHART_KINDS = {
    "area": "area",
    "bar": "bar",
    "bubble": "bubble",
    "doughnut": "doughnut",
    "line": "line",
    "ofPie": "pie",
    "pie": "pie",
    "radar": "radar",
    "scatter": "scatter",
    "stock": "stock",
    "surface": "surface",
}


def read_chart(chart: Any) -> Chart:
    space = chart._chartSpace  # python-pptx keeps the parsed chart part here
    plots = PLOTS(space)
    series = [s for plot in plots for s in SERIES(plot)]
    return Chart(
        kind=_kind(plots[0]) if plots else "",
        title=one_line(" ".join(TITLE_RUNS(space))),
        series=[one_line(" ".join(SERIES_NAME(s))) for s in series],
        categories=[one_line(c) for c in CATEGORIES(series[0])] if series else [],
        values=[_values(s) for s in series],
    )


def _values(series: Any) -> list[float | None]:
    by_index: dict[int, float] = {}
    for point in VALUE_POINTS(series):
        with contextlib.suppress(ValueError, IndexError):
            by_index[int(point.get("idx"))] = float(POINT_VALUE(point)[0])
    count = max(by_index, default=-1) + 1
    return [by_index.get(index) for index in range(count)]


def _kind(plot: Any) -> str:
    name = plot.tag.rsplit("}", 1)[-1].removesuffix("Chart").removesuffix("3D")
    if name == "bar":
        # A "bar" chart with vertical bars is what people call a column chart.
        direction = BAR_DIRECTION(plot)
        return "column" if direction and direction[0] == "col" else "bar"
    return CHART_KINDS.get(name, "")
