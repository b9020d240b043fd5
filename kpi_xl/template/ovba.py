"""MS-OVBA run-length compression ([MS-OVBA] 2.4.1), both ways.

A CompressedContainer is a signature byte (0x01) followed by chunks, each
holding up to 4096 bytes of the original: a 2-byte header (compressed size - 3,
signature 0b011, compressed flag) then token sequences: a flag byte and eight
tokens, each a literal byte or a 2-byte CopyToken (offset and length, with the
split between them depending on the position in the chunk).

A chunk whose tokens would not fit in 4096 bytes (data without repeats) is
stored as a RawChunk: exactly 4096 bytes, so a short final chunk is padded with
0x00 bytes, as [MS-OVBA] 2.4.1.3.10 ("Compressing a RawChunk") says. Such a
container decompresses to the data followed by that padding; VBA source never
gets there (text repeats itself), only random bytes do.
"""

from __future__ import annotations

__all__ = ["compress", "decompress"]

_CHUNK = 4096


def _bit_count(position: int) -> int:
    """Bits of a CopyToken's offset at ``position`` bytes into the chunk ([MS-OVBA] 2.4.1.3.19.1)."""
    return max((position - 1).bit_length(), 4)


def _compress_chunk(data: bytes) -> bytes:
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    pos = 0
    while pos < len(data):
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= len(data):
                break
            bits = _bit_count(pos)
            max_length = (0xFFFF >> bits) + 3
            max_offset = 1 << bits
            best_length, best_offset = 0, 0
            key = data[pos:pos + 3]
            if len(key) == 3:
                for start in reversed(heads.get(key, ())):
                    if pos - start > max_offset:
                        break
                    length = 3
                    limit = min(max_length, len(data) - pos)
                    while length < limit and data[start + length] == data[pos + length]:
                        length += 1
                    if length > best_length:
                        best_length, best_offset = length, pos - start
                        if length == limit:
                            break
            step = best_length if best_length >= 3 else 1
            if best_length >= 3:
                token = ((best_offset - 1) << (16 - bits)) | (best_length - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
            else:
                out.append(data[pos])
            for i in range(pos, pos + step):
                heads.setdefault(data[i:i + 3], []).append(i)
            pos += step
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """Compress ``data`` into an MS-OVBA CompressedContainer.

    >>> decompress(compress(b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa")) == \\
    ...     b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"
    True
    """
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        chunk = data[start:start + _CHUNK]
        packed = _compress_chunk(chunk)
        if len(packed) > _CHUNK:  # the tokens do not fit a chunk: a RawChunk (flag 0), padded to 4096 bytes
            out += (0x3000 | (_CHUNK - 1)).to_bytes(2, "little") + chunk.ljust(_CHUNK, b"\0")
        else:
            out += (0xB000 | (len(packed) + 2 - 3)).to_bytes(2, "little") + packed
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """Decompress an MS-OVBA CompressedContainer (the inverse of :func:`compress`)."""
    if not container or container[0] != 1:
        raise ValueError("not an MS-OVBA compressed container (signature byte is not 0x01)")
    out = bytearray()
    pos = 1
    while pos < len(container):
        header = int.from_bytes(container[pos:pos + 2], "little")
        size = (header & 0x0FFF) + 3
        end = pos + size
        pos += 2
        chunk_start = len(out)
        if not header & 0x8000:
            out += container[pos:pos + _CHUNK]
            pos += _CHUNK
            continue
        while pos < end:
            flags = container[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if flags & (1 << bit):
                    token = int.from_bytes(container[pos:pos + 2], "little")
                    bits = _bit_count(len(out) - chunk_start)
                    length = (token & (0xFFFF >> bits)) + 3
                    offset = (token >> (16 - bits)) + 1
                    for _ in range(length):
                        out.append(out[-offset])
                    pos += 2
                else:
                    out.append(container[pos])
                    pos += 1
    return bytes(out)
