"""MS-OVBA compression ([MS-OVBA] 2.4.1): valid chunks for any data, read back by olevba and by our decoder.

Issue 13 item 8: a short final chunk that does not compress (4,000 random
bytes) was written as a "compressed" chunk whose size overflowed the 12-bit
size field. Every container is walked here chunk by chunk against the spec's
rules, and decompressed by oletools' ``decompress_stream`` and by ours.
"""

import os
import random

import pytest
from hypothesis import given, settings, strategies as st
from oletools.olevba import decompress_stream

from kpi_xl.template.ovba import compress, decompress


def chunks(container: bytes) -> list[tuple[bool, int]]:
    """(compressed flag, bytes the chunk occupies) of each chunk, checking [MS-OVBA] 2.4.1.1.4-5 on the way."""
    assert container[:1] == b"\x01", "signature byte"
    out, pos = [], 1
    while pos < len(container):
        header = int.from_bytes(container[pos:pos + 2], "little")
        assert header & 0x7000 == 0x3000, f"chunk signature 0b011 at {pos}"
        size = (header & 0x0FFF) + 3  # the whole chunk, header included: at most 4098
        compressed = bool(header & 0x8000)
        if not compressed:
            assert size == 4098, "a RawChunk's size field MUST be 4095 (4096 bytes of data)"
        assert pos + size <= len(container), f"chunk at {pos} runs past the end"
        out.append((compressed, size))
        pos += size
    return out


def expected_output(data: bytes) -> bytes:
    """What a spec decoder gives back: the data, and zeros padding a raw final chunk to 4096 bytes."""
    packed = compress(data)
    last_is_raw = bool(data) and not chunks(packed)[-1][0]
    return data + b"\0" * ((-len(data)) % 4096 if last_is_raw else 0)


def check(data: bytes) -> None:
    packed = compress(data)
    found = chunks(packed)
    assert len(found) == -(-len(data) // 4096)  # one chunk per 4096 bytes of data
    theirs, ours = bytes(decompress_stream(bytearray(packed))), decompress(packed)
    assert theirs == ours
    assert theirs[:len(data)] == data and set(theirs[len(data):]) <= {0}
    assert theirs == expected_output(data)


@pytest.mark.parametrize("data", [
    b"", b"a", b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",  # [MS-OVBA] 3.2 example text
    b"a" * 20000,  # long runs: what the PyPI ms-ovba package corrupts
    bytes(range(256)) * 40, os.urandom(9000),
])
def test_known_cases_round_trip(data):
    check(data)
    assert decompress(compress(data)) == data  # none of these ends in an incompressible short chunk


def test_a_short_incompressible_final_chunk_is_a_padded_raw_chunk():
    # the case: 4,000 random bytes take 4,000 + 500 flag bytes as tokens, more than a chunk holds
    data = random.Random(13).randbytes(4000)
    packed = compress(data)
    assert chunks(packed) == [(False, 4098)]
    assert len(packed) == 1 + 2 + 4096
    assert bytes(decompress_stream(bytearray(packed))) == data + b"\0" * 96


@pytest.mark.parametrize("length", range(4096 - 48, 4096 + 49))
def test_every_length_around_a_chunk(length):
    rng = random.Random(length)
    check(rng.randbytes(length))  # random: raw chunks
    check(b"ab" * (length // 2) + b"c" * (length % 2))  # runs: compressed chunks
    text = bytes(rng.choice(b"Dim x As Long\r\n") for _ in range(length))  # text-like
    check(text)
    # a compressible text is never padded: the decoder gives back exactly the input
    assert decompress(compress(b"ab" * (length // 2))) == b"ab" * (length // 2)


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=13000)
       | st.lists(st.tuples(st.binary(min_size=1, max_size=3), st.integers(1, 5000)), max_size=6)
       .map(lambda runs: b"".join(piece * count for piece, count in runs))
       | st.text(alphabet="ab \r\n", max_size=12000).map(str.encode))
def test_any_data_gives_valid_chunks_that_both_decoders_read(data):
    check(data)
