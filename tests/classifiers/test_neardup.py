"""Near-duplicate detection on hard pairs: reposts that must fold, look-alikes that must stay apart."""

from __future__ import annotations

import random

import pytest

from classifiers.lsh import BANDS, ROWS, minhash
from classifiers.neardup import compare, elements, sketch
from classifiers.neardup_form import Form, form

CAMILLE = ("URGENT on recherche Camille, 27 ans, elle était au Bataclan ce soir, robe verte, cheveux châtains au "
           "carré. Pas de nouvelles depuis 21h30. Partagez svp #RechercheParis")
LONG = ("Appel à témoins : l'individu recherché est susceptible d'être armé et dangereux. Il a été vu pour la "
        "dernière fois vers 23h10 porte de Montreuil, sweat gris à capuche, sac à dos noir, il se déplace à pied "
        "en direction du périphérique. Ne pas intervenir, ne pas le suivre. Contactez le 197 ou le 17. Merci de "
        "relayer largement ce message.")

REPOSTS = [
    ("Fusillade en cours aux Halles. Évitez Châtelet.", "⚠️⚠️ fusillade en cours aux halles evitez chatelet ⚠️⚠️"),
    ("Fusillade en cours aux Halles. Évitez Châtelet.", "RT @lea_75: Fusillade en cours aux Halles. Évitez Châtelet"),
    ("Fusillade en cours aux Halles. Évitez Châtelet.",
     "Fusillade en cours aux Halles. Évitez Châtelet. #Paris #Fusillade #13novembre 🙏"),
    ("Fusillade en cours aux Halles. Évitez Châtelet.", "URGENT fusillade en cours aux Halles, évitez Châtelet !!!"),
    (CAMILLE, "RT URGENT on recherche Camille, 27 ans, au Bataclan ce soir, robe verte, cheveux châtains au carré, "
              "pas de nouvelles depuis 21h30 #RechercheParis"),
    (CAMILLE, "Camille 27 ans Bataclan robe verte carré châtain, pas de nouvelles depuis 21h30 😢 partagez"),
    (LONG, LONG[:279] + "…"),  # cut at 280 characters by the network
    (LONG, "RT @PoliceNationale: " + LONG[:250] + "…"),
    ("Les écoles de Dammartin sont fermées demain ?",
     "Les écoles de Dammartin sont fermées demain ??? personne ne répond à la mairie"),
    ("#PorteOuverte dans le 11ème, rue Popincourt : canapé et matelas pour 3. MP.",
     "RT #PorteOuverte dans le 11e rue Popincourt, canapé + matelas pour 3 personnes, MP"),
]

LOOK_ALIKES = [
    ("fusillade en cours rue de Charonne, restez chez vous", "fusillade en cours rue de la Roquette, restez chez vous"),
    ("fusillade rue de Charonne, évitez le secteur svp", "fusillade rue de la Roquette, évitez le secteur svp"),
    ("on est 15 cachés dans la réserve, ils tirent encore", "on est 5 cachés dans la réserve, ils tirent encore"),
    ("URGENT on recherche Camille vue à Bastille vers 22h, robe verte", "URGENT on recherche Léa vue à Bastille vers "
                                                                       "22h, robe verte"),
    ("URGENT on recherche Camille vue à Bastille vers 22h, robe verte", "URGENT on recherche Camille vue à "
                                                                        "République vers 22h, robe verte"),
    ("ENORME boum côté porte C du Stade de France, 4 personnes par terre",
     "ENORME boum côté porte G du Stade de France, 4 personnes par terre"),
    ("HELP shooting right now near Belleville, people on the ground, we're inside a shop",
     "HELP SHOOTING RIGHT NOW NEAR STRASBOURG-SAINT-DENIS, PEOPLE ON THE GROUND, WE'RE INSIDE A SHOP"),
    ("stuck at Saint-Ambroise since 23h01, no taxi will stop for us, are the metros running?",
     "stuck at Saint-Ambroise since 23h23, no taxi will stop for us, are the metros running?"),
    ("colis suspect devant le lycée Voltaire, la police est prévenue ?",
     "colis suspect devant le lycée Turgot, la police est prévenue ?"),
    ("Merci aux policiers qui nous ont sortis du Bataclan vers 0h29, vous êtes des héros",
     "Merci aux policiers qui nous ont sortis du restaurant japonais vers 0h29, vous êtes des héros"),
]


