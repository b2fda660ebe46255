"""Archives are read in memory, never extracted: unsafe names are ignored with a warning, bombs refused."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from relaudit.errors import InputError
from relaudit.loaders.container import Container
from relaudit.pipeline import AuditOptions, read_messages
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "twitter_archive"


def archive_zip(tmp_path: Path, extra: dict[str, bytes]) -> Path:
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in FIXTURE.rglob("*"):
            if file.is_file():
                archive.write(file, file.relative_to(FIXTURE).as_posix())
        for name, data in extra.items():
            archive.writestr(name, data)
    return path


def test_names_outside_the_archive_are_ignored_with_a_warning(tmp_path):
    path = archive_zip(tmp_path, {"../../etc/evil.js": b"x", "/abs/tweets.js": b"y", "data/../../up.js": b"z"})
    container = Container(path)
    assert all(".." not in n and not n.startswith("/") for n in container.names())
    assert sorted(container.refused) == ["../../etc/evil.js", "/abs/tweets.js", "data/../../up.js"]
    loaded = read_messages([path], AuditOptions())
    assert loaded.messages and sum("points outside the archive" in n for n in loaded.notices) == 3
    assert not (tmp_path.parent / "etc").exists()


def test_zip_bomb_is_refused_quickly(tmp_path):
    path = archive_zip(tmp_path, {})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data/tweets-part1.js", b"window.YTD.tweets.part1 = [" + b" " * 30_000_000 + b"]")
    started = time.monotonic()
    with pytest.raises(InputError, match="refused: the member would expand to 30,000,028 bytes"):
        read_messages([path], AuditOptions())
    assert time.monotonic() - started < 5
