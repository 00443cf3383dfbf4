"""A small ESC/POS decoder written for the tests, independent of python-escpos.

It reads the byte stream a printer would receive and gives back the text (decoded through the
code page selected by ESC t, with Epson's standard table numbers), barcodes, QR codes, cuts and
drawer kicks. Unknown commands raise, so unexpected bytes cannot slip through unnoticed; every
command decoded is also listed in order (``commands``), so a test can tell that text added no
command of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ESC, GS, LF, DLE = 0x1B, 0x1D, 0x0A, 0x10

EPSON_CODE_PAGES = {
    0: "cp437",
    2: "cp850",
    3: "cp860",
    4: "cp863",
    5: "cp865",
    13: "cp857",
    14: "cp737",
    15: "iso8859_7",
    16: "cp1252",
    17: "cp866",
    18: "cp852",
    19: "cp858",
}
BARCODE_B = {
    65: "UPC-A",
    66: "UPC-E",
    67: "EAN13",
    68: "EAN8",
    69: "CODE39",
    72: "CODE93",
    73: "CODE128",
}

# ESC commands followed by a fixed number of argument bytes
ESC_ARGS = {
    0x21: 1,
    0x45: 1,
    0x2D: 1,
    0x4D: 1,
    0x61: 1,
    0x7B: 1,
    0x74: 1,
    0x64: 1,
    0x47: 1,
    0x70: 3,
    0x40: 0,
    0x32: 0,
    0x33: 1,
    0x4A: 1,
}
GS_ARGS = {0x21: 1, 0x62: 1, 0x42: 1, 0x68: 1, 0x77: 1, 0x66: 1, 0x48: 1}


@dataclass
class Printout:
    """What a printer would have produced from the bytes."""

    lines: list[str] = field(default_factory=list)
    bold_lines: list[str] = field(default_factory=list)
    barcodes: list[tuple[str, str]] = field(default_factory=list)
    qr_codes: list[str] = field(default_factory=list)
    cuts: int = 0
    status_queries: int = 0
    drawer_kicks: list[int] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    """Every command in order, as ``ESC 0x70`` or ``GS 0x56``: text adds none."""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def decode(data: bytes) -> Printout:
    out = Printout()
    codec = "cp437"
    bold = False
    line_bold = False
    pieces: list[str] = []  # one line may mix code pages: decode each run as it ends
    run = bytearray()

    def end_run() -> None:
        if run:
            pieces.append(bytes(run).decode(codec))
            run.clear()

    i = 0
    while i < len(data):
        byte = data[i]
        if byte == LF:
            end_run()
            text = "".join(pieces)
            out.lines.append(text)
            if line_bold:
                out.bold_lines.append(text)
            pieces.clear()
            line_bold = False
            i += 1
        elif byte == ESC:
            command = data[i + 1]
            if command not in ESC_ARGS:
                raise ValueError(f"unknown ESC command 0x{command:02x} at {i}")
            args = data[i + 2 : i + 2 + ESC_ARGS[command]]
            out.commands.append(f"ESC 0x{command:02x}")
            if command == 0x74:
                end_run()
                if args[0] not in EPSON_CODE_PAGES:
                    raise ValueError(f"unknown code page {args[0]}")
                codec = EPSON_CODE_PAGES[args[0]]
            elif command == 0x45:
                bold = bool(args[0])
            elif command == 0x70:
                out.drawer_kicks.append(args[0])
            i += 2 + ESC_ARGS[command]
        elif byte == GS:
            out.commands.append(f"GS 0x{data[i + 1]:02x}")
            i = _gs_command(data, i, out)
        elif byte == DLE and data[i + 1] == 0x04:  # DLE EOT n: a status query, prints nothing
            out.commands.append("DLE EOT")
            out.status_queries += 1
            i += 3
        elif byte < 0x20:
            raise ValueError(f"unexpected control byte 0x{byte:02x} at {i}")
        else:
            run.append(byte)
            line_bold = line_bold or bold
            i += 1
    end_run()
    if pieces:
        out.lines.append("".join(pieces))
    return out


def _gs_command(data: bytes, i: int, out: Printout) -> int:
    """Decode the GS command at ``i``; return the index after it."""
    command = data[i + 1]
    if command in GS_ARGS:
        return i + 2 + GS_ARGS[command]
    if command == 0x56:  # cut
        out.cuts += 1
        return i + (4 if data[i + 2] in (65, 66) else 3)
    if command == 0x6B:  # barcode
        kind = data[i + 2]
        if kind < 65:  # function A: NUL-terminated
            end = data.index(0, i + 3)
            out.barcodes.append((str(kind), data[i + 3 : end].decode("ascii")))
            return end + 1
        length = data[i + 3]
        payload = data[i + 4 : i + 4 + length].decode("ascii")
        if kind == 73 and payload[:2] in ("{A", "{B", "{C"):
            payload = payload[2:]
        out.barcodes.append((BARCODE_B.get(kind, str(kind)), payload))
        return i + 4 + length
    if command == 0x28 and data[i + 2] == 0x6B:  # GS ( k: 2D codes
        length = data[i + 3] + 256 * data[i + 4]
        body = data[i + 5 : i + 5 + length]
        if body[:3] == b"1P0":
            out.qr_codes.append(body[3:].decode("utf-8"))
        return i + 5 + length
    raise ValueError(f"unknown GS command 0x{command:02x} at {i}")
