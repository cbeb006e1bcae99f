"""Raw documents from files, folders, .zip and TED .tar.gz packages, never extracted to disk.

A `Document` is one notice file (or one archive member, named "package.tar.gz!member.xml"). Plain files and zip
members are read lazily, by whoever processes them (an ingest worker), so the reader of the sources stays light
and holds no notice bytes; a zip member is decompressed as a stream under a running cap (a header may lie about
its size). Tar members are read into memory one at a time as the archive streams past (tarfile mode "r|*").
A DECP JSON file or member is handed to the parsers as a stream, read record by record (`decp.iter_stream`).

Sources are hostile: a folder walk stays inside the folder it was given (a symbolic link leading out of it, or a
loop, is reported and not followed), pipes and devices are reported, never opened; an archive member that
cannot be read (encrypted, an unsupported compression, a bad CRC) is reported and the members after it are read.
Every such fault is yielded as a `NoticeParseError` naming the file: nothing is skipped silently.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import stat
import tarfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import NoticeParseError, NoticeTooLargeError
from ..model import Notice
from ..parsers import DEFAULT_MAX_BYTES, iter_parse

TAR_SUFFIXES = (".tar.gz", ".tgz", ".tar")
# Files that sit beside notices but are never notices: documentation and our test expectations
NOT_NOTICES = ("*.md", "*.expected.json", "LICENSE*")
MAX_MEMBER_BYTES = 256 * 1024 * 1024  # an archive member larger than this is refused, however it is read
CHUNK = 1024 * 1024
ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_ZIP_METHOD_NAMES = {9: "Deflate64", 6: "Implode", 98: "PPMd", 93: "Zstandard", 95: "XZ"}


@dataclass
class Document:
    """One notice document: `name` is its display name, `file` the file on disk, `member` its archive member."""

    name: str
    file: str
    member: str | None = None
    data: bytes | None = None  # tar members (and uploads) come as bytes
    path: str | None = None  # plain files are read from here, lazily
    entry: int | None = None  # a zip member: its position in the archive's directory, read lazily

    @contextmanager
    def open(self) -> Iterator[BinaryIO]:
        """The document's bytes as a stream (a zip member decompressed under MAX_MEMBER_BYTES)."""
        if self.data is not None:
            import io

            yield io.BytesIO(self.data)
        elif self.entry is not None:
            with _zip_member(self) as member:
                yield _Capped(member, MAX_MEMBER_BYTES, self.name)  # type: ignore[misc]
        else:
            with open(self.path or self.file, "rb") as handle:
                yield handle

    def sha1(self) -> str:
        """Content hash: an unchanged document is skipped when an ingest resumes."""
        digest = hashlib.sha1()
        with self.open() as handle:
            for block in iter(lambda: handle.read(CHUNK), b""):
                digest.update(block)
        return digest.hexdigest()


_OPEN_ZIP: dict[str, zipfile.ZipFile] = {}  # the last archive a process read from: its directory is read once


def _zip_member(document: Document):
    """The member's decompressing stream; the archive stays open for the next member of the same file."""
    archive = _OPEN_ZIP.get(document.file)
    if archive is None:
        for previous in _OPEN_ZIP.values():
            previous.close()
        _OPEN_ZIP.clear()
        archive = _OPEN_ZIP[document.file] = zipfile.ZipFile(document.file)
    entries = archive.infolist()
    if document.entry >= len(entries) or entries[document.entry].filename != document.member:  # type: ignore
        raise NoticeParseError(document.name, "the archive changed while it was read; run again")
    return archive.open(entries[document.entry])  # type: ignore[index]


class _Capped:
    """A read()-able stream that raises `NoticeTooLargeError` once more than `cap` bytes came out of it."""

    def __init__(self, raw: BinaryIO, cap: int, name: str) -> None:
        self._raw, self._left, self._name = raw, cap, name

    def read(self, size: int = -1) -> bytes:
        want = self._left + 1 if size is None or size < 0 else min(size, self._left + 1)
        data = self._raw.read(want)
        self._left -= len(data)
        if self._left < 0:
            raise NoticeTooLargeError(self._name, f"archive member over {MAX_MEMBER_BYTES:,} bytes once "
                                                  "decompressed; not read")
        return data


def is_tar(path: Path) -> bool:
    return path.name.lower().endswith(TAR_SUFFIXES)


def iter_sources(paths: list[str | Path] | tuple[str | Path, ...]) -> Iterator[Path | NoticeParseError]:
    """Expand folders (recursively; hidden entries and NOT_NOTICES skipped) into files, in a stable order, with a
    `NoticeParseError` for each entry that is not followed (a link out of the folder or in a loop, a pipe…).

    A path named explicitly is always kept. Paths are made absolute, so a document has one name whatever the
    working directory. Folders are walked one at a time (entries sorted per folder, no recursion), so memory
    follows the largest folder, not the whole tree."""
    for path in (Path(p).absolute() for p in paths):
        if path.is_dir():
            yield from _walk(path)
        else:
            yield path


def iter_paths(paths: list[str | Path] | tuple[str | Path, ...]) -> Iterator[Path]:
    """The files of `iter_sources`, without the entries it reports as not followed."""
    return (item for item in iter_sources(paths) if isinstance(item, Path))


