"""Short appeal texts in the languages the issue names, for tests of never-mixed letters.

Each is (subject, heading, body, demand, closing) in the language itself, our own words.
"""

from __future__ import annotations

from campaigns.appeal import Appeal, Text
from tests.letters.builders import APPEAL

TEXTS = {
    "fr": (
        "Appel : retirer la reconnaissance au régime",
        "Retirer la reconnaissance à Aliaksandr Loukachenko",
        "Nous vous écrivons au nom des personnes qui ont signé notre pétition.",
        "Retirer formellement la reconnaissance du gouvernement de Loukachenko.",
        "Veuillez agréer l’expression de notre haute considération.",
    ),
    "de": (
        "Appell: die Anerkennung des Regimes entziehen",
        "Aljaksandr Lukaschenka die Anerkennung entziehen",
        "Wir schreiben Ihnen im Namen der Menschen, die unsere Petition unterzeichnet haben.",
        "Der Regierung Lukaschenkas förmlich die Anerkennung entziehen.",
        "Mit vorzüglicher Hochachtung",
    ),
    "it": (
        "Appello: revocare il riconoscimento al regime",
        "Revocare il riconoscimento ad Aljaksandr Lukašenka",
        "Le scriviamo a nome delle persone che hanno firmato la nostra petizione.",
        "Revocare formalmente il riconoscimento del governo di Lukašenka.",
        "Distinti saluti",
    ),
    "es": (
        "Llamamiento: retirar el reconocimiento al régimen",
        "Retirar el reconocimiento a Aliaksandr Lukashenko",
        "Le escribimos en nombre de las personas que han firmado nuestra petición.",
        "Retirar formalmente el reconocimiento al gobierno de Lukashenko.",
        "Atentamente,",
    ),
    "el": (
        "Έκκληση: ανάκληση της αναγνώρισης του καθεστώτος",
        "Ανάκληση της αναγνώρισης του Αλιάκσανταρ Λουκασένκο",
        "Σας γράφουμε εκ μέρους όσων υπέγραψαν την αίτησή μας.",
        "Να ανακληθεί επισήμως η αναγνώριση της κυβέρνησης Λουκασένκο.",
        "Με εκτίμηση,",
    ),
    "be": (
        "Зварот: адмовіць рэжыму ў прызнанні",
        "Адмовіць у прызнанні Аляксандру Лукашэнку",
        "Мы пішам Вам ад імя тых, хто падпісаў нашу петыцыю.",
        "Афіцыйна адмовіць ураду Лукашэнкі ў прызнанні.",
        "З павагай,",
    ),
    "be-Latn": (
        "Zvarot: admović režymu ŭ pryznanni",
        "Admović u pryznanni Alaksandru Łukašenku",
        "My pišam Vam ad imia tych, chto padpisaŭ našu petycyju.",
        "Aficyjna admović uradu Łukašenki ŭ pryznanni.",
        "Z pavahaj,",
    ),
    "uk": (
        "Звернення: відмовити режиму у визнанні",
        "Відмовити у визнанні Олександру Лукашенку",
        "Ми пишемо Вам від імені тих, хто підписав нашу петицію.",
        "Офіційно відмовити уряду Лукашенка у визнанні.",
        "З повагою,",
    ),
    "lt": (
        "Kreipimasis: nepripažinti režimo",
        "Nepripažinti Aliaksandro Lukašenkos",
        "Rašome Jums pasirašiusiųjų mūsų peticiją vardu.",
        "Oficialiai nepripažinti Lukašenkos vyriausybės.",
        "Pagarbiai",
    ),
}


def appeal_in(*languages: str) -> Appeal:
    """The example appeal with texts in ``languages`` as well."""
    texts = dict(APPEAL.texts)
    for code in languages:
        subject, heading, body, demand, closing = TEXTS[code]
        texts[code] = Text(
            subject=subject, heading=heading, body=body, demands=[demand], closing=closing
        )
    return APPEAL.model_copy(update={"texts": texts})
