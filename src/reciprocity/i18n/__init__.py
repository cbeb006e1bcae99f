"""Every word a person reads, in French or English: formats (Babel), code-list labels, evidence lines, phrases.

The library's interfaces (finding messages, the terminal report) and the web app's pages all say things through
this package, so a value or a code reads the same everywhere. It depends on nothing but the errors and its data.
"""

from .formats import DEFAULT_LANGUAGE, LANGUAGES

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES"]
