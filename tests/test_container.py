"""Archives are read in memory, never extracted: unsafe names are ignored with a warning, bombs refused."""

from __future__ import annotations

import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from relaudit import cli
from relaudit.errors import InputError
from relaudit.loaders import container as container_module
from relaudit.loaders import detect
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


def folder_tree(root: Path) -> Path:
    """Nested folders with a hidden file, a link to a file, a link to a folder and a broken link."""
    (root / "data" / "deep").mkdir(parents=True)
    (root / "feed.jsonl").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "data" / "a.txt").write_text("a", encoding="utf-8")
    (root / "data" / "deep" / ".hidden").write_text("h", encoding="utf-8")
    (root / "data" / "file-link").symlink_to(root / "data" / "a.txt")
    (root / "folder-link").symlink_to(root / "data")  # not descended, as rglob does not: no loop either
    (root / "data" / "deep" / "back").symlink_to(root)
    (root / "broken").symlink_to(root / "nowhere")
    return root


SAMPLE = ROOT / "samples" / "responsive-brand.jsonl"


def test_a_folder_lists_what_rglob_finds(tmp_path):
    root = folder_tree(tmp_path / "export")
    expected = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert Container(root).names() == expected
    assert expected == ["data/a.txt", "data/deep/.hidden", "data/file-link", "feed.jsonl"]  # by hand


def test_detecting_a_folder_walks_it_once_and_later_sees_it_fresh(tmp_path, monkeypatch):
    root = folder_tree(tmp_path / "export")
    walks = []
    real = container_module._files
    monkeypatch.setattr(container_module, "_files", lambda path: walks.append(path) or real(path))
    with pytest.raises(InputError, match="unrecognised folder"):
        detect(root)  # every loader's sniff looked at the folder
    assert walks == [root]
    (root / "new.txt").write_text("n", encoding="utf-8")
    assert "new.txt" in Container(root).names()  # outside detection nothing is shared: no stale listing
    assert len(walks) == 2


def test_detection_in_threads_keeps_each_threads_listings_apart(tmp_path):
    roots = [folder_tree(tmp_path / f"export-{n}") for n in range(4)]

    def detect_then_look(root: Path) -> object:
        with pytest.raises(InputError, match="unrecognised folder"):
            detect(root)
        return getattr(container_module._local, "shared", None)  # the block is over in this thread

    with ThreadPoolExecutor(4) as pool:
        left = list(pool.map(detect_then_look, roots * 10))
    assert left == [None] * 40
    assert getattr(container_module._local, "shared", None) is None


def test_a_folder_of_too_many_files_is_refused_in_one_line(tmp_path, monkeypatch, capsys):
    root = folder_tree(tmp_path / "export")
    monkeypatch.setattr(container_module, "MAX_FOLDER_FILES", 3)
    monkeypatch.setattr(sys, "argv", ["relaudit", "audit", str(root)])
    with pytest.raises(SystemExit) as stop:
        cli.main()
    assert stop.value.code == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"relaudit: error: {root}: refused: the folder holds more than 3 files, more than any one export; "
        "point relaudit at the export's own folder or zip"
    ]
