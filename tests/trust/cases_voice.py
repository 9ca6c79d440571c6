"""Trust cases for the voice import (issue 11, branch voice-import): what a new or careless
user hands ``drafter voice import``, a corrupt voice file, ``drafts publish`` on nothing.

``python -m tests.trust --only voice`` runs them.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from .cases import _draft_file
from .contract import Case

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "voice"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


def cases() -> list[Case]:
    g = "voice"
    v = ["voice", "import"]
    shares = (FIXTURES / "Shares.csv").read_bytes()
    others = {name: (FIXTURES / name).read_bytes() for name in ("Connections.csv", "Profile.csv")}
    return [
        Case("voice-import-zip", [*v, "{tmp}/Basic_LinkedInDataExport_12-01-2026.zip"], exit=(0,),
             files={"Basic_LinkedInDataExport_12-01-2026.zip": _zip({"Shares.csv": shares, **others})},
             says="6 added", group=g),
        Case("voice-import-folder", [*v, "{tmp}/posts"], exit=(0,), says="modification time",
             files={"posts/a.txt": "One post, by hand.\n", "posts/b.md": "Another one.\n", "posts/.x.txt": "hidden"},
             group=g),
        Case("voice-import-empty-csv", [*v, "{tmp}/Shares.csv"], files={"Shares.csv": b""}, says="empty", group=g),
        Case("voice-import-bom-only", [*v, "{tmp}/Shares.csv"], files={"Shares.csv": b"\xef\xbb\xbf"}, says="empty",
             group=g),
        Case("voice-import-no-post-column", [*v, "{tmp}/Shares.csv"], says="no ShareCommentary column",
             files={"Shares.csv": "Date,ShareLink\n2024-01-01 00:00:00,x\n"}, group=g),
        Case("voice-import-reposts-only", [*v, "{tmp}/Shares.csv"], says="no posts with text",
             files={"Shares.csv": "Date,ShareCommentary,SharedUrl\n2024-01-01 00:00:00,,https://example.org\n"},
             group=g),
        Case("voice-import-not-csv", [*v, "{tmp}/post.pdf"], says="not LinkedIn's export",
             files={"post.pdf": b"%PDF-1.4\n" + bytes(range(256))}, group=g),
        Case("voice-import-binary-csv", [*v, "{tmp}/Shares.csv"], says="not a CSV",
             files={"Shares.csv": bytes(range(256)) * 4}, group=g),
        Case("voice-import-latin1-csv", [*v, "{tmp}/Shares.csv"], says="UTF-8",
             files={"Shares.csv": "Date,ShareCommentary\n2024-01-01 00:00:00,caf\xe9\n".encode("latin-1")}, group=g),
        Case("voice-import-zip-without-shares", [*v, "{tmp}/Basic.zip"], says="no Shares.csv",
             files={"Basic.zip": _zip(others)}, group=g),
        Case("voice-import-zip-traversal", [*v, "{tmp}/evil.zip"], says="no Shares.csv",
             files={"evil.zip": _zip({"../../Shares.csv": shares})}, group=g),
        Case("voice-import-broken-zip", [*v, "{tmp}/broken.zip"], says="not a readable zip",
             files={"broken.zip": b"PK\x03\x04" + b"\x00" * 40}, group=g),
        Case("voice-import-missing", [*v, "{tmp}/nope.zip"], group=g),
        Case("voice-import-fifo", [*v, "{tmp}/Shares.csv"], files={"Shares.csv": "fifo:"}, bound=20, group=g),
        Case("voice-import-empty-folder", [*v, "{tmp}/empty"], files={"empty/notes.json": "{}"}, says="no .txt",
             group=g),
        Case("voice-import-nothing", v, says="give a PATH", group=g),
        Case("voice-import-published-none", [*v, "--published"], says="no draft", group=g),
        Case("voice-show-corrupt", ["voice", "show"], exit=(1,), files={"ws/voice.json": "{broken"},
             says="voice clear", group=g),
        Case("voice-import-over-corrupt", [*v, "{tmp}/Shares.csv"], exit=(1,), says="nothing imported",
             files={"ws/voice.json": "[1, 2]", "Shares.csv": shares}, group=g),
        Case("voice-clear-corrupt", ["voice", "clear"], exit=(0,), files={"ws/voice.json": b"\x00\xff"},
             says="could not be read", group=g),
        Case("voice-show-none", ["voice", "show"], exit=(0,), says="no voice", group=g),
        Case("drafts-publish-missing", ["drafts", "publish", "nope"], group=g),
        Case("drafts-publish-traversal", ["drafts", "publish", "../voice"], group=g),
        Case("drafts-publish-ok", ["drafts", "publish", "good-one"], exit=(0,), saves=True, says="marked published",
             files={"ws/drafts/good-one.json": _draft_file(text="A post worth keeping.\n\n#Teams", parts=None)},
             group=g),
    ]
