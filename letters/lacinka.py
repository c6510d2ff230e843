"""Belarusian Cyrillic to Łacinka (the Latin alphabet of Belarusian), for what CLDR only has in
Cyrillic: month names in dates and country names in a ``be-Latn`` letter.

Rule: the classic rules — е ё ю я are ie io iu ia after a consonant and je jo ju ja elsewhere;
л is l before a soft sign or a softening vowel, ł otherwise; a soft sign softens з с н ц into
ź ś ń ć and is otherwise dropped. The catalog's own ``be-Latn`` texts are written by hand.
"""

from __future__ import annotations

# One Latin letter (or two: х → ch) per plain Cyrillic letter, in the order of the first string.
_LATIN = "a b v h g d ž z i j k l m n o p r s t u ŭ f ch c č š y e"
_PLAIN = dict(zip("абвгґджзійклмнопрстуўфхцчшыэ", _LATIN.split(" "), strict=True))
_IOTATED = {"е": "e", "ё": "o", "ю": "u", "я": "a"}
_SOFTENING = set(_IOTATED) | {"і", "ь"}
_SOFTENED = {"з": "ź", "с": "ś", "н": "ń", "ц": "ć", "л": "l"}
_VOWELS = set("аеёіоуыэюяў'’")


def to_lacinka(text: str) -> str:
    out: list[str] = []
    for index, char in enumerate(text):
        lower = char.lower()
        before = text[index - 1].lower() if index else ""
        after = text[index + 1].lower() if index + 1 < len(text) else ""
        if lower in _IOTATED:
            consonant = before.isalpha() and before not in _VOWELS and before != "ь"
            latin = ("i" if consonant else "j") + _IOTATED[lower]
        elif lower == "ь" or lower in "'’":
            continue
        elif lower in _SOFTENED and after == "ь":
            latin = _SOFTENED[lower]
        elif lower == "л":
            latin = "l" if after in _SOFTENING else "ł"
        else:
            latin = _PLAIN.get(lower, char)
        out.append(latin[:1].upper() + latin[1:] if char.isupper() else latin)
    return "".join(out)
