"""`sightline models pull`: download a VLM in the transformers.js ONNX layout.

Uses huggingface_hub's `snapshot_download` with allow-patterns, so only the
processor/tokenizer files and the ONNX graphs of one variant are fetched. The
endpoint is the `endpoint` argument, else `HF_ENDPOINT` read at call time (a
mirror or an internal hub). The revision is resolved to a commit first and the
download is pinned to it, so a branch moving mid-download cannot mix files. A
`sightline-model.json` manifest records repo, commit and licence for
`sightline models list`.
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import Any

from models.backends.onnx_session import ONNX_PARTS, PROCESSOR_FILES, REQUIRED_FILES

logger = logging.getLogger(__name__)
MANIFEST = "sightline-model.json"
_METADATA_PATTERNS = ("*.json", "*.jinja", "*.txt", "*.model", "README.md", "LICENSE*")


class ModelPullError(RuntimeError):
    """The model could not be downloaded or is not in the expected layout."""


def allow_patterns(*, variant: str | None) -> list[str]:
    """Files to fetch: metadata plus the three ONNX graphs (and external data) of `variant`."""
    suffix = f"_{variant}" if variant else ""
    graphs = [f"onnx/{part}{suffix}.onnx" for part in ONNX_PARTS]
    return [*_METADATA_PATTERNS, *graphs, *(f"{graph}_data*" for graph in graphs)]


def check_layout(*, model_dir: Path, variant: str | None) -> list[str]:
    """Relative paths the ONNX backend needs that are missing from `model_dir`."""
    suffix = f"_{variant}" if variant else ""
    needed = [f"onnx/{part}{suffix}.onnx" for part in ONNX_PARTS] + list(REQUIRED_FILES)
    missing = [name for name in needed if not (model_dir / name).is_file()]
    if not any((model_dir / name).is_file() for name in PROCESSOR_FILES):
        missing.append(PROCESSOR_FILES[0])
    return missing


def _licence_from_readme(readme: Path) -> str | None:
    if not readme.is_file():
        return None
    match = re.search(r"(?ms)\A---\n.*?^license:\s*([^\n]+?)\s*$.*?^---", readme.read_text(
        encoding="utf-8", errors="replace"))
    return match.group(1).strip("'\"") if match else None


def pull_model(
    repo_id: str,
    *,
    revision: str | None,
    target_dir: Path,
    endpoint: str | None = None,
    variant: str | None = None,
    token: str | bool | None = None,
) -> Path:
    """Download `repo_id` at `revision` (default: main) into `target_dir` and return it.

    Raises ModelPullError when the hub cannot be reached, the repo or revision
    does not exist, or the download lacks a file the `onnx` backend needs.
    """
    from huggingface_hub import HfApi, snapshot_download

    hub = endpoint or os.environ.get("HF_ENDPOINT") or None
    target = Path(target_dir)
    try:
        info: Any = HfApi(endpoint=hub, token=token).model_info(repo_id, revision=revision)
        commit = str(info.sha)
        snapshot_download(
            repo_id, revision=commit, local_dir=str(target), endpoint=hub, token=token,
            allow_patterns=allow_patterns(variant=variant), max_workers=4)
    except Exception as exc:  # hub errors, and the HTTP library's (httpx2 or requests)
        # The message names the repo and status, never a token.
        raise ModelPullError(f"could not download {repo_id}: {type(exc).__name__}: {exc}") from exc
    missing = check_layout(model_dir=target, variant=variant)
    if missing:
        raise ModelPullError(
            f"{repo_id} at {commit[:12]} is not an ONNX VLM in the transformers.js layout; "
            f"missing: {', '.join(missing)}")
    card = getattr(info, "card_data", None)
    licence = (card.get("license") if card else None) or _licence_from_readme(target / "README.md")
    manifest = {"repo_id": repo_id, "revision": revision or "main", "commit": commit,
                "variant": variant, "license": licence}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    logger.info("model pulled", extra={"repo_id": repo_id, "commit": commit, "license": licence})
    return target
