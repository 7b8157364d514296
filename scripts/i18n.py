"""Keep the Indonesian catalogue complete.

    python scripts/i18n.py missing            refresh locale/id/.../django.po and print untranslated msgids as JSON
    python scripts/i18n.py apply FILE.json    refresh, then fill msgstrs from {"msgid": "msgstr", ...} and compile

A file lock serialises runs, so several people (or helpers) working in one tree never clobber the catalogue.
Plural entries take a list of msgstrs in the JSON.
"""

import fcntl
import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale/id/LC_MESSAGES/django.po"
LOCK = ROOT / ".i18n.lock"


def refresh():
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "id", "--no-obsolete",
         "--ignore=.venv/*", "--ignore=tests/*", "--ignore=bench/*", "--ignore=scripts/*"],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def missing(po):
    return [e for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


def main():
    LOCK.touch(exist_ok=True)
    with LOCK.open() as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        refresh()
        po = polib.pofile(str(PO))
        if sys.argv[1:2] == ["apply"]:
            translations = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
            for entry in po:
                if entry.msgid in translations:
                    value = translations[entry.msgid]
                    if entry.msgid_plural:
                        values = value if isinstance(value, list) else [value, value]
                        entry.msgstr_plural = dict(enumerate(values))
                    else:
                        entry.msgstr = value
                    if "fuzzy" in entry.flags:
                        entry.flags.remove("fuzzy")
            po.metadata["Language"] = "id"
            po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
            po.save(str(PO))
            subprocess.run(
                [sys.executable, "manage.py", "compilemessages", "--ignore=.venv"],
                cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            left = missing(polib.pofile(str(PO)))
            print(f"{len(left)} entries still untranslated", file=sys.stderr)
        else:
            print(json.dumps({e.msgid: "" for e in missing(po)}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
