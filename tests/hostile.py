"""Hostile inputs for the reliability tests (issue 16), generated in code, and a runner that bounds what they cost.

Anything that could exhaust memory or hang runs in a subprocess under an address-space limit and a timeout, so a
regression fails the test instead of the machine.
"""

from __future__ import annotations

import json
import resource
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from conftest import SAMPLES

GB = 1024**3
CLI = [str(Path(sys.executable).with_name("reciprocity"))]


def limited(args: list[str], memory: int = GB, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """Run `args` with at most `memory` bytes of address space and `timeout` seconds (TimeoutExpired fails)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, preexec_fn=limit, **kwargs)


def cli(*args: str, memory: int = GB, timeout: float = 120) -> subprocess.CompletedProcess:
    """The `reciprocity` command in a limited subprocess."""
    return limited([*CLI, *map(str, args)], memory=memory, timeout=timeout)


def assert_clean_error(run: subprocess.CompletedProcess, *words: str) -> None:
    """Exit status 1 (not a signal, not a crash), `Error: …` naming the problem, no traceback."""
    assert run.returncode == 1, (run.returncode, run.stderr[-2000:])
    assert "Traceback" not in run.stderr and "Error: " in run.stderr, run.stderr[-2000:]
    for word in words:
        assert word in run.stderr, (word, run.stderr[-2000:])


def market(**fields) -> dict:
    """A valid 2019-schema DECP market; keyword arguments replace or add fields."""
    record = {
        "id": "2019A0001", "acheteur": {"id": "21350238800019", "nom": "Ville de Rennes"}, "nature": "Marché",
        "objet": "Travaux", "codeCPV": "45000000-7", "procedure": "Appel d'offres ouvert", "dureeMois": 12,
        "dateNotification": "2019-01-15", "datePublicationDonnees": "2019-02-01", "montant": 100000,
        "titulaires": [{"typeIdentifiant": "SIRET", "id": "81745263400014", "denominationSociale": "ACME"}],
    }
    record.update(fields)
    return record


def decp(*records: dict) -> bytes:
    return json.dumps({"marches": list(records)}, ensure_ascii=False).encode()


def decp_with_raw_value(field: str, raw: bytes, before: int = 1, after: int = 1) -> bytes:
    """A DECP document whose one record carries `raw` JSON text as `field`, between good records."""
    good = [json.dumps(market(id=f"G{n}"), ensure_ascii=False).encode() for n in range(before + after)]
    placeholder = json.dumps(market(id="BAD", **{field: "@@RAW@@"})).encode()
    bad = placeholder.replace(b'"@@RAW@@"', raw)
    return b'{"marches": [' + b", ".join([*good[:before], bad, *good[before:]]) + b"]}"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def with_amount(name: str, amount: str) -> bytes:
    """A sample of ours with every amount replaced by `amount` (eForms, TED or DECP)."""
    text = sample(name).decode("utf-8")
    if name.endswith(".json"):
        data = json.loads(text)
        for record in data["marches"] if isinstance(data["marches"], list) else data["marches"]["marche"]:
            for part in [record, *(m.get("modification", m) for m in record.get("modifications") or [])]:
                if "montant" in part:
                    part["montant"] = "@@AMOUNT@@"
        return json.dumps(data, ensure_ascii=False).replace('"@@AMOUNT@@"', amount).encode()
    import re

    pattern = r"(<cbc:[A-Za-z]*Amount[^>]*>)[^<]*(<)" if "eforms" in name else r"(<VAL_[A-Z_]*[^>]*>)[0-9.]+(<)"
    return re.sub(pattern, rf"\g<1>{amount}\g<2>", text).encode()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@contextmanager
def deadline(seconds: int):
    """Fail the test (TimeoutError) instead of hanging when the block takes longer than `seconds`."""

    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
