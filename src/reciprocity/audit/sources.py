"""Raw documents from files, folders, .zip and TED .tar.gz packages, never extracted to disk.

A `Document` is one notice file (or one archive member, named "package.tar.gz!member.xml"). Plain files are
read lazily, by whoever processes them (an ingest worker), so the reader of the sources stays light; archive
members are read into memory one at a time as the archive streams past (tarfile mode "r|*"). A DECP JSON
file on disk is handed to the parsers by path, which stream it record by record (`decp.iter_stream`).
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import NoticeParseError
from ..model import Notice
from ..parsers import DEFAULT_MAX_BYTES, iter_parse

TAR_SUFFIXES = (".tar.gz", ".tgz", ".tar")
# Files that sit beside notices but are never notices: documentation and our test expectations
NOT_NOTICES = ("*.md", "*.expected.json", "LICENSE*")
MAX_MEMBER_BYTES = 256 * 1024 * 1024  # an archive member larger than this is refused, not loaded
CHUNK = 1024 * 1024


@dataclass
class Document:
    """One notice document: `name` is its display name, `file` the file on disk, `member` its archive member."""

    name: str
    file: str
    member: str | None = None
    data: bytes | None = None  # archive members (and uploads) come as bytes
    path: str | None = None  # plain files are read from here, lazily

    def sha1(self) -> str:
        """Content hash: an unchanged document is skipped when an ingest resumes."""
        digest = hashlib.sha1()
        if self.data is not None:
            digest.update(self.data)
        else:
            with open(self.path, "rb") as handle:
                for block in iter(lambda: handle.read(CHUNK), b""):
                    digest.update(block)
        return digest.hexdigest()


def is_tar(path: Path) -> bool:
    return path.name.lower().endswith(TAR_SUFFIXES)


def iter_paths(paths: list[str | Path] | tuple[str | Path, ...]) -> Iterator[Path]:
    """Expand folders (recursively; hidden entries and NOT_NOTICES skipped) into files, in a stable order.

    A file named explicitly is always kept. Paths are made absolute, so a document has one name whatever the
    working directory. Folders are walked one at a time (entries sorted per folder), so memory follows the
    largest folder, not the whole tree."""
    for path in (Path(p).absolute() for p in paths):
        if path.is_dir():
            yield from _walk(path)
        else:
            yield path


def _walk(folder: Path) -> Iterator[Path]:
    with os.scandir(folder) as scan:
        entries = sorted((entry.name, entry.is_dir(follow_symlinks=True)) for entry in scan)
    for name, is_dir in entries:
        if name.startswith("."):
            continue
        if is_dir:
            yield from _walk(folder / name)
        elif _is_candidate(Path(name)):
            yield folder / name


def _is_candidate(relative: Path) -> bool:
    return not any(fnmatch.fnmatch(relative.name, pattern) for pattern in NOT_NOTICES)


def iter_documents(paths: list[str | Path] | tuple[str | Path, ...]) -> Iterator[Document | NoticeParseError]:
    """Every document below `paths`; an unreadable archive yields a NoticeParseError and the walk goes on."""
    for path in iter_paths(paths):
        try:
            if is_tar(path):
                yield from _iter_tar(path)
            elif path.suffix.lower() == ".zip":
                yield from _iter_zip(path)
            else:
                yield Document(name=str(path), file=str(path), path=str(path))
        except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as exc:
            yield NoticeParseError(str(path), f"cannot read archive: {exc}")


def _member_error(path: Path, member: str, size: int) -> NoticeParseError | None:
    if size > MAX_MEMBER_BYTES:
        return NoticeParseError(f"{path}!{member}", f"archive member too large ({size} bytes)")
    return None


def _iter_tar(path: Path) -> Iterator[Document | NoticeParseError]:
    """Members of a TED package, streamed: mode "r|*" reads forward only and writes nothing to disk."""
    with tarfile.open(path, mode="r|*") as archive:
        for member in archive:
            if not member.isfile():
                continue
            error = _member_error(path, member.name, member.size)
            if error:
                yield error
                continue
            handle = archive.extractfile(member)
            yield Document(name=f"{path}!{member.name}", file=str(path), member=member.name, data=handle.read())


def _iter_zip(path: Path) -> Iterator[Document | NoticeParseError]:
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            error = _member_error(path, info.filename, info.file_size)
            if error:
                yield error
                continue
            yield Document(name=f"{path}!{info.filename}", file=str(path), member=info.filename,
                           data=archive.read(info))


def iter_records(document: Document, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Notice | NoticeParseError]:
    """Parse a document into notices (or per-record errors). A plain file goes to the parsers by path, so a
    DECP JSON file is streamed record by record (`decp.iter_stream`), never loaded whole.

    Errors that spoil the whole document are raised (NoticeParseError naming it).
    """
    yield from iter_parse(document.data if document.data is not None else document.path, document.name, max_bytes)
