"""``xl/vbaProject.bin`` written from VBA source text ([MS-OVBA]).

As [MS-OVBA] 2.3.4.1 asks of a writer, the ``_VBA_PROJECT`` stream has version
0xFFFF and no performance cache, and every module stream holds its compressed
source only (MODULEOFFSET 0): Excel compiles the project from source on open,
as it does for the files xlwings ships and those LibreOffice writes. The
project records (system kind, LCID, code page, version) and the references
(MS Forms 2.0, and the Office library that ``IRibbonControl`` comes from)
follow xlwings' own ``quickstart_standalone.xlsm``.
"""

from __future__ import annotations

import struct
import uuid
from dataclasses import dataclass

from .cfb import Storage, write_cfb
from .ovba import compress
from .vba_protection import protection_lines

__all__ = ["VbaModule", "build_vba_project", "document_header", "CODE_PAGE"]

CODE_PAGE = 1252
_ENCODING = "cp1252"
#: The project's fixed ID, so that building twice gives the same bytes.
PROJECT_ID = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "https://kpi-xl/vbaProject")).upper() + "}"

_BASES = {"workbook": "0{00020819-0000-0000-C000-000000000046}",
          "worksheet": "0{00020820-0000-0000-C000-000000000046}",
          "class": "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"}

# References, as in xlwings' quickstart_standalone.xlsm (libid strings of [MS-OVBA] 2.1.1.8).
_FORMS_ORIGINAL = "*\\G{0D452EE1-E08F-101A-852E-02608C4D0BB4}#2.0#0#C:\\Windows\\system32\\FM20.DLL#Microsoft Forms 2.0 Object Library"
_FORMS_TWIDDLED = "*\\G{00000000-0000-0000-0000-000000000000}#0.0#0##"
_FORMS_EXTENDED = ("*\\G{25A06F1F-CB74-4EA9-99E8-704B89FB01D7}#2.0#0#C:\\Users\\felix\\AppData\\Local\\Temp\\VBE"
                   "\\MSForms.exd#Microsoft Forms 2.0 Object Library")
_FORMS_TYPELIB = uuid.UUID("{0D452EE1-E08F-101A-852E-02608C4D0BB4}").bytes_le
_OFFICE = ("*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\\Program Files\\Common Files\\Microsoft Shared"
           "\\OFFICE16\\MSO.DLL#Microsoft Office 16.0 Object Library")


@dataclass(frozen=True)
class VbaModule:
    """One module: its name, kind ("procedural", "class", "workbook" or "worksheet") and full source.

    The source is what the module stream holds: it starts with the
    ``Attribute VB_Name`` line (and, for document and class modules, the other
    ``Attribute`` lines); line ends become CRLF.
    """

    name: str
    kind: str
    source: str

    def encoded(self) -> bytes:
        text = "\r\n".join(self.source.replace("\r\n", "\n").split("\n"))
        try:
            return text.encode(_ENCODING)
        except UnicodeEncodeError as error:
            raise ValueError(f"VBA module {self.name} has a character outside code page {CODE_PAGE}: "
                             f"{text[error.start:error.end]!r}") from None


def document_header(name: str, kind: str) -> str:
    """The Attribute lines Excel writes at the top of a workbook, sheet or class module."""
    exposed, predeclared = ("True", "True") if kind in ("workbook", "worksheet") else ("True", "False")
    customizable = "True" if kind in ("workbook", "worksheet") else "False"
    return "\n".join([
        f'Attribute VB_Name = "{name}"',
        f'Attribute VB_Base = "{_BASES[kind]}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        f"Attribute VB_PredeclaredId = {predeclared}",
        f"Attribute VB_Exposed = {exposed}",
        "Attribute VB_TemplateDerived = False",
        f"Attribute VB_Customizable = {customizable}",
    ])


def _record(rid: int, data: bytes = b"") -> bytes:
    return struct.pack("<HI", rid, len(data)) + data


def _text(rid: int, unicode_rid: int, text: str) -> bytes:
    return _record(rid, text.encode(_ENCODING)) + _record(unicode_rid, text.encode("utf-16-le"))


def _sized(text: str) -> bytes:
    raw = text.encode(_ENCODING)
    return struct.pack("<I", len(raw)) + raw


