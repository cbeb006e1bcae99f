"""Sources: folders, .zip and .tar.gz packages streamed without extracting, large DECP JSON streamed."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

from conftest import SAMPLES

from reciprocity.audit.sources import Document, iter_documents, iter_records
from reciprocity.errors import NoticeParseError
from reciprocity.parsers import decp, parse


def _tree(root: Path) -> None:
    (root / "a" / "b").mkdir(parents=True)
    (root / ".git").mkdir()
    for name in ("a/one.xml", "a/b/two.xml", "a/.hidden.xml", ".git/three.xml", "README.md",
                 "a/case.expected.json", "top.json"):
        (root / name).write_bytes(b"<x/>")


def test_folders_are_walked_in_order_without_hidden_or_documentation(tmp_path):
    _tree(tmp_path)
    names = [d.name for d in iter_documents([tmp_path])]
    assert names == [str(tmp_path / "a" / "b" / "two.xml"), str(tmp_path / "a" / "one.xml"),
                     str(tmp_path / "top.json")]
    named = list(iter_documents([tmp_path / "README.md"]))  # a file named explicitly is kept
    assert [d.name for d in named] == [str(tmp_path / "README.md")]


def _tar_gz(path: Path, members: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def test_tar_gz_members_stream_without_touching_the_disk(tmp_path):
    package = tmp_path / "20240105_001.tar.gz"
    _tar_gz(package, {"20240105/000001_2024.xml": b"<a/>", "20240105/000002_2024.xml": b"<b/>"})
    documents = list(iter_documents([tmp_path]))
    assert [d.name for d in documents] == [f"{package}!20240105/000001_2024.xml", f"{package}!20240105/000002_2024.xml"]
    assert [(d.file, d.member, d.data) for d in documents][1] == (str(package), "20240105/000002_2024.xml", b"<b/>")
    assert sorted(p.name for p in tmp_path.iterdir()) == [package.name]  # nothing extracted


def test_zip_members(tmp_path):
    package = tmp_path / "notices.zip"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("x/one.xml", b"<one/>")
        archive.writestr("x/", b"")
    documents = list(iter_documents([package]))
    assert [(d.name, d.data) for d in documents] == [(f"{package}!x/one.xml", None)]  # read later, by a worker
    with documents[0].open() as member:
        assert member.read() == b"<one/>"


def test_a_broken_archive_is_an_error_and_the_walk_goes_on(tmp_path):
    (tmp_path / "a_broken.tar.gz").write_bytes(b"this is not gzip")
    (tmp_path / "b_notice.xml").write_bytes(b"<x/>")
    items = list(iter_documents([tmp_path]))
    assert isinstance(items[0], NoticeParseError) and "cannot read archive" in str(items[0])
    assert isinstance(items[1], Document) and items[1].name.endswith("b_notice.xml")


def test_sha1_is_the_same_for_bytes_and_file(tmp_path):
    path = tmp_path / "n.xml"
    path.write_bytes(b"<notice/>")
    assert Document(name="n", file="n", path=str(path)).sha1() == Document(name="n", file="n", data=b"<notice/>").sha1()


def test_decp_json_files_are_streamed_record_by_record(tmp_path, monkeypatch):
    path = tmp_path / "decp.json"
    path.write_bytes((SAMPLES / "decp-2022-rennes.json").read_bytes())
    expected = [n.id for n in parse(path)]
    calls = []
    stream = decp.iter_stream

    def spy(handle, source):
        calls.append((source, type(handle).__name__))
        yield from stream(handle, source)

    monkeypatch.setattr(decp, "iter_stream", spy)
    document = next(iter_documents([path]))
    assert document.data is None  # the file is not read by the source walker
    assert [n.id for n in iter_records(document)] == expected and len(expected) >= 2
    assert calls == [(str(path), "BufferedReader")]  # an open file, read record by record
