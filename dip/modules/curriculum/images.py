"""The pictures of one module folder: photos served as they are, drawings checked once and
made per language (labels, title, direction) when the lessons that show them are read."""
from pathlib import Path

from dip.modules.curriculum import svg
from dip.modules.curriculum.content import image_size
from dip.modules.curriculum.errors import ContentError
from dip.modules.curriculum.langs import direction


class Images:
    """One module's ``images/`` folder while its lessons are read.

    ``produced`` collects ``{(name, lang): svg bytes}`` for every drawing a lesson showed;
    ``problems`` the ``(path, reason)`` of drawings refused by the allow-list.
    """

    def __init__(self, folder: Path, media_url: str):
        self.folder = Path(folder) / "images"
        self.media_url = media_url
        self.produced: dict[tuple[str, str], bytes] = {}
        self.problems: list[tuple[str, str]] = []
        self._parsed: dict[str, svg.Picture | None] = {}

    def _load(self, file: str) -> svg.Picture | None:
        if file not in self._parsed:
            path = self.folder / file
            try:
                self._parsed[file] = svg.parse(path.read_bytes(), file.split(".")[0])
            except (OSError, ContentError) as exc:
                self._parsed[file] = None
                self.problems.append((str(path), str(exc)))
        return self._parsed[file]

    def picture(self, name: str, lang: str = "en") -> svg.Picture | None:
        """The checked drawing ``name`` (``images/<name>.svg``) as ``lang`` shows it.

        A language may have its own drawing, ``<name>.<lang>.svg`` (a sequence mirrored for
        Arabic); it must have the same text ids as the English one.
        """
        if "/" in name or "." in name or not (self.folder / f"{name}.svg").is_file():
            return None
        base = self._load(f"{name}.svg")
        variant = f"{name}.{lang}.svg"
        if lang == "en" or base is None or not (self.folder / variant).is_file():
            return base
        own = self._load(variant)
        if own is not None and set(own.ids) != set(base.ids):
            self.problems.append((str(self.folder / variant),
                                  f"its text ids differ from {name}.svg's"))
            self._parsed[variant] = own = None
        return own or base

    def drawing(self, name: str, lang: str, labels: dict[str, str], title: str | None):
        """``(svg bytes, picture)`` of drawing ``name`` in ``lang``, or None; kept in ``produced``."""
        picture = self.picture(name, lang)
        if picture is None:
            return None
        first = picture.root[0] if len(picture.root) else None
        keep_own_title = lang == "en" and first is not None and first.tag.endswith("title") \
            and (first.text or "").strip()
        data = svg.localise(picture, lang, labels, None if keep_own_title else title,
                            rtl=direction(lang) == "rtl")
        earlier = self.produced.setdefault((name, lang), data)
        if earlier != data:
            self.problems.append((str(self.folder / f"{name}.svg"),
                                  f"two {lang} lessons give it different labels"))
        return earlier, picture

    def resolver(self, lang: str, labels: dict[str, dict[str, str]], title: str | None):
        """``resolve(src) -> (url, width, height) | None`` for the images of a ``lang`` file."""
        def resolve(src: str):
            name = src.removeprefix("images/") if src.startswith("images/") else None
            if not name or "/" in name:
                return None
            if name.endswith(".svg"):
                made = self.drawing(name[:-4], lang, labels.get(name[:-4], {}), title)
                if made is None:
                    return None
                data, picture = made
                return (f"{self.media_url}{name[:-4]}.{lang}.svg?v={svg.fingerprint(data)}",
                        picture.width, picture.height)
            size = image_size(self.folder / name)
            return (f"{self.media_url}{name}", *size) if size else None

        return resolve
