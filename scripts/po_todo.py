"""Hand untranslated strings to a translator as JSON, and merge the answers back.

    .venv/bin/python scripts/po_todo.py export fr todo.json   # {"msgid": "", ...}
    .venv/bin/python scripts/po_todo.py import fr done.json   # fills translations/fr/...po

Plural entries export as {"<singular>": {"plural": "<plural>", "forms": ["", ""]}} with as
many forms as the language has (Arabic: six). A string with a context (the same English for
two meanings, e.g. "Open") exports as "<context>\u0004<msgid>", gettext's own notation, so
each meaning keeps its own translation.

What is left to translate in a language, e.g. Kinyarwanda: `export rw todo.json`.
"""
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent


def _path(lang):
    return ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"


def _load(lang):
    with open(_path(lang), "rb") as f:
        return read_po(f, locale=lang)


def _key(message):
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return f"{message.context}\x04{msgid}" if message.context else msgid


def export(lang, out):
    catalog = _load(lang)
    todo = {}
    for m in catalog:
        if not m.id:
            continue
        if isinstance(m.id, (list, tuple)):
            if m.fuzzy or not all(m.string):
                todo[_key(m)] = {"plural": m.id[1], "forms": [""] * catalog.num_plurals}
        elif m.fuzzy or not m.string:
            todo[_key(m)] = ""
    Path(out).write_text(json.dumps(todo, ensure_ascii=False, indent=1))
    print(f"{len(todo)} strings to translate into {lang} -> {out}")


def merge(lang, src):
    catalog = _load(lang)
    answers = json.loads(Path(src).read_text())
    done = 0
    for m in catalog:
        key = _key(m)
        if key not in answers or not answers[key]:
            continue
        value = answers[key]
        if isinstance(m.id, (list, tuple)):
            forms = value["forms"] if isinstance(value, dict) else value
            m.string = tuple(forms)
        else:
            m.string = value
        m.flags.discard("fuzzy")
        done += 1
    with open(_path(lang), "wb") as f:
        # width 76: what `pybabel update` (scripts/i18n) writes, so an import changes only
        # the lines it fills, not the wrapping of the whole file.
        write_po(f, catalog, width=76, omit_header=False, sort_output=True)
    print(f"{done} translations merged into {lang}")


if __name__ == "__main__":
    command, lang, file = sys.argv[1:4]
    {"export": export, "import": merge}[command](lang, file)
