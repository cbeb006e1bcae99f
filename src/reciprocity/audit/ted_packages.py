"""TED daily packages: their numbering, the release calendar, and a download that survives a flaky network.

TED publishes the Supplement to the Official Journal (OJ S) Monday to Friday, except the Publications Office's
holidays. Each issue's notices come as one .tar.gz at `https://ted.europa.eu/packages/daily/{year}{issue:05d}`
(OJ S 103/2026 -> 202600103); issue numbers restart at 1 each year, and the server answers 404 for an issue it
does not have. Which issue appears on which day is in the yearly release calendar, a CSV (columns "OJS" and
"Publication date", DD/MM/YYYY) at `/en/release-calendar/-/download/file/CSV/{year}`. The server sends no checksum:
we keep the SHA-256 of what we received, and accept a package only once the whole archive reads to its end.
"""

from __future__ import annotations

import csv
import hashlib
import http.client
import io
import re
import tarfile
import time
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import Request, urlopen

from ..errors import DownloadError, PackageNotFoundError

DEFAULT_SOURCE = "https://ted.europa.eu"
PACKAGE_PATH = "/packages/daily/{package}"
CALENDAR_PATH = "/en/release-calendar/-/download/file/CSV/{year}"
TIMEOUT = 60.0
RETRIES = 4  # after the first attempt: waits of backoff x 1, 2, 4, 8
BACKOFF = 2.0
CHUNK = 1024 * 1024
USER_AGENT = "reciprocity (public procurement reciprocity checker)"


@dataclass(frozen=True)
class Issue:
    """One OJ S issue: its year, number and publication day (from the calendar)."""

    year: int
    number: int
    published: date | None = None

    @property
    def package(self) -> str:
        """The package name TED uses: year and issue number on 5 digits."""
        return f"{self.year}{self.number:05d}"


def package_url(source: str, issue: Issue) -> str:
    return source.rstrip("/") + PACKAGE_PATH.format(package=issue.package)


def calendar_url(source: str, year: int) -> str:
    return source.rstrip("/") + CALENDAR_PATH.format(year=year)


def _calendar_day(text: str) -> date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_calendar(text: str, year: int) -> list[Issue]:
    """The issues of a release calendar CSV, in publication order; a file without its two columns is an error."""
    text = text.lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    columns = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    if "ojs" not in columns or "publication date" not in columns:
        raise DownloadError(f"release calendar {year}: no 'OJS' and 'Publication date' columns ({reader.fieldnames})")
    issues = []
    for line, row in enumerate(reader, start=2):
        number, day = (row.get(columns["ojs"]) or "").strip(), (row.get(columns["publication date"]) or "").strip()
        if not number and not day:
            continue
        try:
            issues.append(Issue(year, int(re.sub(r"\D", "", number)), _calendar_day(day)))
        except ValueError:
            raise DownloadError(
                f"release calendar {year}, line {line}: unreadable issue {number!r} / day {day!r}"
            ) from None
    return sorted(issues, key=lambda issue: (issue.published, issue.number))


def _open(url: str, offset: int, timeout: float):
    headers = {"User-Agent": USER_AGENT, **({"Range": f"bytes={offset}-"} if offset else {})}
    return urlopen(Request(url, headers=headers), timeout=timeout)


class _Transient(Exception):
    """A failure worth another attempt: connection lost, server error, short body."""


def _http_error(url: str, exc: HTTPError) -> Exception:
    if exc.code == 404:
        return PackageNotFoundError(f"{url}: not found (HTTP 404)")
    if exc.code >= 500 or exc.code in (408, 429):
        return _Transient(f"HTTP {exc.code}")
    return DownloadError(f"{url}: HTTP {exc.code} {exc.reason}")


def fetch_text(url: str, retries: int = RETRIES, backoff: float = BACKOFF, timeout: float = TIMEOUT) -> str:
    """A small text document (the release calendar), with the same retries as a package."""
    for attempt in range(retries + 1):
        try:
            with _open(url, 0, timeout) as response:
                return response.read().decode("utf-8-sig", errors="replace")
        except HTTPError as exc:
            error = _http_error(url, exc)
        except (OSError, http.client.HTTPException) as exc:
            error = _Transient(f"{type(exc).__name__}: {exc}")
        if not isinstance(error, _Transient):
            raise error
        if attempt == retries:
            raise DownloadError(f"{url}: failed after {retries + 1} attempts ({error})")
        time.sleep(backoff * 2**attempt)
    raise AssertionError("unreachable")


def _fetch_into(url: str, part: Path, timeout: float) -> None:
    """Fetch `url` into `part`, resuming after the bytes it already holds (HTTP Range)."""
    offset = part.stat().st_size if part.exists() else 0
    try:
        response = _open(url, offset, timeout)
    except HTTPError as exc:
        if exc.code == 416 and offset:  # nothing after what we hold: the part is complete, the check decides
            return
        raise _http_error(url, exc) from None
    with response:
        resumed = response.status == 206
        length = response.headers.get("Content-Length")
        expected = (offset if resumed else 0) + int(length) if length and length.isdigit() else None
        with open(part, "ab" if resumed else "wb") as out:
            while block := response.read(CHUNK):
                out.write(block)
    if expected is not None and part.stat().st_size < expected:
        raise _Transient(f"connection closed after {part.stat().st_size} of {expected} bytes")


def download_package(
    url: str, target: Path, retries: int = RETRIES, backoff: float = BACKOFF, timeout: float = TIMEOUT
) -> str:
    """Download a package to `target` and return its SHA-256. Bytes arrive in `target.part`, kept across failures
    and restarts so the next attempt resumes; the file is renamed into place only once the archive reads whole.
    Raises PackageNotFoundError for a 404, DownloadError when retries run out or the archive is truncated."""
    part = target.with_name(target.name + ".part")
    target.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(retries + 1):
        try:
            _fetch_into(url, part, timeout)
            break
        except _Transient as exc:
            error = exc
        except (OSError, http.client.HTTPException) as exc:
            error = _Transient(f"{type(exc).__name__}: {exc}")
        if attempt == retries:
            kept = part.stat().st_size if part.exists() else 0
            raise DownloadError(
                f"{url}: download failed after {retries + 1} attempts ({error}); {kept} bytes kept"
                f" in {part.name}, the next run resumes from there"
            )
        time.sleep(backoff * 2**attempt)
    try:
        verify_archive(part, url)
    except DownloadError:
        part.unlink(missing_ok=True)  # a bad archive is not resumed: the next run downloads it afresh
        raise
    part.replace(target)
    return sha256_of(target)


def verify_archive(path: Path, name: str | None = None) -> None:
    """Read the whole .tar.gz to its end (every member, every byte); a truncated or corrupt one is refused."""
    try:
        with tarfile.open(path, mode="r|*") as archive:
            for member in archive:
                if member.isfile():
                    handle = archive.extractfile(member)
                    while handle.read(CHUNK):
                        pass
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise DownloadError(
            f"{name or path}: truncated or corrupt archive ({exc or type(exc).__name__});"
            " refused, nothing of it is stored"
        ) from None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()
