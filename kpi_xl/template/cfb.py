"""A minimal writer of Compound File Binary files, version 3 ([MS-CFB]).

Enough for a ``vbaProject.bin``: one root storage holding streams and
storages, 512-byte sectors, a mini stream (64-byte sectors) for streams under
4096 bytes, no DIFAT sectors (up to 109 FAT sectors, about 6.8 MB). Siblings of
a storage form a red-black tree ordered as the spec requires (name length,
then upper-cased name). Output is deterministic: no timestamps, zero CLSIDs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Storage", "write_cfb"]

SECTOR, MINI_SECTOR, MINI_CUTOFF = 512, 64, 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass
class Storage:
    """A storage: named streams (bytes) and sub-storages."""

    name: str
    streams: dict[str, bytes] = field(default_factory=dict)
    storages: list["Storage"] = field(default_factory=list)


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list[int] = field(default_factory=list)
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    black: bool = True
    start: int = END
    size: int = 0


def _order(name: str) -> tuple[int, str]:
    return (len(name.encode("utf-16-le")) // 2, name.upper())


def _tree(entries: list[_Entry], ids: list[int]) -> int:
    """A balanced binary search tree over ``ids`` (sorted), coloured as a valid red-black tree.

    Splitting at the middle keeps every empty link at the last level or the one
    above it; when the tree is not perfect its last level is red, so every path
    holds the same number of black nodes.
    """
    height = len(ids).bit_length()
    perfect = len(ids) == (1 << height) - 1

    def build(part: list[int], depth: int) -> int:
        if not part:
            return NOSTREAM
        mid = len(part) // 2
        node = entries[part[mid]]
        node.left = build(part[:mid], depth + 1)
        node.right = build(part[mid + 1:], depth + 1)
        node.black = perfect or depth < height - 1
        return part[mid]

    return build(ids, 0)


def _flatten(root: Storage) -> list[_Entry]:
    entries = [_Entry("Root Entry", 5)]

    def add(storage: Storage, parent: int) -> None:
        for name, data in storage.streams.items():
            entries.append(_Entry(name, 2, data))
            entries[parent].children.append(len(entries) - 1)
        for sub in storage.storages:
            entries.append(_Entry(sub.name, 1, start=0))  # [MS-CFB] 2.6.3: a storage's start sector is 0
            index = len(entries) - 1
            entries[parent].children.append(index)
            add(sub, index)

    add(root, 0)
    for entry in entries:
        if entry.children:
            ordered = sorted(entry.children, key=lambda i: _order(entries[i].name))
            entry.child = _tree(entries, ordered)
    return entries


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else END


def _pad(data: bytes, size: int) -> bytes:
    return data + b"\0" * (-len(data) % size)


def write_cfb(root: Storage) -> bytes:
    """The bytes of a compound file holding ``root``'s streams and storages."""
    entries = _flatten(root)
    mini = bytearray()
    minifat: list[int] = []
    big: list[_Entry] = []
    for entry in entries:
        if entry.kind != 2:
            continue
        entry.size = len(entry.data)
        if entry.size == 0:
            entry.start = END
        elif entry.size < MINI_CUTOFF:
            entry.start = len(mini) // MINI_SECTOR
            sectors = -(-entry.size // MINI_SECTOR)
            minifat.extend(range(entry.start + 1, entry.start + sectors))
            minifat.append(END)
            mini += _pad(entry.data, MINI_SECTOR)
        else:
            big.append(entry)

    dir_sectors = -(-len(entries) * 128 // SECTOR)
    minifat_sectors = -(-len(minifat) * 4 // SECTOR)
    mini_sectors = -(-len(mini) // SECTOR)
    big_sectors = [-(-e.size // SECTOR) for e in big]
    data_sectors = dir_sectors + minifat_sectors + mini_sectors + sum(big_sectors)
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < data_sectors + fat_sectors:
        fat_sectors += 1
    if fat_sectors > 109:
        raise ValueError("compound file too large for a header-only DIFAT")

    fat = [FREE] * (fat_sectors * SECTOR // 4)
    cursor = 0
    first_dir = cursor
    _chain(fat, cursor, dir_sectors)
    cursor += dir_sectors
    first_minifat = cursor if minifat_sectors else END
    _chain(fat, cursor, minifat_sectors)
    cursor += minifat_sectors
    entries[0].start = cursor if mini_sectors else END
    entries[0].size = len(mini)
    _chain(fat, cursor, mini_sectors)
    cursor += mini_sectors
    for entry, count in zip(big, big_sectors, strict=True):
        entry.start = cursor
        _chain(fat, cursor, count)
        cursor += count
    fat_start = cursor
    for i in range(fat_sectors):
        fat[fat_start + i] = FATSECT

    header = bytearray(_SIGNATURE + b"\0" * 16)
    header += (0x003E).to_bytes(2, "little") + (0x0003).to_bytes(2, "little") + b"\xFE\xFF"
    header += (9).to_bytes(2, "little") + (6).to_bytes(2, "little") + b"\0" * 6
    header += (0).to_bytes(4, "little") + fat_sectors.to_bytes(4, "little") + first_dir.to_bytes(4, "little")
    header += (0).to_bytes(4, "little") + MINI_CUTOFF.to_bytes(4, "little")
    header += first_minifat.to_bytes(4, "little") + minifat_sectors.to_bytes(4, "little")
    header += END.to_bytes(4, "little") + (0).to_bytes(4, "little")
    difat = [fat_start + i for i in range(fat_sectors)] + [FREE] * (109 - fat_sectors)
    header += b"".join(v.to_bytes(4, "little") for v in difat)
    assert len(header) == SECTOR

    directory = bytearray()
    for entry in entries:
        name = entry.name.encode("utf-16-le") + b"\0\0"
        directory += name.ljust(64, b"\0") + len(name).to_bytes(2, "little")
        directory += bytes([entry.kind, 1 if entry.black else 0])
        for link in (entry.left, entry.right, entry.child):
            directory += link.to_bytes(4, "little")
        directory += b"\0" * 16 + b"\0" * 4 + b"\0" * 16  # CLSID, state bits, times
        directory += entry.start.to_bytes(4, "little") + entry.size.to_bytes(8, "little")
    while len(directory) % SECTOR:  # unused entries: empty, no siblings
        directory += b"\0" * 66 + b"\0\0" + (NOSTREAM.to_bytes(4, "little") * 3) + b"\0" * 36 + b"\0" * 12

    body = bytearray(directory)
    body += _pad(b"".join(v.to_bytes(4, "little") for v in minifat), SECTOR)
    body += _pad(bytes(mini), SECTOR)
    for entry in big:
        body += _pad(entry.data, SECTOR)
    body += b"".join(v.to_bytes(4, "little") for v in fat)
    return bytes(header + body)
