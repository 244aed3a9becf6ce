"""Course text with the language it is really in, so pages can tag it (``lang``/``dir``)."""
from markupsafe import Markup

from dip.core.web import RTL


def direction(lang: str) -> str:
    """``rtl`` or ``ltr``: the writing direction of ``lang``."""
    return "rtl" if lang in RTL else "ltr"


class LangStr(str):
    """A string that knows its language: ``lang`` and ``dir`` for the element that shows it.

    ``lang`` is empty for text whose language nobody told us (a trainer's own assignment):
    it is then shown with ``dir="auto"``.
    """

    lang: str = "en"

    def __new__(cls, value: str, lang: str = "en"):
        obj = super().__new__(cls, value)
        obj.lang = lang
        return obj

    @property
    def dir(self) -> str:
        """The writing direction of the text's language (``auto`` when unknown)."""
        return direction(self.lang) if self.lang else "auto"

    @property
    def attrs(self) -> Markup:
        """`` lang="…" dir="…"`` to put on the element that holds this text."""
        if not self.lang:
            return Markup(' dir="auto"')
        return Markup(' lang="%s" dir="%s"') % (self.lang, self.dir)


def pick(values: dict | None, lang: str, default: str = "") -> LangStr:
    """``values[lang]`` tagged with ``lang``, else the English text tagged as English."""
    values = values or {}
    if values.get(lang):
        return LangStr(values[lang], lang)
    return LangStr(values.get("en") or default, "en")
