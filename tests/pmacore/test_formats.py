"""Annotation files: every real file of other tools reads with the counts written down from
the file itself; every format reads back what it wrote; bad files name the place."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pydicom
import pytest
import shapely

from pmacore import formats
from pmacore.formats import FormatError
from pmacore.types import AnnotationDraft
from tests.pmacore.annotation_files import annotation_file

# file: (format, annotations per class, shapes by WKT type), counted in the files:
# regions / elements / features, less HALO's and Aperio's NegativeROA holes.
REAL_FILES = {
    "qupath-geojson/dlup_qupath05.geojson": ("geojson", {"UT": 1, "I": 2}, {"POLYGON": 3}),
    # A bare MultiPolygon geometry (27 + 1 + 1 rings... three polygons).
    "qupath-geojson/qupath_core_test_polygon.geojson": ("geojson", {"": 1}, {"MULTIPOLYGON": 1}),
    "aperio-imagescope-xml/imagescope-convert_XMLunittest.xml": ("aperio", {"": 3}, None),
    "aperio-imagescope-xml/imagescope-convert_unittest.xml": ("aperio", {"": 1}, None),
    "halo-xml/dlup_HaloMultilayerTest.annotations": (
        "halo",
        # 29 regions, 6 of them holes; 9 pins, 1 ruler.
        {"TP1": 4, "Layer 1 voor Rolf": 6, "Layer 2 voor Rolf": 8, "Layer 3 voor Rolf": 5},
        None,
    ),
    "halo-xml/pyhaloxml_test_comments.annotations": ("halo", {"Layer 1": 3}, None),
    "halo-xml/pyhaloxml_test_findholes.annotations": ("halo", {"Layer 1": 4}, {"POLYGON": 4}),
    # 2 rectangles, 2 ellipses, 2 rulers, 3 polygons (two self-crossing), 1 pin.
    "halo-xml/pyhaloxml_test_types.annotations": (
        "halo",
        {"Layer 1": 10},
        {"POLYGON": 5, "MULTIPOLYGON": 2, "LINESTRING": 2, "POINT": 1},
    ),
    "asap-xml/camelyon16_tumor_009.xml": ("asap", {"metastasis": 6}, None),
    "asap-xml/pathml-tutorial_OSCAR_AH_4006_OSCC_Biopsy.xml": (
        "asap",
        {"tissue": 2, "background": 1},
        {"POLYGON": 3},
    ),
    "asap-xml/pathml-tutorial_TCGA-L5-A4OQ_RES.xml": (
        "asap",
        {"artifact": 2, "tissue": 3, "background": 1},
        {"POLYGON": 6},
    ),
    "dsa-json/histomicstk_TCGA-A2-A0YE-01Z-00-DX1_GET_MergePolygons.svs_annotations.json": (
        "dsa",
        {"mostly_tumor": 38, "mostly_stroma": 35, "roi": 20, "mostly_lymphocytic_infiltrate": 5},
        {"POLYGON": 98},
    ),
    # Two closed polylines: one of a single repeated point, one of two points.
    "dsa-json/histomicstk_plugin_tests_annotation1.json": (
        "dsa",
        {"classify-170630a-nuclei-class-0": 1, "classify-170630a-nuclei-class-1": 1},
        {"POINT": 1, "LINESTRING": 1},
    ),
    "dsa-json/large_image_sample_annotation.json": (
        "dsa",
        {"Sample": 2},
        {"POLYGON": 1, "POINT": 1},
    ),
    # One annotation group "nuclei": GraphicType POINT, NumberOfAnnotations 2.
    "dicom-ann/highdicom_sm_annotations.dcm": ("dicom", {"nuclei": 2}, {"POINT": 2}),
}


def kinds(drafts: list[AnnotationDraft]) -> dict[str, int]:
    return dict(Counter(draft.geometry.split(" ")[0] for draft in drafts))


@pytest.mark.parametrize("relative", sorted(REAL_FILES))
def test_every_real_file_reads_with_its_counts(tmp_path: Path, relative: str) -> None:
    path = annotation_file(tmp_path, relative)
    fmt, classes, shapes = REAL_FILES[relative]
    data = path.read_bytes()
    assert formats.detect(data, path.name) == fmt
    drafts = formats.read(data, name=path.name)
    assert dict(Counter(draft.classification for draft in drafts)) == classes
    if shapes is not None:
        assert kinds(drafts) == shapes
    for draft in drafts:
        assert shapely.from_wkt(draft.geometry).is_valid


def test_asap_keeps_all_10778_points_of_camelyon16(tmp_path: Path) -> None:
    path = annotation_file(tmp_path, "asap-xml/camelyon16_tumor_009.xml")
    assert path.read_text().count("<Coordinate ") == 10_778
    drafts = formats.read(path.read_bytes())
    # Two of the six outlines cross themselves and come back as valid multipolygons.
    assert kinds(drafts) == {"POLYGON": 4, "MULTIPOLYGON": 2}
    points = sum(shapely.get_num_coordinates(shapely.from_wkt(d.geometry)) for d in drafts)
    assert points >= 10_778


def test_halo_holes_are_cut_out_and_comments_become_notes(tmp_path: Path) -> None:
    holes = formats.read(
        annotation_file(tmp_path, "halo-xml/pyhaloxml_test_findholes.annotations").read_bytes()
    )
    assert sum(len(shapely.from_wkt(d.geometry).interiors) for d in holes) == 6
    comments = formats.read(
        annotation_file(tmp_path, "halo-xml/pyhaloxml_test_comments.annotations").read_bytes()
    )
    assert comments[0].notes == "This is a square\nBut also a circle"
    assert comments[0].color == "#FFF755"  # LineColor 5634047 is 0x55F7FF, blue-green-red


def test_halo_negative_coordinates_are_kept(tmp_path: Path) -> None:
    drafts = formats.read(
        annotation_file(tmp_path, "halo-xml/pyhaloxml_test_types.annotations").read_bytes()
    )
    assert drafts[0].geometry.startswith("POLYGON ((-16121 45644")
    assert drafts[7].geometry == "POINT (-1399 53194)"


def test_qupath_classes_and_colours(tmp_path: Path) -> None:
    drafts = formats.read(
        annotation_file(tmp_path, "qupath-geojson/dlup_qupath05.geojson").read_bytes()
    )
    assert [(d.classification, d.color) for d in drafts] == [
        ("UT", "#FF0000"),
        ("I", "#FF0000"),
        ("I", "#FF0000"),
    ]


SAMPLE = [
    AnnotationDraft("POLYGON ((10 10, 110 10, 110 60, 10 60, 10 10))", "TLS I", "note", "#FF0000"),
    AnnotationDraft(
        "POLYGON ((200 200, 400 200, 400 400, 200 400, 200 200),"
        " (250 250, 300 250, 300 300, 250 300, 250 250))",
        "Tumour",
        color="#00FF00",
    ),
    AnnotationDraft("LINESTRING (5 5, 50.5 70.25)", "Ruler", color="#0000FF"),
    AnnotationDraft("POINT (7 8)", "Mitosis", color="#FFFF00"),
]


def same_shapes(first: list[AnnotationDraft], second: list[AnnotationDraft]) -> bool:
    pairs = zip(first, second, strict=True)
    return all(
        shapely.from_wkt(a.geometry)
        .normalize()
        .equals_exact(shapely.from_wkt(b.geometry).normalize(), 1e-6)
        for a, b in pairs
    )


@pytest.mark.parametrize("fmt", ["geojson", "aperio", "halo", "dsa", "csv"])
def test_export_reads_back_with_the_same_geometries_and_classes(fmt: str) -> None:
    export = formats.write(SAMPLE, fmt, mpp=(0.25, 0.25))
    back = formats.read(export.data, name="x" + export.suffix)
    assert formats.detect(export.data, "x" + export.suffix) == fmt
    assert [d.classification for d in back] == [d.classification for d in SAMPLE]
    assert same_shapes(back, SAMPLE)
    assert [d.color[:7] for d in back] == [d.color for d in SAMPLE]


def test_asap_writes_holes_as_areas_of_their_own() -> None:
    export = formats.write(SAMPLE, "asap")
    back = formats.read(export.data, "asap")
    assert [d.classification for d in back] == ["TLS I", "Tumour", "Tumour", "Ruler", "Mitosis"]
    outer = shapely.from_wkt(SAMPLE[1].geometry)
    assert shapely.from_wkt(back[1].geometry).equals(shapely.Polygon(outer.exterior))
    assert shapely.from_wkt(back[2].geometry).equals(shapely.Polygon(outer.interiors[0]))


def test_wkt_reads_back_its_geometries() -> None:
    export = formats.write(SAMPLE, "wkt")
    back = formats.read(export.data, "wkt")
    assert same_shapes(back, SAMPLE)


def test_csv_has_area_and_length_in_the_slides_unit() -> None:
    rows = formats.write(SAMPLE[:1], "csv", mpp=(0.5, 0.5)).data.decode().splitlines()
    assert (
        rows[0]
        == "classification,notes,color,fill_color,line_thickness,layer_id,area,length,unit,wkt"
    )
    # 100 x 50 px at 0.5 µm: 1250 µm², perimeter 150 µm.
    assert rows[1].split(",")[6:9] == ["1250.0000", "150.0000", "µm"]
    assert formats.write(SAMPLE[:1], "csv").data.decode().splitlines()[1].split(",")[6:9] == [
        "5000.0000",
        "300.0000",
        "px",
    ]


def test_csv_keeps_formulas_as_text() -> None:
    draft = AnnotationDraft("POINT (1 1)", "=HYPERLINK(1)", "+1")
    row = formats.write([draft], "csv").data.decode().splitlines()[1]
    assert row.startswith("'=HYPERLINK(1),'+1,")
    assert formats.read(formats.write([draft], "csv").data, "csv")[0].notes == "+1"


@pytest.mark.parametrize(
    ("fmt", "data", "where"),
    [
        ("geojson", b'{"type": "FeatureCollection", "features": [', "line 1"),
        (
            "geojson",
            b'[{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0]]]}}]',
            "feature 0",
        ),
        (
            "geojson",
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null}]}',
            "feature 0",
        ),
        ("aperio", b"<Annotations><Annotation LineColor='1'><Regions><Region>", "line 1"),
        (
            "aperio",
            b"<Annotations>\n<Annotation LineColor='1'><Regions>\n"
            b"<Region><Vertices><Vertex X='a' Y='1'/>"
            b"</Vertices></Region></Regions></Annotation></Annotations>",
            "line 3",
        ),
        (
            "halo",
            b"<Annotations><Annotation><Regions><Region Type='Blob'><Vertices>"
            b"<V X='1' Y='1'/><V X='2' Y='1'/>"
            b"</Vertices></Region></Regions></Annotation></Annotations>",
            "not supported",
        ),
        ("asap", b"<Annotations/>", "expected <ASAP_Annotations>"),
        ("dsa", b'{"elements": [{"type": "polyline", "points": "nope"}]}', "document 0 element 0"),
        (
            "csv",
            b'classification,wkt\nTumour,"POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))"\n',
            "line 2: Invalid polygon",
        ),
        ("wkt", b"POINT (1 1)\nPOLYGON ((0 0\n", "line 2: Invalid WKT"),
    ],
)
def test_malformed_files_name_the_place(fmt: str, data: bytes, where: str) -> None:
    with pytest.raises(FormatError, match=where.replace("(", r"\(")):
        formats.read(data, fmt, name="upload")


def test_xml_entities_are_refused_not_expanded() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<Annotations><Annotation Name="&e;" LineColor="1"><Regions/></Annotation></Annotations>"""
    with pytest.raises(FormatError, match="external entity"):
        formats.read(bomb, "halo")


