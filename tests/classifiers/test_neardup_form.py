"""The form of a message: what reposts add is undone, anchors are marked (classifiers/neardup_form.py)."""

from __future__ import annotations

from classifiers.neardup_form import Form, form


def test_form_undoes_what_reposts_add_and_marks_anchors() -> None:
    f = form("RT @lea_75: URGENT!!! fusillade rue de la Roquette au 11ème, partagez 😱 https://t.co/x #Paris #Bataclan")
    assert f.text == "fusillade rue de la roquette au 11"
    assert f.encode() == "fusillade rue de la ^roquette au ^11"
    assert form("Tirs au Trocadéro 21h30").encode() == "^tirs au ^trocadero ^21 ^30"
    assert form("TIRS AU TROCADERO").encode() == "tirs au trocadero"  # all capitals: capitals say nothing
    assert form("le bus 38 est dévié porte d'Orléans").encode() == "le bus ^38 est devie porte d ^orleans"
    assert Form.decode(f.encode()) == f


def test_shouting_is_mostly_capitals_among_cased_letters() -> None:
    from classifiers.neardup_form import _is_shouting

    assert _is_shouting("ENORME BOUM PORTE C 🙏 4 blessés")
    assert not _is_shouting("Enorme boum porte C, 4 blessés")
    assert not _is_shouting("😱😱 1312 !!!")  # no cased letter at all


def _variant_by_prefixes(f: Form, word: str) -> bool:
    """The spelling-variant rule written out the long way: every prefix of 4+ letters of the form's words."""
    prefixes = {t[:k] for t in f.words if not t.isdigit() for k in range(4, len(t))}
    return (word in prefixes or any(word[:k] in f.words for k in range(4, len(word)))
            or (len(word) >= 5 and word[:5] in prefixes))


def test_has_word_finds_spelling_variants_as_the_prefix_rule_does() -> None:
    f = form("les personnes évacuées de la gare conduisez prudemment, nouvelle alerte au quai 5")
    assert f.has_word("pers") and f.has_word("personne") and f.has_word("nouvelles")
    assert f.has_word("conduite") and f.has_word("evacuation")
    assert f.has_word("perso") and not f.has_word("garage") and not f.has_word("garnison")
    assert not f.has_word("55")  # numbers are never variants
    words = ["pers", "perso", "personne", "personnes", "personnel", "nouv", "nouve", "nouvel", "nouveau",
             "conduite", "condo", "evacu", "evacuation", "evacuez", "garde", "gares", "garer", "quai", "quais",
             "prude", "prudent", "alert", "alerter", "aler", "deux", "deuxieme", "lesbos"]
    for word in words:
        if word not in f.words:
            assert f.has_word(word) == _variant_by_prefixes(f, word), word
