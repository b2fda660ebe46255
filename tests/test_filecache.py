"""Rule packs and lexicons are read once per process, and again when the file changes."""

from __future__ import annotations

import os

from relaudit.filecache import cached
from relaudit.pipeline import load_rules


def test_same_file_read_once_and_again_after_an_edit(tmp_path):
    path = tmp_path / "pack.yaml"
    path.write_text("one", encoding="utf-8")
    reads = []

    def load():
        reads.append(path.read_text(encoding="utf-8"))
        return reads[-1]

    assert cached("test", path, load) == "one"
    assert cached("test", path, load) == "one"
    assert reads == ["one"]
    path.write_text("two!", encoding="utf-8")
    os.utime(path, ns=(1, 1))  # another modification time, even on a coarse clock
    assert cached("test", path, load) == "two!"
    assert cached("test", path, load, extra="other key") == "two!"
    assert reads == ["one", "two!", "two!"]
    before = path.stat()
    path.write_text("six!", encoding="utf-8")  # same size, and the old modification time put back (as cp -p does)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert cached("test", path, load) == "six!"  # the change time still moved


def test_missing_file_is_left_to_the_loader(tmp_path):
    assert cached("test", tmp_path / "absent.yaml", lambda: "loader's own error") == "loader's own error"


def test_overrides_are_part_of_the_key():
    default = {r.id: r for r in load_rules()}
    changed = {r.id: r for r in load_rules(overrides={"shouting": {"level": "error"}})}
    assert default["shouting"].level != "error" and changed["shouting"].level == "error"
    assert {r.id: r for r in load_rules()}["shouting"].level == default["shouting"].level
