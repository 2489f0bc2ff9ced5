"""DICOM files for listing tests: the header of one instance of a series, no pixels (a folder
listing reads only SeriesInstanceUID; OpenSlide is never asked to open these)."""

from __future__ import annotations

from pathlib import Path

from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

VL_WHOLE_SLIDE_MICROSCOPY = "1.2.840.10008.5.1.4.1.1.77.1.6"


def write_instance(path: Path, series_uid: str) -> None:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = VL_WHOLE_SLIDE_MICROSCOPY
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    dataset = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128)
    dataset.SOPClassUID = VL_WHOLE_SLIDE_MICROSCOPY
    dataset.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    dataset.SeriesInstanceUID = series_uid
    dataset.Modality = "SM"
    dataset.save_as(path, enforce_file_format=True)


def write_series(folder: Path, names: list[str]) -> str:
    """The instances `names` of one new series in `folder`; its SeriesInstanceUID."""
    series_uid = generate_uid()
    for name in names:
        write_instance(folder / name, series_uid)
    return series_uid
