"""The radar chart of feature scores: valid, accessible SVG drawn on the server."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from appraisals.radar import RadarSeries, radar_svg

SVG = "{http://www.w3.org/2000/svg}"
FEATURES = [
    "Wordmark spacing",
    "Wordmark weight",
    "Letter shape",
    "Stitch pitch",
    "Stitch slant",
    "Code font",
]


def _chart(**overrides: object) -> ET.Element:
    arguments: dict[str, object] = {
        "labels": FEATURES,
        "series": [
            RadarSeries(
                name="AI pre-screen", values=[0.1, 0.2, 0.3, 0.9, 1.0, 0.0], css_class="ai"
            ),
            RadarSeries(name="Expert", values=[0.2, 0.2, None, 0.8, 0.9, 0.1], css_class="expert"),
        ],
        "title": "Feature deviation",
    }
    arguments.update(overrides)
    return ET.fromstring(radar_svg(**arguments))  # type: ignore[arg-type]


def _series_polygons(root: ET.Element) -> list[ET.Element]:
    return [
        polygon
        for polygon in root.iter(f"{SVG}polygon")
        if polygon.get("class", "").split()[0] == "series"
    ]


def test_it_is_a_standalone_accessible_svg() -> None:
    root = _chart()

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox")
    assert root[0].tag == f"{SVG}title" and root[0].text == "Feature deviation"
    description = root.find(f"{SVG}desc")
    assert description is not None and description.text is not None
    assert "Stitch pitch: AI pre-screen 0.90, Expert 0.80." in description.text
    assert "Letter shape: AI pre-screen 0.30, Expert not assessed." in description.text


def test_it_draws_one_axis_line_per_feature() -> None:
    root = _chart()

    axes = [line for line in root.iter(f"{SVG}line") if line.get("class") == "axis"]
    assert [line.get("data-axis") for line in axes] == FEATURES


def test_it_draws_four_grid_rings() -> None:
    rings = [p for p in _chart().iter(f"{SVG}polygon") if p.get("class") == "ring"]

    assert [ring.get("data-level") for ring in rings] == ["0.25", "0.5", "0.75", "1.0"]


def test_it_draws_one_polygon_per_series_with_a_point_per_feature() -> None:
    polygons = _series_polygons(_chart())

    assert [polygon.get("class") for polygon in polygons] == ["series ai", "series expert"]
    for polygon in polygons:
        assert len(polygon.get("points", "").split()) == len(FEATURES)
        # Presentation attributes, so a PDF renderer without our CSS still colours it.
        assert polygon.get("fill") and polygon.get("stroke")


def test_it_labels_every_axis_with_text_anchored_away_from_the_chart() -> None:
    texts = [t for t in _chart().iter(f"{SVG}text") if t.get("class") == "axis-label"]

    assert [text.text for text in texts] == FEATURES
    # Clockwise from the top: top, right, right, bottom, left, left.
    anchors = [text.get("text-anchor") for text in texts]
    assert anchors == ["middle", "start", "start", "middle", "end", "end"]


def test_it_has_a_legend_naming_each_series() -> None:
    legend = next(g for g in _chart().iter(f"{SVG}g") if g.get("class") == "legend")

    names = [text.text for text in legend.iter(f"{SVG}text")]
    assert names[:2] == ["AI pre-screen", "Expert"]


def test_it_escapes_markup_and_keeps_chinese_labels() -> None:
    labels = ['Stitch <pitch> & "slant"', "缝线角度", "Code font"]
    svg = radar_svg(
        labels=labels,
        series=[RadarSeries(name="A&B <expert>", values=[0.5, 0.5, 0.5], css_class="x")],
        title="<script>alert(1)</script>",
    )

    assert "<script>" not in svg
    root = ET.fromstring(svg)
    assert [line.get("data-axis") for line in root.iter(f"{SVG}line")] == labels
    label_texts = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "axis-label"]
    assert label_texts == labels
    assert root[0].text == "<script>alert(1)</script>"
    assert "A&B <expert>" in [t.text for t in root.iter(f"{SVG}text")]


def test_a_feature_not_assessed_sits_at_the_centre_with_a_hollow_marker() -> None:
    root = _chart()
    expert = _series_polygons(root)[1]
    centre = (float(root.get("width", 0)) / 2, 360 / 2)

    third_point = expert.get("points", "").split()[2]
    x, y = (float(part) for part in third_point.split(","))
    assert (x, y) == pytest.approx(centre, abs=0.1)
    hollow = [c for c in root.iter(f"{SVG}circle") if "not-assessed" in c.get("class", "")]
    assert [marker.get("data-axis") for marker in hollow] == ["Letter shape"]
    assert hollow[0].get("fill") == "#ffffff"
    # A real 0 (the AI's "Code font") is at the centre too, but with a filled marker.
    zero = [
        c
        for c in root.iter(f"{SVG}circle")
        if c.get("data-axis") == "Code font" and c.get("class") == "marker"
    ]
    assert zero[0].get("fill") != "#ffffff"


@pytest.mark.parametrize("count", [3, 4, 5, 7, 8])
def test_it_draws_three_to_eight_axes(count: int) -> None:
    labels = [f"Feature {index}" for index in range(count)]
    root = _chart(labels=labels, series=[RadarSeries("AI", [0.5] * count, "ai")])

    assert len([line for line in root.iter(f"{SVG}line")]) == count
    assert len(_series_polygons(root)[0].get("points", "").split()) == count


def test_it_refuses_fewer_than_three_axes() -> None:
    with pytest.raises(ValueError, match="at least 3 axes"):
        radar_svg(labels=["a", "b"], series=[])


def test_it_refuses_a_series_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="has 5 values for 6 axes"):
        radar_svg(labels=FEATURES, series=[RadarSeries("AI", [0.5] * 5, "ai")])


@pytest.mark.parametrize("value", [-0.01, 1.01, float("nan"), True])
def test_it_refuses_values_outside_zero_to_one(value: float) -> None:
    values = [0.5] * 5 + [value]

    with pytest.raises(ValueError, match=r"not a number in \[0, 1\]"):
        radar_svg(labels=FEATURES, series=[RadarSeries("AI", values, "ai")])
