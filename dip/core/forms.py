"""Small form helpers shared by every feature."""
from wtforms.fields.choices import SelectChoice


def choices(pairs) -> list[SelectChoice]:
    """Turn ``(value, label)`` pairs into select options (WTForms 3.3 no longer takes tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]
