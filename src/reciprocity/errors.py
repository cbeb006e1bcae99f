"""One error hierarchy for the whole library: the CLI and the web app each render it in one place."""

from __future__ import annotations


class ReciprocityError(Exception):
    """Root of every error the library raises on purpose. `code` is a stable machine-readable name."""

    code = "error"


class NoticeParseError(ReciprocityError):
    """A notice could not be read: names the file (or upload) and, where known, the line."""

    code = "parse-error"

    def __init__(self, source: str | None, reason: str, line: int | None = None) -> None:
        self.source = source or "<input>"
        self.reason = reason
        self.line = line
        where = f"{self.source}:{line}" if line else self.source
        super().__init__(f"{where}: {reason}")


class UnknownFormatError(NoticeParseError):
    """The content is none of the formats we read (eForms, TED XML, DECP)."""

    code = "unknown-format"


class UnsafeXMLError(NoticeParseError):
    """The XML declares a DTD or entities: refused, never expanded or fetched."""

    code = "unsafe-xml"


class NoticeTooLargeError(NoticeParseError):
    """The notice is larger than the configured cap."""

    code = "too-large"


class RuleDataError(ReciprocityError):
    """A rule data file is invalid: names the file and the key."""

    code = "rule-data"


class ConfigError(ReciprocityError):
    """A setting or argument is invalid."""

    code = "config"


class NotFoundError(ReciprocityError):
    """A tender, winner or other record does not exist."""

    code = "not-found"


class IngestError(ReciprocityError):
    """A batch ingest could not go on (a worker process died); running it again resumes."""

    code = "ingest"


class DraftError(ReciprocityError):
    """Values typed in the draft form are invalid. `field`/`reason` name the first; `errors` holds every one, each
    with a `key` (the reason, worded per language by the interfaces) and its `params`."""

    code = "invalid-draft"

    def __init__(self, field: str, reason: str, key: str = "invalid", **params: object) -> None:
        self.field, self.reason, self.key, self.params = field, reason, key, params
        self.errors: list[DraftError] = [self]
        super().__init__(f"{field}: {reason}")

    @classmethod
    def combine(cls, errors: list[DraftError]) -> DraftError:
        """One error carrying all of `errors` (its message lists them)."""
        first = errors[0]
        combined = cls(first.field, first.reason, first.key, **first.params)
        combined.errors = list(errors)
        combined.args = ("; ".join(f"{e.field}: {e.reason}" for e in errors),)
        return combined


class DownloadError(ReciprocityError):
    """A TED package could not be downloaded whole, or is not a readable archive: nothing of it is stored."""

    code = "download"


class PackageNotFoundError(DownloadError):
    """The server has no such package (HTTP 404): not published (yet), or no issue that day."""

    code = "package-not-found"