def _references() -> bytes:
    forms = _text(0x0016, 0x003E, "MSForms")
    forms += _record(0x0033, _FORMS_ORIGINAL.encode(_ENCODING))
    forms += _record(0x002F, _sized(_FORMS_TWIDDLED) + b"\0" * 6)
    forms += _text(0x0016, 0x003E, "MSForms")
    forms += _record(0x0030, _sized(_FORMS_EXTENDED) + b"\0" * 6 + _FORMS_TYPELIB + struct.pack("<I", 1))
    office = _text(0x0016, 0x003E, "Office") + _record(0x000D, _sized(_OFFICE) + b"\0" * 6)
    return forms + office


def _dir_stream(modules: list[VbaModule]) -> bytes:
    info = b"".join([
        _record(0x0001, struct.pack("<I", 3)),  # SYSKIND: 64-bit Windows, as the quickstart
        _record(0x0002, struct.pack("<I", 0x409)),
        _record(0x0014, struct.pack("<I", 0x409)),
        _record(0x0003, struct.pack("<H", CODE_PAGE)),
        _record(0x0004, b"VBAProject"),
        _text(0x0005, 0x0040, ""),
        _text(0x0006, 0x003D, ""),
        _record(0x0007, struct.pack("<I", 0)),
        _record(0x0008, struct.pack("<I", 0)),
        struct.pack("<HIIH", 0x0009, 4, 0x68FBFAC5, 4),  # PROJECTVERSION (its size field is fixed at 4)
        _text(0x000C, 0x003C, ""),
    ])
    body = [info, _references(), _record(0x000F, struct.pack("<H", len(modules))),
            _record(0x0013, struct.pack("<H", 0xFFFF))]
    for module in modules:
        body += [
            _text(0x0019, 0x0047, module.name),
            _text(0x001A, 0x0032, module.name),
            _text(0x001C, 0x0048, ""),
            _record(0x0031, struct.pack("<I", 0)),  # MODULEOFFSET 0: source only
            _record(0x001E, struct.pack("<I", 0)),
            _record(0x002C, struct.pack("<H", 0xFFFF)),
            _record(0x0021 if module.kind == "procedural" else 0x0022),
            _record(0x002B),
        ]
    body.append(_record(0x0010))
    return b"".join(body)


def _project_stream(modules: list[VbaModule]) -> bytes:
    lines = [f'ID="{PROJECT_ID}"']
    for module in modules:
        if module.kind in ("workbook", "worksheet"):
            lines.append(f"Document={module.name}/&H00000000")
    lines += [f"Module={m.name}" for m in modules if m.kind == "procedural"]
    lines += [f"Class={m.name}" for m in modules if m.kind == "class"]
    lines += ['Name="VBAProject"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
              *protection_lines(PROJECT_ID), "",
              "[Host Extender Info]", "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000", "",
              "[Workspace]", *[f"{m.name}=0, 0, 0, 0, C" for m in modules], ""]
    return "\r\n".join(lines).encode(_ENCODING) + b"\r\n"


def _project_wm(modules: list[VbaModule]) -> bytes:
    return b"".join(m.name.encode(_ENCODING) + b"\0" + m.name.encode("utf-16-le") + b"\0\0" for m in modules) + b"\0\0"


def build_vba_project(modules: list[VbaModule]) -> bytes:
    """The bytes of a ``vbaProject.bin`` holding ``modules``, in order."""
    names = [m.name for m in modules]
    if len(set(n.lower() for n in names)) != len(names):
        raise ValueError(f"VBA module names must be unique: {names}")
    for module in modules:
        if module.kind not in ("procedural", "class", "workbook", "worksheet"):
            raise ValueError(f"unknown VBA module kind {module.kind!r} for {module.name}")
        if not module.source.startswith(f'Attribute VB_Name = "{module.name}"'):
            raise ValueError(f"VBA module {module.name} must start with its Attribute VB_Name line")
    vba = Storage("VBA", streams={
        "_VBA_PROJECT": bytes.fromhex("cc61ffff000100"),  # version 0xFFFF, no performance cache (as the quickstart)
        "dir": compress(_dir_stream(modules)),
        **{m.name: compress(m.encoded()) for m in modules},
    })
    root = Storage("Root Entry", streams={"PROJECT": _project_stream(modules),
                                          "PROJECTwm": _project_wm(modules)}, storages=[vba])
    return write_cfb(root)