def test_unknown_formats_and_files_are_refused() -> None:
    with pytest.raises(FormatError, match="Unknown annotation format"):
        formats.read(b"x", "visiopharm")
    with pytest.raises(FormatError, match="cannot tell"):
        formats.read(b"hello", name="notes.txt")


DICOM_FILE = "dicom-ann/highdicom_sm_annotations.dcm"


def test_dicom_points_keep_their_image_coordinates_and_property(tmp_path: Path) -> None:
    drafts = formats.read(annotation_file(tmp_path, DICOM_FILE).read_bytes(), name="a.dcm")
    # DoublePointCoordinatesData: 34.6 18.4 28.7 34.9 (column, row).
    assert [shapely.from_wkt(d.geometry).coords[0] for d in drafts] == [(34.6, 18.4), (28.7, 34.9)]
    assert {d.notes for d in drafts} == {"Nucleus"}


def _edited_dicom(tmp_path: Path, edit: Callable[[pydicom.Dataset], None]) -> bytes:
    ds = pydicom.dcmread(annotation_file(tmp_path, DICOM_FILE))
    edit(ds)
    out = io.BytesIO()
    ds.save_as(out)
    return out.getvalue()


def test_dicom_polygons_follow_their_point_index(tmp_path: Path) -> None:
    def two_polygons(ds: pydicom.Dataset) -> None:
        group = ds.AnnotationGroupSequence[0]
        group.GraphicType = "POLYGON"
        points = [0, 0, 10, 0, 10, 10, 20, 20, 30, 20, 30, 30, 20, 30]
        group.DoublePointCoordinatesData = np.array(points, "<f8").tobytes()
        group.LongPrimitivePointIndexList = np.array([1, 7], "<u4").tobytes()

    drafts = formats.read(_edited_dicom(tmp_path, two_polygons), name="p.dcm")
    assert [shapely.from_wkt(d.geometry).area for d in drafts] == [50.0, 100.0]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda ds: setattr(ds, "AnnotationCoordinateType", "3D"),
            "p.dcm: annotation group 1 (nuclei): coordinates of type 3D",
        ),
        (
            lambda ds: setattr(ds, "SOPClassUID", "1.2.840.10008.5.1.4.1.1.77.1.6"),
            "p.dcm: a DICOM file of SOP class 1.2.840.10008.5.1.4.1.1.77.1.6",
        ),
        (
            lambda ds: setattr(ds.AnnotationGroupSequence[0], "NumberOfAnnotations", 3),
            "p.dcm: annotation group 1 (nuclei): 3 POINT annotations need 3 points",
        ),
    ],
)
def test_dicom_that_cannot_be_mapped_is_refused_naming_the_group(
    tmp_path: Path, edit: Callable[[pydicom.Dataset], None], message: str
) -> None:
    data = _edited_dicom(tmp_path, edit)
    with pytest.raises(formats.FormatError) as refused:
        formats.read(data, name="p.dcm")
    assert refused.value.message.startswith(message)


def test_a_truncated_dicom_file_is_refused(tmp_path: Path) -> None:
    data = annotation_file(tmp_path, DICOM_FILE).read_bytes()[:900]
    with pytest.raises(formats.FormatError, match=r"^t\.dcm: "):
        formats.read(data, name="t.dcm")