def _walk(root: Path) -> Iterator[Path | NoticeParseError]:
    """Depth first, entries sorted per folder; links are followed only to places inside `root`, once each."""
    real_root = os.path.realpath(root)
    seen: set[tuple[int, int]] = set()
    stack: list[Iterator[Path]] = [iter([root])]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        kind, reason = _kind(entry, real_root)
        if kind == "dir":
            info = entry.stat()
            if (info.st_dev, info.st_ino) in seen:
                yield NoticeParseError(str(entry), "folder already walked (a link loop); not followed")
                continue
            seen.add((info.st_dev, info.st_ino))
            try:
                stack.append(iter(_entries(entry)))
            except OSError as exc:
                yield NoticeParseError(str(entry), f"folder cannot be read: {exc.strerror or exc}")
        elif kind == "file":
            if _is_candidate(entry):
                yield entry
        else:
            yield NoticeParseError(str(entry), reason)


def _entries(folder: Path) -> list[Path]:
    with os.scandir(folder) as scan:
        names = sorted(entry.name for entry in scan)
    return [folder / name for name in names if not name.startswith(".")]


def _kind(path: Path, real_root: str) -> tuple[str, str]:
    """("dir" | "file" | "skip", reason): what a walk does with an entry, and why when it skips it."""
    try:
        if path.is_symlink():
            target = os.path.realpath(path)
            if os.path.commonpath([real_root, target]) != real_root:
                return "skip", "symbolic link to a place outside the folder; not followed"
            if not os.path.lexists(target):  # a link to a file not there (yet): its reader says it is missing
                return "file", ""
        mode = path.stat().st_mode
    except (OSError, ValueError) as exc:  # a link loop, a permission refused
        return "skip", f"cannot be read: {getattr(exc, 'strerror', None) or exc}; not followed"
    if stat.S_ISDIR(mode):
        return "dir", ""
    if stat.S_ISREG(mode):
        return "file", ""
    return "skip", "not a regular file (a pipe, socket or device); not read"


def _is_candidate(relative: Path) -> bool:
    return not any(fnmatch.fnmatch(relative.name, pattern) for pattern in NOT_NOTICES)


def iter_documents(paths: list[str | Path] | tuple[str | Path, ...]) -> Iterator[Document | NoticeParseError]:
    """Every document below `paths`; whatever cannot be read (an entry of a folder, an archive, one member of it)
    yields a NoticeParseError naming it and the walk goes on. Never raises for a fault of the input."""
    for path in iter_sources(paths):
        if isinstance(path, NoticeParseError):
            yield path
            continue
        try:
            if is_tar(path):
                yield from _iter_tar(path)
            elif path.suffix.lower() == ".zip":
                yield from _iter_zip(path)
            else:
                yield Document(name=str(path), file=str(path), path=str(path))
        except Exception as exc:  # noqa: BLE001 - any fault of one source is reported, and the others are read
            yield NoticeParseError(str(path), f"cannot read archive: {exc}")


def _member_error(path: Path, member: str, size: int) -> NoticeParseError | None:
    if size > MAX_MEMBER_BYTES:
        return NoticeParseError(f"{path}!{member}", f"archive member too large ({size} bytes)")
    return None


def _iter_tar(path: Path) -> Iterator[Document | NoticeParseError]:
    """Members of a TED package, streamed: mode "r|*" reads forward only and writes nothing to disk."""
    with tarfile.open(path, mode="r|*") as archive:
        for member in archive:
            if member.isdir():
                continue
            if not member.isfile():
                yield NoticeParseError(f"{path}!{member.name}", f"{_tar_kind(member)} in the archive, not a file;"
                                                                " not read")
                continue
            error = _member_error(path, member.name, member.size)
            if error:
                yield error
                continue
            handle = archive.extractfile(member)
            yield Document(name=f"{path}!{member.name}", file=str(path), member=member.name, data=handle.read())


def _tar_kind(member: tarfile.TarInfo) -> str:
    if member.issym() or member.islnk():
        return f"a link to {member.linkname!r}"
    if member.ischr() or member.isblk():
        return "a device"
    return "a pipe" if member.isfifo() else "a special entry"


def _iter_zip(path: Path) -> Iterator[Document | NoticeParseError]:
    """Members of a zip, each read later by its own reader: one member that cannot be read spoils no other."""
    with zipfile.ZipFile(path) as archive:
        for entry, info in enumerate(archive.infolist()):
            if info.is_dir():
                continue
            name = f"{path}!{info.filename}"
            if info.flag_bits & 0x1:
                yield NoticeParseError(name, "encrypted archive member; not read")
            elif info.compress_type not in ZIP_METHODS:
                method = _ZIP_METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
                yield NoticeParseError(name, f"archive member compressed with {method}, which cannot be read; "
                                             "not read (re-create the archive with Deflate)")
            else:
                yield _member_error(path, info.filename, info.file_size) or Document(
                    name=name, file=str(path), member=info.filename, entry=entry)


def iter_records(document: Document, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Notice | NoticeParseError]:
    """Parse a document into notices (or per-record errors). A plain file goes to the parsers by path and a zip
    member as a stream, so DECP JSON is read record by record (`decp.iter_stream`), never loaded whole.

    Errors that spoil the whole document are raised (NoticeParseError naming it).
    """
    if document.entry is None:
        yield from iter_parse(document.data if document.data is not None else document.path, document.name,
                              max_bytes)
        return
    with document.open() as stream:
        yield from iter_parse(stream, document.name, max_bytes)
