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
