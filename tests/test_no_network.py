"""relaudit never touches the network: with every socket entry point made to fail, audit and label still run."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from relaudit.cli import main

SAMPLE = Path(__file__).parents[1] / "samples" / "responsive-brand.jsonl"


class NetworkUsed(AssertionError):
    """Raised by the blocked socket functions."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every way of opening a connection or resolving a name fail, and record attempts."""
    attempts: list[str] = []

    def blocked(name: str) -> Any:
        def refuse(*args: Any, **kwargs: Any) -> Any:
            attempts.append(name)
            raise NetworkUsed(f"network use: socket.{name}{args!r}")

        return refuse

    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname", "socketpair", "fromfd"):
        monkeypatch.setattr(socket, name, blocked(name))
    return attempts


def _run(argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setattr("sys.argv", ["relaudit", *argv])
    with pytest.raises(SystemExit) as stop:
        main()
    captured = capsys.readouterr()
    assert "network use" not in captured.err
    return int(stop.value.code or 0), captured.out


def test_the_blocker_works(no_network: list[str]) -> None:
    with pytest.raises(NetworkUsed):
        socket.create_connection(("example.com", 80))
    assert no_network == ["create_connection"]


def test_full_audit_and_label_without_network(
    no_network: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out = _run(["audit", str(SAMPLE), "--format", "json"], capsys, monkeypatch)
    assert code == 0 and json.loads(out)["counts"]["messages"] == 186
    code, out = _run(["audit", str(SAMPLE)], capsys, monkeypatch)
    assert code == 0 and "relationship grade" in out
    code, out = _run(["label", str(SAMPLE)], capsys, monkeypatch)
    assert code == 0 and len(out.splitlines()) == 186
    code, out = _run(["label", str(SAMPLE), "--format", "csv"], capsys, monkeypatch)
    assert code == 0 and len(out.splitlines()) == 187
    assert no_network == []
