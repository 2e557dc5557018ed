from classifiers.dedupe import fingerprint


def test_reposts_share_a_fingerprint() -> None:
    a = fingerprint("Le métro est fermé à République ?")
    b = fingerprint("RT @x: le metro est ferme a republique ??? 🙏 #Paris")
    assert a is not None and a == b


def test_different_streets_differ() -> None:
    assert fingerprint("fusillade en cours rue de Charonne") != fingerprint("fusillade en cours rue de la Roquette")


def test_short_texts_are_never_folded() -> None:
    """Two people writing "aidez nous svp" are two people, not a repost."""
    assert fingerprint("aidez nous svp") is None
    assert fingerprint("🙏🙏🙏") is None


def test_short_texts_fold_only_when_not_urgent() -> None:
    """Two thousand "merci ❤️" are one item; two "aidez nous" at priority 0 stay two."""
    assert fingerprint("Merci ❤️", 3) == fingerprint("merci !!! #PrayForParis", 3) is not None
    assert fingerprint("ACAB 1312 🔥", 3) == fingerprint("RT acab 1312", 2) is not None
    assert fingerprint("aidez nous svp", 0) is None
    assert fingerprint("aidez nous svp", 1) is None
    assert fingerprint("🙏🙏🙏", 3) is None  # nothing left once folded
