"""Small form helpers shared by every feature."""
from wtforms.fields.choices import SelectChoice


def choices(pairs) -> list[SelectChoice]:
    """Turn ``(value, label)`` pairs into select options (WTForms 3.3 no longer takes tuples).

    Each option takes the direction of its own text: a cohort typed in English reads right in
    the Arabic interface (an option cannot hold a ``<bdi>``)."""
    return [SelectChoice(value, label, render_kw={"dir": "auto"}) for value, label in pairs]
