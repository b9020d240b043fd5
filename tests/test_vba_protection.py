"""The PROJECT stream's CMG, DPB and GC records, checked by a decryptor written from [MS-OVBA] 2.4.3.3.

Issue 13 item 9: the records were copied from xlwings' quickstart workbook, so
they were encrypted with that project's key. Decrypted here with our own
project ID, they must say: not protected, no password, visible.
"""

import io
import re
import zipfile

import olefile
import pytest

from kpi_xl.template.build import TEMPLATE_NAME, build_template
from kpi_xl.template.vba_protection import encrypt
from kpi_xl.template.vba_sources import xlwings_file

QUICKSTART = xlwings_file("quickstart_standalone.xlsm")


def decrypt(hex_text: str) -> tuple[int, int, bytes]:
    """[MS-OVBA] 2.4.3.3 Decryption, step by step: returns (Version, ProjKey, Data).

    Seed is the first byte; Version = Seed XOR VersionEnc; ProjKey = Seed XOR
    ProjKeyEnc; UnencryptedByte1 = ProjKey, EncryptedByte1 = ProjKeyEnc,
    EncryptedByte2 = VersionEnc; each following byte is ByteEnc XOR
    (EncryptedByte2 + UnencryptedByte1), after which EncryptedByte2 takes
    EncryptedByte1, EncryptedByte1 takes ByteEnc and UnencryptedByte1 takes the
    decrypted byte. (Seed AND 6) / 2 ignored bytes come first, then the 4-byte
    little-endian DataLength, then the data; nothing may follow.
    """
    raw = bytes.fromhex(hex_text)
    seed, version_enc, key_enc = raw[0], raw[1], raw[2]
    version, key = seed ^ version_enc, seed ^ key_enc
    plain_1, enc_1, enc_2 = key, key_enc, version_enc
    rest = iter(raw[3:])

    def next_plain() -> int:
        nonlocal plain_1, enc_1, enc_2
        byte_enc = next(rest)
        byte = byte_enc ^ ((enc_2 + plain_1) & 0xFF)
        enc_2, enc_1, plain_1 = enc_1, byte_enc, byte
        return byte

    for _ in range((seed & 6) // 2):
        next_plain()
    length = int.from_bytes(bytes(next_plain() for _ in range(4)), "little")
    data = bytes(next_plain() for _ in range(length))
    assert next(rest, None) is None, "bytes after the data"
    return version, key, data


def project_records(xlsm) -> dict[str, str]:
    with zipfile.ZipFile(xlsm) as package:
        ole = olefile.OleFileIO(io.BytesIO(package.read("xl/vbaProject.bin")))
    text = ole.openstream("PROJECT").read().decode("cp1252")
    return dict(re.findall(r'^(ID|CMG|DPB|GC)="([^"]*)"', text, re.MULTILINE))


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("protection") / TEMPLATE_NAME)


def test_the_decryptor_reads_xlwings_own_records():
    # xlwings' quickstart_standalone.xlsm (saved by Excel): unprotected, no password, visible
    records = project_records(QUICKSTART)
    key = sum(records["ID"].encode()) & 0xFF
    assert decrypt(records["CMG"]) == (2, key, b"\0\0\0\0")
    assert decrypt(records["DPB"]) == (2, key, b"\0")
    assert decrypt(records["GC"]) == (2, key, b"\xff")


def test_our_records_decrypt_with_our_own_project_id(template):
    records = project_records(template)
    key = sum(records["ID"].encode()) & 0xFF  # ProjKey: the ID's bytes summed, braces included
    assert records["ID"] != project_records(QUICKSTART)["ID"]
    assert decrypt(records["CMG"]) == (2, key, b"\0\0\0\0")  # ProjectProtectionState: nothing locked
    assert decrypt(records["DPB"]) == (2, key, b"\0")  # ProjectPassword: none
    assert decrypt(records["GC"]) == (2, key, b"\xff")  # ProjectVisibilityState: visible
    assert records["CMG"] not in project_records(QUICKSTART).values()  # computed, not copied


def test_encrypt_reproduces_the_records_excel_wrote():
    # the same seed and ignored bytes as the quickstart's records give Excel's own bytes
    records = project_records(QUICKSTART)
    seed = bytes.fromhex(records["CMG"])[0]
    ignored = decrypt_ignored(records["CMG"])
    assert encrypt(b"\0\0\0\0", records["ID"], seed, ignored) == records["CMG"]
    assert encrypt(b"\0", records["ID"], seed, ignored) == records["DPB"]
    assert encrypt(b"\xff", records["ID"], seed, ignored) == records["GC"]


def decrypt_ignored(hex_text: str) -> bytes:
    """The plain ignored bytes of a record (the spec lets a writer choose them)."""
    raw = bytes.fromhex(hex_text)
    plain_1, enc_1, enc_2 = raw[0] ^ raw[2], raw[2], raw[1]
    out = []
    for byte_enc in raw[3:3 + (raw[0] & 6) // 2]:
        byte = byte_enc ^ ((enc_2 + plain_1) & 0xFF)
        enc_2, enc_1, plain_1 = enc_1, byte_enc, byte
        out.append(byte)
    return bytes(out)


def test_the_vba_storage_starts_at_sector_zero(template):
    # [MS-CFB] 2.6.3: a storage object's starting sector MUST be 0, as in xlwings' own file
    for xlsm in (template, QUICKSTART):
        with zipfile.ZipFile(xlsm) as package:
            ole = olefile.OleFileIO(io.BytesIO(package.read("xl/vbaProject.bin")))
        storages = [e for e in ole.direntries if e is not None and e.entry_type == olefile.STGTY_STORAGE]
        assert [(e.name, e.isectStart) for e in storages] == [("VBA", 0)], xlsm