@pytest.mark.parametrize(("a", "b"), REPOSTS)
def test_reposts_are_the_same_story(a: str, b: str) -> None:
    c = compare(form(a), form(b))
    assert c.same, c
    assert compare(form(b), form(a)).same  # symmetric


@pytest.mark.parametrize(("a", "b"), REPOSTS)
def test_reposts_are_candidates_of_each_other(a: str, b: str) -> None:
    sa, sb = sketch(a), sketch(b)
    assert sa is not None and sb is not None
    assert set(sa.bands) & set(sb.bands)


@pytest.mark.parametrize(("a", "b"), LOOK_ALIKES)
def test_look_alikes_stay_apart(a: str, b: str) -> None:
    c = compare(form(a), form(b))
    assert not c.same, c


def test_a_word_replaced_keeps_urgent_messages_apart_only() -> None:
    bar = form("on est cachés dans la réserve du bar, ils tirent encore, venez vite")
    resto = form("on est caches dans la reserve du resto, ils tirent encore, venez vite")
    assert compare(bar, resto, strict=True).reason == "substitution"
    assert compare(bar, resto).same  # a lost-property question with "bar" / "resto" is the same request


def test_short_or_empty_texts_have_no_sketch() -> None:
    assert sketch("aidez nous svp") is None
    assert sketch("🙏🙏🙏 #PrayForParis") is None
    assert sketch("") is None


def test_minhash_collides_as_often_as_the_jaccard_similarity() -> None:
    rng = random.Random(3)
    agree = total = 0
    for _ in range(200):
        words = [f"w{rng.random()}" for _ in range(20)]
        a, b = set(words[:14]), set(words[6:])  # Jaccard 8 / 20 = 0.4
        agree += int((minhash(a) == minhash(b)).sum())
        total += BANDS * ROWS
    assert 0.37 <= agree / total <= 0.43


def test_numbers_weigh_more_in_lsh() -> None:
    assert {"15", "15#1", "15#2"} <= elements(form("on est 15 dans la réserve"))



def test_best_match_compares_one_matching_member_per_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    from classifiers import neardup

    calls: list[str] = []
    real = neardup.compare

    def counting(a: Form, b: Form, *, strict: bool = False) -> neardup.Comparison:
        calls.append(b.text)
        return real(a, b, strict=strict)

    monkeypatch.setattr(neardup, "compare", counting)
    appeal = "URGENT on recherche Camille vue à Bastille vers 22h, robe verte, partagez"
    target = form("RT @a: " + appeal)
    candidates = [form(appeal), form(appeal + " 🙏"), form("fusillade en cours rue de Charonne, restez chez vous"),
                  form("⚠️ " + appeal.upper())]
    found = neardup.best_match(target, candidates, None, ["item:1", "item:1", "item:2", "item:1"])
    assert found is not None and found[0] == 0 and found[1].same
    assert len(calls) == 2  # the first member of item:1 matched: its two other members were not compared
    calls.clear()
    assert neardup.best_match(target, candidates)[0] in (0, 1, 3)  # type: ignore[index]
    assert len(calls) == 4  # without clusters, every candidate is compared


def test_a_batch_is_sketched_as_its_messages_one_by_one() -> None:
    from classifiers.lsh import minhashes
    from classifiers.neardup import sketches

    texts = [CAMILLE, "aidez nous svp", LONG, "", *(b for _, b in REPOSTS), "🙏🙏🙏 #PrayForParis", CAMILLE]
    assert sketches(texts) == [sketch(t) for t in texts]
    sets = [elements(form(t)) for t in (CAMILLE, LONG, "on est 15 dans la réserve")]
    assert (minhashes(sets) == [minhash(s) for s in sets]).all()
    with pytest.raises(ValueError):
        minhashes([sets[0], set()])


def test_band_keys_stay_what_the_window_holds() -> None:
    """Workers of different versions share one window: the band keys of a set must never change."""
    from classifiers.lsh import band_keys

    keys = band_keys(minhash({"fusil", "charo", "15", "15#1", "15#2"}))
    assert [k.hex() for k in keys] == ["18335304", "8bf1a2f9", "64cf42e9", "6981a20d", "be80dc81", "0eaaae36",
                                       "2613c06f", "5ae23464", "491c88ad", "32e25557", "47489922", "853daf21"]
