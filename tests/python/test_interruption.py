"""Interruptions leave a usable partial result or a clear error, never a hung process or a
half-written output file."""

import json
import os

import pytest

from archsim.atomic_file import atomic_write


def test_atomic_write_replaces_the_file_only_when_complete(tmp_path):
    out = tmp_path / "out.json"
    out.write_text("old")
    for interruption in (RuntimeError("disk full"), KeyboardInterrupt()):
        with pytest.raises(type(interruption)):
            with atomic_write(out) as f:
                f.write('{"half": ')
                raise interruption
        assert out.read_text() == "old"
        assert os.listdir(tmp_path) == ["out.json"]  # no temporary left behind
    with atomic_write(out) as f:
        json.dump({"whole": True}, f)
    assert json.loads(out.read_text()) == {"whole": True}
    assert os.listdir(tmp_path) == ["out.json"]


def test_atomic_write_keeps_the_usual_permissions_and_writes_bytes(tmp_path):
    out = tmp_path / "out.bin"
    with atomic_write(out, "wb") as f:
        f.write(b"\x00\x01")
    assert out.read_bytes() == b"\x00\x01"
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    with pytest.raises(ValueError, match="mode must be 'w' or 'wb'"):
        with atomic_write(out, "a"):
            pass
