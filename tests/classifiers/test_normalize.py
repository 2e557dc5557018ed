from classifiers.normalize import fold_for_dedupe, normalize, strip_accents


def test_strip_accents_keeps_letters_and_other_scripts() -> None:
    assert strip_accents("Hôpital Saint-Louis, cœur, réserve") == "Hopital Saint-Louis, coeur, reserve"
    assert strip_accents("مساعدة") == "مساعدة"


def test_strip_accents_character_by_character_equals_nfkd_of_the_whole_text() -> None:
    """The translate table decomposes one character at a time; marks typed apart ("e" + U+0301), stacked
    marks, ligatures and full-width letters must come out as from NFKD over the whole text."""
    import unicodedata

    from classifiers.normalize import _FOLD

    for text in ("re\u0301serve", "a\u0323\u0302 ệ", "ﬁn ﬀ Ｆｕｌｌ ①", "ŒUVRE Ærø ß", "ǅemal ℌ", "🙏 ça"):
        whole = unicodedata.normalize("NFKD", text.translate(_FOLD))
        expected = "".join(c for c in whole if not unicodedata.combining(c))
        assert strip_accents(text) == expected, text


def test_normalize_lowercases_and_replaces_urls_and_mentions() -> None:
    text = "AIDEZ NOUS on est bloqués!!!!! https://t.co/xYz @Police_Nationale"
    assert normalize(text) == "aidez nous on est bloques!! URL @user"


def test_fold_makes_reposts_equal() -> None:
    original = "Urgent on recherche Camille, vue pour la dernière fois à Bastille"
    reposts = [
        "RT @lea_75: Urgent on recherche Camille, vue pour la dernière fois à Bastille 😢😢 https://t.co/a1",
        "URGENT ON RECHERCHE CAMILLE vue pour la derniere fois a bastille !!! #Paris #13novembre",
        "rt @a: RT @b: urgent on recherche camille... vue pour la dernière fois à Bastille",
    ]
    assert {fold_for_dedupe(r) for r in reposts} == {fold_for_dedupe(original)}


def test_fold_keeps_places_and_numbers_apart() -> None:
    assert fold_for_dedupe("fusillade rue de Charonne") != fold_for_dedupe("fusillade rue de la Roquette")
    assert fold_for_dedupe("on est 15 dans la réserve") != fold_for_dedupe("on est 5 dans la réserve")


def test_repeated_letters_shrink_but_numbers_stay() -> None:
    assert fold_for_dedupe("aidezzzzz nous") == "aidezz nous"
    assert fold_for_dedupe("numero 111 rue Oberkampf") != fold_for_dedupe("numero 11 rue Oberkampf")
    assert normalize("on est 1000 !!!!!") == "on est 1000 !!"


def test_fold_removes_bare_rt_prefixes_but_not_words_starting_with_rt() -> None:
    assert fold_for_dedupe("RT URGENT fusillade aux Halles") == fold_for_dedupe("urgent fusillade aux halles")
    assert fold_for_dedupe("RT: acab 1312") == "acab 1312"
    assert fold_for_dedupe("rtl annonce des tirs") == "rtl annonce des tirs"


def test_links_are_looked_for_only_where_one_can_be() -> None:
    """``without_urls`` skips the scan without a ``/`` or a ``www.``; it must find every link the scan finds."""
    from classifiers.normalize import URL, without_urls

    texts = ["rdv https://t.co/xYz ce soir", "voir WWW.interieur.gouv.fr vite", "Www.police.fr", "x.com/abc ok",
             "on est 3/4 blessés", "police.fr sans lien", "pas de lien ici, www seul", "ｗｗｗ．police．fr"]
    for text in texts:
        assert without_urls(text, " ") == URL.sub(" ", text), text
    assert without_urls("voir WWW.interieur.gouv.fr vite", " ") == "voir   vite"


def test_runs_are_shortened_only_where_three_of_a_kind_stand() -> None:
    """``shorten_runs`` skips the substitution without three equal characters in a row (any character, digits
    too); it must cut every run the substitution cuts, and only those."""
    from classifiers.normalize import _REPEAT, shorten_runs

    texts = ["aidezzzz!!!!", "on est 111 à 1112", "😱😱😱 vite", "non", "a\n\n\nb", "  3   espaces", "aa bb", ""]
    for text in texts:
        assert shorten_runs(text) == _REPEAT.sub(r"\1\1", text), text
    assert shorten_runs("aidezzzz!!!! 111") == "aidezz!! 111"
