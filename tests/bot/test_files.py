"""The file store: content-addressed, size-limited, and it hands out only its own paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.files import MEGABYTE, FileStore, TooLarge, extension


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


async def test_a_file_is_kept_by_content_and_kept_once(tmp_path: Path) -> None:
    store = FileStore(tmp_path, max_file_mb=1)
    first = await store.keep(b"\x89PNG kettle", "photo", "kettle.PNG")
    again = await store.keep(b"\x89PNG kettle", "photo", "kettle.PNG")
    assert first == again and first.size == len(b"\x89PNG kettle")
    assert first.path.startswith("attachments/") and first.path.endswith(".png")
    assert (tmp_path / first.path).read_bytes() == b"\x89PNG kettle"
    assert files_under(tmp_path) == [tmp_path / first.path]  # no leftover temporary file, no copy
    assert await store.read(first.path) == b"\x89PNG kettle"


async def test_a_file_over_the_limit_is_refused_and_not_written(tmp_path: Path) -> None:
    store = FileStore(tmp_path, max_file_mb=1)
    assert store.fits(MEGABYTE) and not store.fits(MEGABYTE + 1) and store.fits(None)
    with pytest.raises(TooLarge) as refused:
        await store.keep(b"x" * (MEGABYTE + 1), "document", "big.zip")
    assert refused.value.limit_mb == 1
    assert files_under(tmp_path) == []


@pytest.mark.parametrize(
    "forged",
    [
        None,
        "",
        "../secrets.toml",
        "attachments/../../etc/passwd",
        "/etc/passwd",
        "attachments/ab/" + "0" * 64 + ".jpg",  # well formed, not there
    ],
)
def test_only_paths_the_store_handed_out_are_opened(tmp_path: Path, forged: str | None) -> None:
    (tmp_path / "secrets.toml").write_text("token")
    assert FileStore(tmp_path).path_of(forged) is None


def test_the_extension_is_the_names_when_plain_else_the_kinds() -> None:
    assert extension("document", "report.PDF") == "pdf"
    assert extension("document", "noext") == "bin"
    assert extension("photo", None) == "jpg"
    assert extension("voice", "a.ogg/../../x") == "ogg"
    assert extension("video", "clip.<script>") == "mp4"
