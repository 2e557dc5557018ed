"""The danger cues of the urgency model: a small multilingual lexicon (:data:`CUES`), general French / English
regular expressions over normalised text (:data:`PATTERN_CUES`), and a few conjunctions of them (:data:`COMBOS`)
that a linear model cannot form by itself. Each is one binary feature column (see :mod:`.features`); changing
any of them changes the features, so bump ``FEATURE_SCHEMA_VERSION`` and retrain.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

# cue → normalised words or phrases (lower case, no accents; 1–3 tokens of 2+ letters) or emoji.
CUES: dict[str, tuple[str, ...]] = {
    "armes / tirs": ("tir", "tirs", "tirent", "tire", "tireur", "tireurs", "fusillade", "kalach", "kalachnikov",
                     "kalash", "arme", "armes", "armee", "armees", "coups de feu", "de feu", "couteau", "couteaux",
                     "machette", "poignarde", "explosion", "explosif", "bombe", "kamikaze", "shooting", "shooter",
                     "gunman", "gunfire", "gunshots", "shots fired", "knife", "bomb", "disparos", "tiroteo",
                     "schusse", "schiesserei"),
    "cachés / otages": ("cache", "caches", "cachee", "cachees", "planque", "planques", "coinces", "enfermes",
                        "otage", "otages", "hostage", "hostages", "hiding", "trapped", "escondidos", "atrapados",
                        "versteckt", "geiseln"),
    "blessés": ("blesse", "blesses", "blessee", "blessees", "saigne", "saignent", "sang", "injured", "wounded",
                "bleeding", "heridos", "verletzt", "verletzte"),
    "appel à l'aide": ("aidez", "aidez nous", "aidez moi", "au secours", "sos", "help us", "help me", "send help",
                       "ayuda", "auxilio", "hilfe"),
    "en ce moment": ("maintenant", "en ce moment", "en cours", "encore", "right now", "still", "ahora", "jetzt"),
    "négation / plaisanterie": ("mdr", "ptdr", "lol", "mort de rire", "pas de blesses", "tout va bien",
                                "fausse alerte", "feux artifice", "petards", "je rigole", "😂", "🤣"),
}


# Cue patterns: regular expressions over normalised text (lower case, no accents, ``@user`` / ``URL``
# placeholders), written as general French / English usage, not as strings of any data set. Each is one binary
# column; :data:`COMBOS` add a few conjunctions a linear model cannot form by itself.
_W = r"(?:^|(?<=[\s'’\"(#@]))"  # start of a word (works next to apostrophes and hashtags)
PATTERN_CUES: dict[str, str] = {
    "présence (je / on / un proche)": (
        r"\b(?:on est|on etait|on se|nous sommes|nous etions|je suis|j suis|jsuis|chui|je me suis|on s est"
        r"|(?:ma|mon|mes) (?:soeur|frere|mere|pere|fille|fils|copine|copain|femme|mari|cousine?|pote|amie?|collegue"
        r"|enfants?|parents|potes|voisine?)s? (?:est|sont|m ecrit|me dit|m a ecrit|m envoie|m appelle)"
        r"|we are|we re|i am|i m|my (?:sister|brother|wife|husband|son|daughter|friend|mum|mom|dad) is)\b"),
    "caché / enfermé": (
        r"\b(?:cache|caches|cachee|cachees|planque|planques|coince|coinces|coincee|enferme|enfermes|enfermee"
        r"|bloque|bloques|bloquee|barricade|barricades|refugie|refugies|a terre|allonges?|sous (?:la|les|une|des)"
        r" (?:table|tables|scene|lit|bureau|comptoir)|dans (?:la|les|une|le) (?:reserve|cave|toilettes|loge|cuisine"
        r"|chambre froide|placard|cabine|grenier|local)|hiding|trapped|locked in|barricaded)\b"),
    "menace présente (ils sont là)": (
        r"\b(?:ils sont|il est) (?:encore |toujours )?(?:la|devant|dehors|dedans|dans|en bas|a la porte|a cote"
        r"|derriere|armes?)\b|\bdevant la porte\b|\bessaie(?:nt)? d (?:entrer|ouvrir)|\bdefonce|\btambourine"
        r"|\bil (?:arrive|revient|monte)\b|\bthey are (?:still )?(?:here|outside|inside)"),
    "blessure / détresse physique": (
        r"\b(?:blesses?|blessees?|saigne|saignent|pisse le sang|touche par|touchee par|ne respire|respire plus"
        r"|inconscient|inconsciente|evanoui|ne bouge plus|par terre|agonise|balle dans|hurle|hurlent|crie|crient"
        r"|injured|wounded|bleeding|not breathing|unconscious)\b"),
    "arme / attaque": (
        r"\b(?:tirs?|tirent|tire|tireurs?|fusillade|coups? de feu|rafales?|kalach\w*|kalash\w*|armes?|armee?s?"
        r"|couteaux?|machette|poignarde\w*|explosions?|explose|explosif|bombes?|kamikaze|grenade|fusil|pistolet"
        r"|flingue|otages?|prise d otage|shooting|shots?|gunm[ae]n|gunfire|knife|bomb|hostages?|attentat|attaque)\b"),
    "danger immédiat hors attaque": (
        r"\b(?:va sauter|veut sauter|menace de sauter|sur le point de sauter|au bord du (?:vide|pont|toit|quai)"
        r"|sur le (?:toit|rebord|parapet)|enjambe|se jeter|en finir|suicid\w*|about to jump|going to jump"
        r"|(?:enfant|bebe|gamin|petit|petite|chien)s? (?:enferme|enfermee|seule?|coince|oublie|laisse)"
        r"[^.\n]{0,30}voiture|voiture en plein soleil|en plein soleil|il fait \d+ ?(?:degres|°)"
        r"|frappe (?:sa|ma|son|la)|la frappe|le frappe|l etrangle|etrangle|l a poignardee?|me menace|nous menace"
        r"|bousculade|ecrase|ecrases|on etouffe|etouffe|crush)\b"),
    "maintenant": (
        r"\b(?:maintenant|en ce moment|en cours|encore|toujours la|actuellement|la tout de suite|tout de suite"
        r"|a l instant|il y a (?:\d+|deux|cinq|dix) ?(?:min|minutes|sec|secondes)\b|depuis (?:\d+|dix|vingt)"
        r" ?(?:min|minutes)|right now|still|now)\b"),
    "appel à l'aide": (
        r"\b(?:aidez|aide nous|aide moi|au secours|sos|venez vite|vite|urgent|urgence|envoyez|help|please"
        r"|svp|s il vous plait|on va mourir|je vais mourir|on a peur|j ai peur)\b|!!"),
    "négation du danger": (
        r"\b(?:pas de|aucun|aucune|sans|zero|0|ni) (?:blesses?|victimes?|morts?|danger|tirs?|souci|probleme"
        r"|degats?|bless\w*)\b|\btout (?:va|allait|le monde va) bien\b|\bfausse alerte\b|\bfausse info\b"
        r"|\brien de grave\b|\bc etait (?:que |juste |seulement )?(?:des|un|une) (?:petards?|feux?|pneu|exercice"
        r"|mariage|pot d echappement)|\bfeux? d artifice|\bpetards?\b|\bexercice\b|\bno one (?:hurt|injured)"
        r"|\bfalse alarm\b|\bnot (?:a )?(?:real|shooting)\b"),
    "en sécurité": (
        r"\b(?:en securite|sains? et saufs?|saine et sauve|on va bien|je vais bien|je suis rentree?|on est rentres"
        r"|bien rentree?s?|a l abri|rassures?|rassurez vous|we re safe|we are safe|i m safe|i am safe|safe and sound"
        r"|marked (?:myself )?safe|safety check)\b"),
    "ouï-dire / rumeur": (
        r"\b(?:il parait|parait qu|on dit|on m a dit|on raconte|j ai entendu|ai entendu dire|entendu a la (?:radio"
        r"|tele)|j ai lu|j ai vu sur|vu sur (?:twitter|facebook|fb|snap|insta|whatsapp|tiktok|x)|rumeurs?"
        r"|apparemment|apparement|selon (?:des|certains|plusieurs)|circule|ca tourne|tourne sur|faites tourner"
        r"|partagez|partagez un max|info ou intox|intox|fake|confirmez|quelqu un (?:confirme|sait)|c est vrai"
        r"|vrai ou faux|c est confirme|je sais pas si c est vrai|a verifier|heard|rumou?rs?|apparently|is it true"
        r"|unconfirmed|reportedly)\b"),
    "question": (r"\?|\b(?:est ce qu|est ce que|peut on|on peut|savez vous|quelqu un sait|can i|can we|is it|is the"
                 r"|are the|should)\b"),
    "plaisanterie / figuré": (
        r"\b(?:mdr|mdrr|ptdr|lol|lmao|xd|jpp|haha\w*|hihi|mort de rire|morte de rire|je rigole|je plaisante|blague"
        r"|trop drole|une tuerie|c est une tuerie|un massacre|c etait un massacre|j ai tue|je vais (?:le |la )?tuer"
        r"|tuer mon|tuer ma|ca tue|m a tue|killed it|dead|la bombe|une bombe|de la bombe|canon|je suis mort|explose"
        r" de rire|au top|de ouf|trop bien|trop bon|concert|soiree|partiel|exam)\b|😂|🤣|😅|😆|😜|💀|😭"),
    "passé / mémoire": (
        r"\b(?:il y a (?:un|deux|trois|cinq|dix|\d+) ans|ans (?:deja|apres|plus tard)|ans aujourd hui|hommage"
        r"|anniversaire|commemoration|commemore|proces|verdict|condamne|documentaire|souvenir|souvenirs|memoire"
        r"|jamais oublier|on n oublie pas|n oublierai|n oublions|je n oublie|never forget|years ago|years later"
        r"|ce jour la|cette nuit la|reportage|livre|temoignage|(?:19|20)\d\d)\b"),
    "repost (RT / officiel)": r"\brt @user",
    "consigne / appel officiel": (
        r"\b(?:appel a temoins?|appel a temoin|contactez le|composez le|appelez le|197|numero (?:vert|gratuit)"
        r"|police nationale|policenationale|prefecture|prefecturepolice|prefet|communique|consignes?|restez chez"
        r"|evitez le secteur|evitez la zone|ne diffusez pas|n appelez le 17|plateforme|signalement en ligne"
        r"|ne pas (?:intervenir|s approcher)|ne l approchez pas|dangereux ne pas)\b"),
    "publicité / arnaque": (
        r"\b(?:gagne[rz]?|gagnez|gratuit|gratuits?|promo|promotion|crypto\w*|bitcoin|btc|followers|abonnes|likes"
        r"|concours|jeu concours|cliquez|clique|lien en bio|offre|code promo|reduc\w*|investi\w*|revenus?|trading"
        r"|dm moi|en dm|mp moi|€|euros par jour|par jour|livraison|soldes|maillots?|casino|pari\w*|URL)\b|€|\$"),
    "merci / soutien": (
        r"\b(?:merci|mercii|bravo|courage|pensees|soutien|solidarite|condoleances|prayfor\w*|respect|heros|chapeau"
        r"|force a|thank\w*|praying|thoughts|je suis paris|jesuisparis|recueillement|minute de silence)\b|🙏|❤|💙|🇫🇷"),
    "offre d'aide": (
        r"\b(?:porteouverte|porte ouverte|heberger|hebergement|je peux (?:accueillir|heberger|emmener|conduire|aider"
        r"|ramener|preter)|on peut (?:accueillir|heberger)|canape|de la place|places? dispo|don du sang|donner (?:son|"
        r"du|mon) sang|donneurs?|je suis (?:medecin|infirmiere?|secouriste|interprete|traductrice?|psy\w*)|bilingue"
        r"|je parle|je traduis|gratuitement|i can host|free ride|couch|offre (?:un|mon)|benevoles?)\b"),
    "proche injoignable": (
        r"\b(?:injoignable|n arrive pas a (?:le |la |les )?joindre|arrive pas a (?:le |la |les )?joindre|ne repond"
        r" (?:pas|plus)|repond pas|pas de nouvelles|sans nouvelles|aucune nouvelle|disparue?s?|introuvable"
        r"|avez vous vu|vous l avez vu|quelqu un (?:a vu|l a vu)|on (?:la|le) cherche|je cherche (?:mon|ma|mes)"
        r"|recherche (?:mon|ma|mes)|have you seen|can t reach|cannot reach|missing|not answering)\b"),
    "signalement (j'ai vu)": (
        r"\b(?:j ai vu|je vois|on voit|je viens de voir|on vient de voir|j ai apercu|j ai croise|ai apercu|vu un|vu une"
        r"|vu deux|vu le|vu la|ressemble|ressemblait|plaque|immatricul\w*|vehicule|voiture|camionnette|scooter|moto"
        r"|individu|individus|suspect|suspects|colis|sac abandonne|valise|bagage|se dirige|direction|partis vers"
        r"|s enfuit|en fuite|a pris la fuite|signaler|i saw|spotted|suspicious)\b"),
    "plainte contre la police": (
        r"\b(?:controle|controles|controlee?|fouille|plaque contre|m a (?:tutoye|insulte|frappe|pousse|menotte|parle)"
        r"|refuse (?:ma|de prendre|de m)|plainte refusee|refus de plainte|personne n est venu|personne ne repond"
        r"|jamais venus?|toujours rien|aucune reponse|facies|igpn|deontologie|abus|bavure|violences? policieres?"
        r"|ca fait (?:\d+|deux|trois) (?:jours|semaines|mois|heures)|\d+ (?:jours|semaines|mois) que|j ai attendu"
        r"|attente de|pas normal|inadmissible|scandaleux|honteux|honte)\b"),
    "démarche administrative": (
        r"\b(?:comment (?:faire|porter|declarer|recuperer|obtenir|signaler|on fait)|pre ?plainte|plainte en ligne"
        r"|porter plainte|procuration|fourriere|objets? trouves?|perdu (?:mon|ma|mes)|j ai perdu|on m a vole|vole"
        r"|cambriol\w*|passeport|carte d identite|cni|permis|recrutement|recrute|devenir (?:policier|gardien)"
        r"|declarer|demarche|formulaire|rendez vous|rdv|horaires?|commissariat|attestation|recepisse|main courante"
        r"|arme (?:de chasse|heritee)|carabine|replique|airsoft)\b"),
    "sécurité / transport": (
        r"\b(?:metro|rer|ligne|bus|tram|gare|transports?|train|trains|route|periph\w*|ecoles?|college|lycee|creche"
        r"|match|stade|manif\w*|marche|defile|feu d artifice|concert|fermee?s?|ouverte?s?|rouvert|circule|roule"
        r"|fonctionne|bouclee?|perimetre|quartier|secteur|sur pour|securise|safe|dangereux|eviter|rentrer chez"
        r"|rentrer a|sortir|passer par|confinement|confines?)\b"),
    "insulte / provocation": (
        r"\b(?:acab|nique|niquez|fdp|connards?|connasses?|batards?|encules?|incapables?|nuls?|bouffons?|guignols?"
        r"|poulets|keufs|flics|condes|de merde|ferme(?:z)? la|honte a vous|degage\w*|mort aux|all cops)\b|👏|🖕|🤡|🐷"),
    "menace écrite": (
        r"\b(?:je vais (?:venir|tous|tout|faire|vous)|je viens (?:au|avec|vous)|vous allez (?:voir|payer|regretter)"
        r"|avec (?:le|mon) (?:fusil|flingue|couteau|arme)|faire sauter|tous vous|on va (?:tout|vous)|demain a"
        r"|gonna (?:shoot|kill)|i will (?:kill|shoot))\b"),
}
_COMBOS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # name → (all of, none of)
    "présence + caché": (("présence (je / on / un proche)", "caché / enfermé"), ()),
    "présence + arme": (("présence (je / on / un proche)", "arme / attaque"), ("négation du danger",
                                                                              "plaisanterie / figuré")),
    "présence + blessure": (("présence (je / on / un proche)", "blessure / détresse physique"),
                            ("négation du danger", "plaisanterie / figuré")),
    "arme + maintenant": (("arme / attaque", "maintenant"), ("négation du danger", "plaisanterie / figuré",
                                                             "passé / mémoire")),
    "caché + menace présente": (("caché / enfermé", "menace présente (ils sont là)"), ()),
    "arme + ouï-dire": (("arme / attaque", "ouï-dire / rumeur"), ()),
    "arme + question": (("arme / attaque", "question"), ()),
    "arme + figuré": (("arme / attaque", "plaisanterie / figuré"), ()),
    "arme + passé": (("arme / attaque", "passé / mémoire"), ()),
    "RT + consigne": (("repost (RT / officiel)", "consigne / appel officiel"), ()),
}
COMBOS = {name: (tuple(list(PATTERN_CUES).index(c) for c in need), tuple(list(PATTERN_CUES).index(c) for c in veto))
          for name, (need, veto) in _COMBOS.items()}
CUE_NAMES: tuple[str, ...] = (*CUES, *PATTERN_CUES, *COMBOS)  # the cue columns, in order
_PATTERNS = [re.compile(p, re.MULTILINE) for p in PATTERN_CUES.values()]
_ELISION = str.maketrans("'-", "  ")  # "j'ai" → "j ai", "pré-plainte" → "pre plainte": same length


def pattern_cues(prepared: Sequence[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(rows, cue numbers counted from the first pattern cue) of :data:`PATTERN_CUES` and :data:`COMBOS`.

    Each pattern runs once over the whole batch joined by newlines (prepared texts hold none, and no pattern
    crosses one), and the match positions are mapped back to rows."""
    n = len(prepared)
    hits = np.zeros((n, len(PATTERN_CUES) + len(COMBOS)), dtype=bool)
    if not n:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    joined = "\n".join(prepared).translate(_ELISION)
    starts = np.cumsum([0] + [len(t) + 1 for t in prepared[:-1]])
    for cue, pattern in enumerate(_PATTERNS):
        at = [m.start() for m in pattern.finditer(joined)]
        if at:
            hits[np.searchsorted(starts, at, side="right") - 1, cue] = True
    first = len(PATTERN_CUES)
    for k, (need, veto) in enumerate(COMBOS.values()):
        hits[:, first + k] = hits[:, list(need)].all(axis=1) & ~hits[:, list(veto)].any(axis=1)
    rows, cols = np.nonzero(hits)
    return rows.astype(np.int64), cols.astype(np.int64)
