"""Reads a PyTorch `state_dict` file into numpy arrays without importing torch.

A `.pth` file is pickled Python plus raw tensor bytes, in one of two layouts:
the legacy stream (torch < 1.6: several pickles in a row, then each storage's
element count and bytes) or a zip archive (`*/data.pkl` plus `*/data/<key>`).
Unpickling runs code named by the file, so the unpickler here resolves only
the handful of names a state dict needs and refuses everything else.
"""

from __future__ import annotations

import io
import pickle
import struct
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class UnsafeCheckpointError(pickle.UnpicklingError):
    """The checkpoint names a Python object outside the allowed state-dict set."""


@dataclass(frozen=True)
class _StorageType:
    dtype: type[np.generic]


@dataclass
class _Storage:
    key: str
    dtype: type[np.generic]
    numel: int
    data: npt.NDArray[Any] | None = None


@dataclass(frozen=True)
class _TensorRef:
    storage: _Storage
    offset: int
    size: tuple[int, ...]
    stride: tuple[int, ...]

    def materialize(self) -> npt.NDArray[Any]:
        assert self.storage.data is not None, "storage bytes were not read"
        flat = self.storage.data
        if not self.size:
            return flat[self.offset : self.offset + 1].reshape(()).copy()
        itemsize = flat.dtype.itemsize
        view = np.lib.stride_tricks.as_strided(
            flat[self.offset :],
            shape=self.size,
            strides=tuple(s * itemsize for s in self.stride),
            writeable=False,
        )
        return np.array(view, copy=True)


def _rebuild_tensor(storage: _Storage, offset: int, size: Any, stride: Any, *_: Any) -> _TensorRef:
    return _TensorRef(
        storage, int(offset), tuple(int(s) for s in size), tuple(int(s) for s in stride)
    )


def _empty_ordered_dict(*_: Any) -> OrderedDict[Any, Any]:
    return OrderedDict()


class _RestrictedUnpickler(pickle.Unpickler):
    """Resolves only OrderedDict, tensor rebuilding and storage types."""

    def __init__(self, file: IO[bytes], storages: dict[str, _Storage]) -> None:
        super().__init__(file)
        self._storages = storages

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("collections", "OrderedDict"):
            return _empty_ordered_dict
        if (module, name) in (
            ("torch._utils", "_rebuild_tensor_v2"),
            ("torch._utils", "_rebuild_tensor"),
        ):
            return _rebuild_tensor
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(_STORAGE_DTYPES[name])
        raise UnsafeCheckpointError(f"checkpoint refers to {module}.{name}, which is not allowed")

    def persistent_load(self, pid: Any) -> Any:
        # Legacy: ("storage", type, key, location, numel, view_metadata);
        # zip:    ("storage", type, key, location, numel).
        if not isinstance(pid, tuple) or not pid or pid[0] != "storage":
            raise UnsafeCheckpointError("unexpected persistent id in checkpoint")
        storage_type, key, _location, numel = pid[1], str(pid[2]), pid[3], int(pid[4])
        if not isinstance(storage_type, _StorageType):
            raise UnsafeCheckpointError("unexpected storage type in checkpoint")
        if key not in self._storages:
            self._storages[key] = _Storage(key, storage_type.dtype, numel)
        return self._storages[key]


def load_state_dict(path: Path) -> dict[str, npt.NDArray[Any]]:
    """Return the checkpoint's tensors by name as numpy arrays (C-contiguous copies)."""
    storages: dict[str, _Storage] = {}
    if zipfile.is_zipfile(path):
        result = _load_zip(path, storages)
    else:
        with path.open("rb") as file:
            result = _load_legacy(file, storages)
    if not isinstance(result, dict):
        raise UnsafeCheckpointError("checkpoint is not a state dict")
    state = result.get("state_dict", result)
    return {
        str(name): ref.materialize() for name, ref in state.items() if isinstance(ref, _TensorRef)
    }


def _load_legacy(file: IO[bytes], storages: dict[str, _Storage]) -> Any:
    header: Callable[[], Any] = _RestrictedUnpickler(file, storages).load
    if header() != LEGACY_MAGIC:
        raise UnsafeCheckpointError("not a PyTorch checkpoint (bad magic number)")
    header()  # protocol version
    sys_info = header()
    if isinstance(sys_info, dict) and not sys_info.get("little_endian", True):
        raise UnsafeCheckpointError("big-endian checkpoints are not supported")
    result = _RestrictedUnpickler(file, storages).load()
    keys = _RestrictedUnpickler(file, storages).load()
    for key in keys:
        storage = storages[str(key)]
        (numel,) = struct.unpack("<q", file.read(8))
        nbytes = numel * np.dtype(storage.dtype).itemsize
        storage.data = np.frombuffer(file.read(nbytes), dtype=storage.dtype, count=numel)
    return result


def _load_zip(path: Path, storages: dict[str, _Storage]) -> Any:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        pickle_name = next(name for name in names if name.endswith("data.pkl"))
        prefix = pickle_name[: -len("data.pkl")]
        result = _RestrictedUnpickler(io.BytesIO(archive.read(pickle_name)), storages).load()
        for key, storage in storages.items():
            raw = archive.read(f"{prefix}data/{key}")
            storage.data = np.frombuffer(raw, dtype=storage.dtype, count=storage.numel)
    return result
