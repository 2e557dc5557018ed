"""The form of a message: what reposts add is undone, anchors are marked (classifiers/neardup_form.py)."""

from __future__ import annotations

from classifiers.neardup_form import ANCHOR_WEIGHT, STOP_WEIGHT, Form, form, weighted_shingles


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
    assert _is_shouting("ÉVACUEZ LA GARE ÇA BRÛLE, vite") and not _is_shouting("Évacuez la GARE")
    assert _is_shouting("ПОМОГИТЕ НАМ please") and not _is_shouting("Помогите нам SVP")  # cased letters of any script


def _form_the_long_way(text: str) -> Form:
    """:func:`form`'s token rules written out one token at a time, as they read in the module docstring."""
    import re

    import classifiers.neardup_form as nf
    from classifiers.normalize import _REPEAT, URL, strip_accents

    out = nf._strip_trailing_tags(nf._MENTION.sub(" ", URL.sub(" . ", nf._RT_PREFIX.sub("", text))))
    out = _REPEAT.sub(r"\1\1", strip_accents(out))
    cased = not nf._is_shouting(out)
    tokens: list[str] = []
    anchors: list[bool] = []
    after_cue, last_end = False, -1
    for match in re.finditer(r"\d+|[^\W\d_]+", out):
        raw = match.group()
        word = nf._ABBREVIATIONS.get(raw.lower(), raw.lower())
        glued, last_end = match.start() == last_end, match.end()
        if (glued and tokens and tokens[-1].isdigit() and word in nf._ORDINAL_SUFFIXES) or word in nf.DECORATION:
            continue
        anchor = word.isdigit() or (after_cue and (word not in nf.STOP or (len(raw) == 1 and raw.isupper())))
        if cased and len(raw) > 1 and raw[0].isupper() and not raw.isupper() and word not in nf.STOP:
            anchor = True
        after_cue = word in nf.PLACE_CUES or (after_cue and word in nf.STOP)
        tokens.append(word)
        anchors.append(anchor)
    return Form(tokens, anchors)


def test_form_reads_tokens_as_written_out_the_long_way() -> None:
    """:func:`form` reads the text a piece between spaces at a time and caches what it knows of each piece and
    token; on random texts made of the pieces that matter it must agree with the rules written out."""
    import random

    pieces = ["Rue ", "gare de ", "porte C ", "Tirs ", "au ", "11e ", "21h30 ", "1m60", "svp", "5", "e ", "ème",
              "ST ", "bd ", "Camille ", "CAMILLE ", "à ", "la ", "Ça ", "_", "-", "!!!", "RT @x: ", "#Paris",
              "https://t.co/a ", "www.x.fr ", "@lea ", "😱", "ПОМОГИТЕ ", "²", "ıİ", "  ", "\n", "\u00a0", "\x1c"]
    rng = random.Random(11)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        f, expected = form(text), _form_the_long_way(text)
        assert (f.tokens, f.anchors) == (expected.tokens, expected.anchors), text
        assert (f.content, f.numbers) == (Form(f.tokens, f.anchors).content, Form(f.tokens, f.anchors).numbers)


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


def test_a_shingle_weighs_as_much_as_the_heaviest_token_it_touches() -> None:
    # " le " touches only a stop word; " ru" (space, then "ru" of "rue") a common word; "e 12" the number
    out = weighted_shingles(("le", "rue", "12"), frozenset({"12"}))
    assert list(out) == [" le ", "le r", "e ru", " rue", "rue ", "ue 1", "e 12", " 12 "]
    assert out[" le "] == STOP_WEIGHT and out[" rue"] == 1.0 and out["e 12"] == ANCHOR_WEIGHT
    assert out["le r"] == 1.0 and out["ue 1"] == ANCHOR_WEIGHT


def test_a_shingle_seen_twice_keeps_its_heaviest_weight() -> None:
    # " la " is a stop word's shingle twice; "la r" touches "rue" (1.0) once and "roquette" (an anchor) once
    out = weighted_shingles(("la", "rue", "la", "roquette", "la", "rue"), frozenset({"roquette"}))
    assert out[" la "] == STOP_WEIGHT
    assert out["la r"] == ANCHOR_WEIGHT  # not the weight of its last occurrence ("la rue": 1.0)
    assert out["a ru"] == 1.0


def test_shingles_of_a_text_shorter_than_one_shingle() -> None:
    assert weighted_shingles((), frozenset()) == {"  ": STOP_WEIGHT}
    assert weighted_shingles(("x",), frozenset()) == {" x ": 1.0}


def test_the_decoded_forms_cache_stays_bounded_and_keeps_the_newest() -> None:
    from classifiers import neardup_form

    neardup_form._FORMS.clear()
    limit = neardup_form._FORMS_MAX
    encoded = [f"fusillade rue ^{i} on est {i % 7} personnes" for i in range(2 * limit + 3)]
    for text in encoded:
        assert Form.decode(text).encode() == text
        assert len(neardup_form._FORMS) <= limit
    assert encoded[-1] in neardup_form._FORMS and encoded[-limit // 2] in neardup_form._FORMS
    assert encoded[0] not in neardup_form._FORMS
    assert limit <= 8192  # each form holds ~7.5 KB once compared: the cache is part of the worker's memory budget
    neardup_form._FORMS.clear()
