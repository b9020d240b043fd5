"""The PROJECT stream's protection records (``CMG``, ``DPB``, ``GC``), encrypted per [MS-OVBA] 2.4.3.

Each record is a hexadecimal string of a small structure encrypted with a key
derived from the project's own ID: Excel decrypts them with that key, so
records copied from another project decrypt to garbage. Our project is neither
locked nor password-protected and is visible:

* ``CMG``: ProjectProtectionState, 4 bytes, all zero (no protection);
* ``DPB``: ProjectPassword, one 0x00 byte (no password);
* ``GC``: ProjectVisibilityState, one 0xFF byte (visible).
"""

from __future__ import annotations

import hashlib
import struct

__all__ = ["encrypt", "project_key", "protection_lines", "UNPROTECTED", "NO_PASSWORD", "VISIBLE"]

_VERSION = 2
UNPROTECTED = b"\0\0\0\0"
NO_PASSWORD = b"\0"
VISIBLE = b"\xff"


def project_key(project_id: str) -> int:
    """ProjKey of [MS-OVBA] 2.4.3.2: the sum of the bytes of the project ID (braces included), modulo 256.

    >>> hex(project_key("{5CF9CDAB-B77B-4FE4-BD7E-D29900070E1B}"))  # xlwings' quickstart_standalone.xlsm
    '0x2b'
    """
    return sum(project_id.encode("ascii")) & 0xFF


def encrypt(data: bytes, project_id: str, seed: int, ignored: bytes | None = None) -> str:
    """The [MS-OVBA] 2.4.3.2 encryption of ``data``, as the uppercase hexadecimal text the PROJECT stream holds.

    Output: Seed, VersionEnc, ProjKeyEnc, IgnoredEnc ((Seed & 6) / 2 bytes),
    DataLengthEnc (4 bytes) and DataEnc; each byte after the first three is
    XORed with the sum (mod 256) of the encrypted byte two places back and the
    plain byte one place back. The ignored bytes are ``ignored`` (zeros by
    default; the spec allows any), of which (Seed & 6) / 2 are used.

    >>> encrypt(b"\\0\\0\\0\\0", "{5CF9CDAB-B77B-4FE4-BD7E-D29900070E1B}", 0x8D)[:6]  # Seed, Version, ProjKey
    '8D8FA6'
    """
    if not 0 <= seed <= 255:
        raise ValueError(f"seed must be a byte, not {seed}")
    key = project_key(project_id)
    out = bytearray([seed, seed ^ _VERSION, seed ^ key])
    plain_1, enc_1, enc_2 = key, out[2], out[1]
    count = (seed & 6) // 2
    ignored = (ignored or b"").ljust(count, b"\0")[:count]
    for byte in ignored + struct.pack("<I", len(data)) + data:
        encrypted = byte ^ ((enc_2 + plain_1) & 0xFF)
        out.append(encrypted)
        enc_2, enc_1, plain_1 = enc_1, encrypted, byte
    return out.hex().upper()


def protection_lines(project_id: str) -> tuple[str, str, str]:
    """The ``CMG=``, ``DPB=`` and ``GC=`` lines of an unprotected, visible project with ``project_id``.

    The seeds come from the ID, so that building twice gives the same bytes.
    """
    seeds = hashlib.sha256(project_id.encode("ascii")).digest()[:3]
    return (f'CMG="{encrypt(UNPROTECTED, project_id, seeds[0])}"',
            f'DPB="{encrypt(NO_PASSWORD, project_id, seeds[1])}"',
            f'GC="{encrypt(VISIBLE, project_id, seeds[2])}"')
