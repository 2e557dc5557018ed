"""The cue lexicon of the urgency model: what a desk officer looks for, as word lists and short phrases.

Each cue of :data:`LEXICON` is one binary feature column: it fires when the message holds one of its phrases.
A phrase is 1–5 tokens as :func:`classifiers.urgency.text.prepare` / ``tokenize`` see them, so it is written
as people write (``"j'ai aperçu"`` matches ``j ai apercu``); a final ``*`` makes a prefix (``"blessé*"``: blesse,
blessee, blessees…). Three special tokens stand for classes: ``<nombre>`` (any number),
``<annee>`` (19xx / 20xx), ``<arabe>`` (a word in Arabic script). :data:`COMBOS` are conjunctions a linear model
cannot form by itself ("someone I know" **and** "is writing to me" **and** "hiding or armed men or injured").

Matching is a dictionary look-up per token and a sorted-array look-up per 2–4-token window of the whole batch
(:class:`CueIndex`): no regular expression runs per message. The lexicon is general French / English (and a
little Spanish / German) usage written for this project, not strings of any data set; it covers the taxonomy's
hard cases (figurative alarm words, negated danger, second-hand relays and hearsay, past events) and crisis types
beyond attacks (floods, fires, collapses, gas, crowd crushes, domestic violence, medical emergencies).

Changing anything here changes the features: bump ``FEATURE_SCHEMA_VERSION`` and retrain.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

from classifiers.urgency.text import TOKEN, prepare

LEXICON: Final[dict[str, str]] = {
    # --- danger itself -------------------------------------------------------------------------------------
    "arme / tirs": (
        "tir|tirs|tire|tirent|tiré|tireur*|fusillade*|coups de feu|coup de feu|rafale*|kalach*|kalash*|arme|armes|"
        "armé|armés|armée|armées|fusil*|pistolet*|flingue*|revolver|couteau*|machette*|poignard*|lame|explosion*|"
        "explosé|explose|explosif*|bombe*|kamikaze*|grenade*|ceinture d explosifs|shoot*|gunm*|gunfire|gunshot*|"
        "tirer dessus|tiré dessus|ça tire|shots fired|knife|knives|stabbing|stabbed|bomb|bombs|explosive*|"
        "disparo*|tiroteo|schuss*|schüsse|"
        "schiesserei|messer"),
    "attaque / terroristes": (
        "attentat*|attaque*|attaqué*|terroris*|assaillant*|agresseur*|djihad*|jihad*|commando*|massacre*|"
        "carnage|attack*|attacker*|terror*|ataque*|anschlag*"),
    "otages": "otage*|prise d otage*|pris en otage|retenu*|séquestr*|hostage*|rehén*|geisel*",
    "caché / enfermé": (
        "caché|cachés|cachée|cachées|on se cache|planqué*|planque|coincé*|enfermé*|bloqué*|barricad*|réfugié*|"
        "allongé*|à terre|au sol|sous les tables|sous la table|sous une table|sous le lit|sous le bureau|"
        "derrière le comptoir|dans la réserve|dans les toilettes|dans la cave|dans la cuisine|chambre froide|"
        "placard|dans le noir|lumière éteinte|on fait les morts|on fait le mort|pas un bruit|chuchote*|"
        "sitzen fest|eingesperrt|hiding|hide|trapped|locked in|barricaded|stuck|escondid*|atrapad*|versteck*"),
    "piégé (eau, feu, décombres)": (
        "sur le toit|sur les toits|l eau monte|eau monte|de l eau jusqu|jusqu à la taille|jusqu aux genoux|"
        "submergé*|emporté*|coincé sous|coincés sous|sous les décombres|décombres|enseveli*|bloqué par|"
        "encerclé*|le feu arrive|les flammes|flammes|fumée*|on étouffe|on suffoque|pas d issue|plus d issue|"
        "sortie bloquée|water rising|on the roof|under the rubble|buried|surrounded by"),
    "catastrophe (inondation, incendie, effondrement, gaz)": (
        "inondation*|inondé*|crue*|montée des eaux|coulée de boue|glissement de terrain|incendie*|feu|en feu|"
        "brûle|brûlent|ça brûle|effondr*|écroul*|s est effondré|seisme*|séisme*|tremblement de terre|secousse*|"
        "tempête*|ouragan*|cyclone*|tornade*|orage*|grêle|fuite de gaz|odeur de gaz|gaz|toxique*|nuage|"
        "usine|chimique*|accident|déraill*|collision|carambolage|flood*|fire|burning|collapse*|earthquake|"
        "storm|hurricane|gas leak|inundac*|incendio|terremoto|hochwasser|feuer"),
    "menace présente (ils sont là)": (
        "ils sont encore|il est encore|ils sont toujours|il est toujours|toujours là|encore là|sont là|est là|"
        "devant la porte|à la porte|derrière la porte|essaie d entrer|essaient d entrer|essaye d entrer|défonce*|"
        "tambourin*|il arrive|ils arrivent|il revient|ils reviennent|il monte|ils montent|ils tirent|il tire|"
        "ils rechargent|recharge|they are still|still here|still inside|still outside|coming back"),
    "blessure / détresse physique": (
        "blessé*|bléssé*|saigne*|sang|perd du sang|perd beaucoup de sang|hémorrag*|garrot|inconscient*|évanoui*|"
        "ne respire|respire plus|respire pas|respire mal|ne bouge plus|bouge plus|par terre|agonis*|touché par|"
        "touchée par|balle dans|brûlé*|arrêt cardiaque|crise cardiaque|malaise|convuls*|overdose|étouffe|"
        "s étouffe|injured|wounded|bleeding|unconscious|not breathing|herido*|verletz*"),
    "morts": "mort|morts|morte|mortes|décédé*|tué|tués|tuée|cadavre*|corps|victime*|dead|killed|muerto*|tote person",
    "appel à l aide": (
        "aidez*|aide nous|aide moi|aidez moi|au secours|sos|venez vite|vite|urgent*|urgence*|envoyez|ambulance*|"
        "samu|pompiers|secours|police vite|appelez le 17|17|112|help|please|helpp*|send help|ayuda|socorro|"
        "hilfe|bitte helfen|helft uns"),
    "peur / panique": (
        "peur|on a peur|j ai peur|panique|paniqué*|on va mourir|je vais mourir|terrifié*|terrorisé*|on tremble|"
        "je tremble|pleure*|hurle*|crie|crient|cris|scared|terrified|panic|miedo|angst"),
    "maintenant": (
        "maintenant|en ce moment|en cours|encore|actuellement|tout de suite|à l instant|là maintenant|"
        "depuis <nombre> min|depuis <nombre> minutes|il y a <nombre> min|il y a <nombre> minutes|"
        "il y a <nombre> secondes|vient de|viennent de|just now|ce soir|cette nuit|now|right now|still|"
        "currently|ahora|jetzt|gerade"),
    "présence (je / on)": (
        "on est|nous sommes|je suis|j suis|jsuis|chui|chuis|on était|je me suis|on s est|moi aussi|"
        "ici|we are|we re|i am|i m|estoy|estamos|wir sind|ich bin"),
    "un proche": (
        "ma soeur|mon frère|ma mère|mon père|ma fille|mon fils|ma copine|mon copain|ma femme|mon mari|ma cousine|"
        "mon cousin|mon pote|mes potes|mon ami|mon amie|mes amis|mes parents|mes enfants|ma mère|mon voisin|"
        "ma voisine|mes voisins|mon collègue|ma collègue|ma fille|ma nièce|mon neveu|ma tante|mon oncle|"
        "ma grand mère|mon grand père|mon coloc|ma coloc|my sister|my brother|my wife|my husband|my son|"
        "my daughter|my friend|my friends|my mum|my mom|my dad|my parents|mi hermana|mi hermano|mein bruder|"
        "meine schwester"),
    "relais d un proche (il / elle m écrit)": (
        "m écrit|m a écrit|me dit|m a dit|m envoie|m a envoyé|m appelle|m a appelé|me texte|me textote|"
        "m a texté|au téléphone avec|au tel avec|en ligne avec|me répond|texted me|texting me|called me|"
        "just texted|on the phone with|me escribe|schreibt mir"),
    "danger immédiat hors attaque": (
        "va sauter|veut sauter|menace de sauter|sur le point de|au bord du|au bord de la|se jeter|va se jeter|"
        "en finir|suicid*|about to jump|going to jump|enjamb*|parapet|rebord|frappe sa|frappe ma|frappe son|"
        "la frappe|le frappe|me frappe|il me frappe|il la frappe|étrangl*|me menace|nous menace|la menace|"
        "violences conjugales|il a un couteau|elle a un couteau|bousculade*|écrasé*|mouvement de foule|"
        "crush|fonce dans la foule|foncé dans la foule|dans la foule|piétin*|into the crowd|ran over|noyade*|"
        "se noie|noyé*|tombé à l eau|agress*|se fait tabasser|tabass*|lynch*|on me suit|il me suit|"
        "me poursuit|braquage*|braqué*|car jacking|carjacking|enlèvement|enlevé*|kidnapp*|est entré|"
        "sont entrés|rentré chez|chez moi|chez nous|dans l appartement|dans la maison|domestic violence|"
        "beating her|kidnapped"),
    "enfant / personne vulnérable": (
        "enfant*|bébé*|gamin*|petit garçon|petite fille|nourrisson|mineur*|ado|adolescent*|personne âgée|"
        "grand mère|grand père|handicapé*|autiste|alzheimer|child|children|kid|kids|baby|niño*|kinder"),
    "chaleur / voiture fermée": (
        "en plein soleil|dans la voiture|dans une voiture|voiture fermée|vitres fermées|fenêtres fermées|"
        "<nombre> degrés|canicule|chaleur|il fait chaud|hot car|locked car"),
    "adresse précise": (
        "rue|avenue|boulevard|bd|bld|place|impasse|allée|quai|au <nombre>|n <nombre>|numéro|étage|<nombre> e étage|"
        "<nombre> ème|bâtiment|bat|escalier|appartement|appart|porte|sortie|entrée|hall|parking|street|"
        "floor|building|calle|straße|strasse"),
    # --- what turns alarm words down ------------------------------------------------------------------------
    "négation du danger": (
        "pas de blessé*|aucun blessé*|pas de victime*|aucune victime*|pas de mort*|aucun mort|sans gravité|"
        "rien de grave|tout va bien|tout le monde va bien|tout est ok|fausse alerte|fausse info*|fake news|"
        "c était des pétards|pétard*|feux d artifice|feu d artifice|pot d échappement|exercice|simulation|"
        "pas de danger|pas de tirs|aucun danger|levée de doute|rien à signaler|no one hurt|nobody hurt|"
        "no one injured|false alarm|everyone is fine|everyone s fine|not a shooting|fireworks|firecracker*|"
        "falsa alarma|fehlalarm"),
    "en sécurité": (
        "en sécurité|sain et sauf|sains et saufs|saine et sauve|saines et sauves|on va bien|je vais bien|"
        "ça va|on est ok|je suis ok|bien rentré*|suis rentré*|on est rentrés|à l abri|rassuré*|rassurez vous|"
        "safe|we re safe|we are safe|i m safe|i am safe|safe and sound|marked safe|safety check|estoy bien|"
        "estamos bien|in sicherheit"),
    "ouï-dire / rumeur": (
        "il paraît|paraît qu|paraît que|parait|on dit|on m a dit|on raconte|j ai entendu|entendu dire|"
        "entendu à la radio|à la radio|à la télé|à la tv|j ai lu|vu sur|sur twitter|sur facebook|sur fb|sur snap|"
        "sur insta|sur tiktok|whatsapp|groupe whatsapp|rumeur*|apparemment|apparement|selon|circule|ça tourne|"
        "tourne sur|faites tourner|intox|fake|confirmez|quelqu un confirme|qqn confirme|c est vrai|vrai ou faux|"
        "info ou intox|à vérifier|on me dit|il se dit|quelqu un sait|des gens disent|les gens disent|"
        "d après|breaking|ça vient de tomber|vient de tomber|selon les médias|on en parle|according to|heard|"
        "rumor*|rumour*|apparently|reportedly|is it true|unconfirmed|someone said|people say|"
        "dicen que|angeblich"),
    "mise en garde relayée": "évitez|n allez pas|n allez surtout pas|ne sortez pas|restez à l écart|avoid|stay away",
    "question": (
        "?|est ce que|est ce qu|peut on|on peut|savez vous|quelqu un sait|qui sait|y a t il|c est ouvert|"
        "est il|est elle|sont ils|comment|pourquoi|quand|combien|can i|can we|is it|is the|are the|should|"
        "how|where|when|what|any news|alguien sabe|weiß jemand"),
    "plaisanterie / figuré": (
        "mdr*|ptdr*|lol|loll*|lmao|xd|jpp|haha*|hihi*|mort de rire|morte de rire|morts de rire|je rigole|"
        "je plaisante|je blague|blague*|trop drôle|c est une tuerie|une tuerie|tuerie|c était un massacre|"
        "un massacre|j ai tué|je vais tuer|je vais le tuer|je vais la tuer|ça tue|m a tué|tu m as tué|"
        "je suis mort|je suis morte|on est morts|killed it|la bombe|une bombe|de la bombe|canon|au top|de ouf|"
        "trop bien|trop bon|je meurs|jpp|😂|🤣|😅|😆|😜|💀|😹|🙃|😉"),
    "passé / mémoire": (
        "il y a <nombre> ans|ans déjà|ans après|ans plus tard|ans aujourd hui|<annee>|hommage*|anniversaire*|"
        "commémor*|procès|verdict|condamn*|documentaire*|souvenir*|mémoire|jamais oublier|on n oublie pas|"
        "n oublierai|n oublions|je n oublie|never forget|years ago|years later|ce jour là|cette nuit là|"
        "reportage|livre|témoignage*|c était|hier|hier soir|la semaine dernière|l an dernier|l année dernière|"
        "le mois dernier|avant hier|yesterday|last year|last week|ayer"),
    # --- what the other categories look like -----------------------------------------------------------------
    "repost (RT)": "rt @ user|rt|retweet*|repost*|partage*|via @ user",
    "consigne / appel officiel": (
        "appel à témoins|appel à témoin|contactez le|composez le|appelez le|197|numéro vert|numéro gratuit|"
        "police nationale|policenationale|préfecture*|préfet*|prefpolice|communiqué*|consigne*|restez chez|"
        "restez chez vous|évitez le secteur|évitez la zone|évitez le quartier|ne diffusez pas|ne pas s approcher|"
        "ne l approchez pas|ne pas intervenir|officiel*|official|authorities"),
    "publicité / arnaque": (
        "gagne|gagnez|gagner|gratuit*|promo*|crypto*|bitcoin*|btc|followers|abonnés|likes|concours|cliquez|"
        "clique|lien en bio|link in bio|offre*|code promo|réduc*|investi*|revenu*|trading|dm moi|en dm|mp moi|"
        "€|euros|euro|par jour|livraison|soldes|maillot*|casino*|paris sportifs|parier|pronos*|deal|bon plan|"
        "$|💰|🔥|🎁|🚀|click|win|giveaway|discount"),
    "lien": "url",
    "merci / soutien": (
        "merci*|bravo|courage|pensées|pensée|soutien*|solidarité|condoléances|prayfor*|respect|héros|chapeau|"
        "force à|thank*|praying|prayers|thoughts|jesuis*|je suis paris|je suis charlie|recueillement|"
        "minute de silence|fier de vous|fiers de vous|🙏|❤|💙|🖤|💪|🇫|gracias|danke|keep going"),
    "offre d aide": (
        "porteouverte|porte ouverte|héberg*|accueill*|je peux|on peut accueillir|canapé|de la place|place dispo|"
        "places dispo|places libres|chambre libre|chambres libres|don du sang|donner son sang|donner du sang|"
        "donneur*|médecin|infirmier*|infirmière*|secouriste*|interprète*|tradu*|bilingue|je parle|gratuitement|"
        "i can host|free ride|couch|bénévole*|volontaire*|je ramène|je propose|si besoin|n hésitez pas|"
        "dispo pour|besoin d aide|offre mon|je viens chercher|can help|i can help|puedo ayudar"),
    "proche injoignable / disparu": (
        "injoignable*|arrive pas à joindre|n arrive pas à|ne répond pas|ne répond plus|répond pas|répond plus|"
        "ne décroche pas|décroche pas|pas de nouvelles|sans nouvelles|aucune nouvelle|aucune nouvelles|"
        "disparu*|introuvable*|avez vous vu|vous l avez vu|quelqu un a vu|on la cherche|on le cherche|"
        "je cherche|recherche*|have you seen|can t reach|cannot reach|missing|no news|not answering|"
        "looking for|se busca|desaparecid*|vermisst"),
    "signalement (j ai vu)": (
        "j ai vu|je vois|on voit|je viens de voir|on vient de voir|j ai aperçu|aperçu|j ai croisé|vu un|vu une|"
        "vu deux|vu des|vu le|vu la|je l ai vu|je les ai vus|ressembl*|repéré*|i saw|spotted|seen|i ve seen|"
        "he looks like|he was wearing"),
    "véhicule / suspect / objet": (
        "plaque*|immatricul*|véhicule*|voiture*|camionnette*|utilitaire|fourgon*|scooter*|moto*|clio|golf|"
        "mégane|individu*|suspect*|homme|hommes|type|types|mec|mecs|colis|sac abandonné|sac|valise*|bagage*|"
        "se dirige|direction|partis vers|parti vers|s enfuit|en fuite|pris la fuite|fuite|cagoul*|capuche|"
        "louche*|bizarre|chiffres|signaler|van|truck|suspicious|backpack|fled"),
    "plainte contre la police": (
        "contrôle|contrôlé*|contrôles|fouill*|plaqué contre|m a tutoyé|tutoy*|m a insulté|m a frappé|m a poussé|"
        "m a menotté|menott*|refuse de prendre|plainte refusée|refus de plainte|refusé ma plainte|"
        "personne n est venu|personne ne répond|jamais venu*|toujours rien|aucune réponse|faciès|igpn|"
        "déontologie|abus|bavure*|violences policières|violence policière|pas normal|inadmissible|scandal*|"
        "honteux|honte|c est normal|j ai attendu|attente|depuis des mois|depuis des semaines|semaines que|"
        "mois que|jours que|heures que|matricule|vos collègues|votre collègue|vos agents|un agent|les agents|"
        "policier m|rodéo*|police brutality"),
    "démarche administrative": (
        "comment faire|comment porter|comment déclarer|comment récupérer|comment obtenir|comment signaler|"
        "comment on fait|pré plainte|préplainte|plainte en ligne|porter plainte|déposer plainte|procuration*|"
        "fourrière*|objets trouvés|objet trouvé|perdu|j ai perdu|on m a volé|volé|volée|vol|cambriol*|"
        "passeport*|carte d identité|cni|permis|recrut*|concours de police|devenir policier|devenir gardien|"
        "déclarer|déclaration|démarche*|formulaire*|rendez vous|rdv|horaire*|commissariat*|attestation*|"
        "récépissé*|main courante|arme de chasse|carabine*|réplique*|airsoft|how do i|how to|where can i|"
        "lost my|stolen|report a|abschlepp*|perdí|robaron|document*|papiers"),
    "sécurité / transport": (
        "métro|rer|ligne|bus|tram*|gare|gares|transport*|train|trains|route*|périph*|autoroute*|école*|collège*|"
        "lycée*|crèche*|match*|stade*|manif*|défilé*|fermé|fermée|fermés|fermées|ouvert*|rouvert*|circul*|"
        "roule|roulent|fonctionne*|bouclé*|périmètre|quartier*|secteur*|en sécurité pour|sécurisé*|dangereux|éviter|"
        "rentrer chez|rentrer à|sortir|passer par|confin*|aéroport*|vol|vols|open|closed|is it safe|"
        "can i go|should i|avoid"),
    "insulte / provocation": (
        "acab|nique*|fdp|connard*|connasse*|bâtard*|encul*|incapable*|nul|nuls|bouffon*|guignol*|poulet*|keuf*|"
        "flic|flics|condé*|de merde|ferme la|fermez la|honte à vous|dégage*|mort aux|all cops|clown*|pigs|"
        "bastards|🖕|🤡|🐷|👏|🤮"),
    "menace écrite": (
        "je vais venir|je vais tous|je vais vous|je viens au|je viens avec|vous allez voir|vous allez payer|"
        "vous allez regretter|avec le fusil|avec mon fusil|avec mon arme|faire sauter|tous vous|on va tout|"
        "on va vous|je le plante|je vais le planter|je vais le buter|buter|je vais faire un carnage|"
        "vous êtes prévenus|prochain flic|gonna shoot|gonna kill|i will kill|i will shoot|demain à"),
    # --- language and form --------------------------------------------------------------------------------------
    "langue : anglais": "the|and|is|are|we|you|my|please|with|there|this",
    "langue : espagnol": "el|los|las|estoy|está|por|pero|muy|hay",
    "langue : allemand": "ich|wir|und|der|die|das|ist|nicht|bitte",
    "langue : arabe": "<arabe>",
    "hashtag": "#",
    "exclamations": "! !|!",
    "nombre": "<nombre>",
}

# name → (all of, none of); an "all of" entry "a|b" is satisfied by either cue.
_COMBOS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "présence + caché": (("présence (je / on)", "caché / enfermé"), ()),
    "présence + arme": (("présence (je / on)", "arme / tirs|attaque / terroristes|otages"),
                        ("négation du danger", "plaisanterie / figuré", "passé / mémoire")),
    "présence + blessure": (("présence (je / on)", "blessure / détresse physique"),
                            ("négation du danger", "plaisanterie / figuré")),
    "relais précis d un proche": (("un proche", "relais d un proche (il / elle m écrit)",
                                   "caché / enfermé|arme / tirs|blessure / détresse physique|otages|"
                                   "piégé (eau, feu, décombres)|danger immédiat hors attaque"), ()),
    "arme + maintenant": (("arme / tirs|attaque / terroristes", "maintenant"),
                          ("négation du danger", "plaisanterie / figuré", "passé / mémoire")),
    "caché + menace présente": (("caché / enfermé", "menace présente (ils sont là)"), ()),
    "arme + adresse précise": (("arme / tirs|attaque / terroristes|otages", "adresse précise"),
                               ("ouï-dire / rumeur", "passé / mémoire", "plaisanterie / figuré")),
    "arme + ouï-dire": (("arme / tirs|attaque / terroristes", "ouï-dire / rumeur"), ()),
    "arme + question": (("arme / tirs|attaque / terroristes", "question"), ()),
    "arme + figuré": (("arme / tirs|attaque / terroristes|morts", "plaisanterie / figuré"), ()),
    "arme + passé": (("arme / tirs|attaque / terroristes|morts", "passé / mémoire"), ()),
    "arme + négation": (("arme / tirs|attaque / terroristes|blessure / détresse physique", "négation du danger"), ()),
    "catastrophe + piégé": (("catastrophe (inondation, incendie, effondrement, gaz)|piégé (eau, feu, décombres)",
                             "présence (je / on)|un proche|appel à l aide|caché / enfermé"),
                            ("passé / mémoire", "plaisanterie / figuré", "négation du danger")),
    "danger hors attaque + maintenant": (("danger immédiat hors attaque", "maintenant|appel à l aide|"
    "adresse précise"),
                                         ("passé / mémoire", "plaisanterie / figuré")),
    "enfant + voiture au chaud": (("enfant / personne vulnérable", "chaleur / voiture fermée"), ()),
    "blessure + appel à l aide": (("blessure / détresse physique", "appel à l aide"),
                                  ("plaisanterie / figuré", "passé / mémoire")),
    "j ai vu + suspect": (("signalement (j ai vu)", "véhicule / suspect / objet"), ()),
    "proche + injoignable": (("un proche", "proche injoignable / disparu"), ()),
    "menace écrite + arme": (("menace écrite", "arme / tirs"), ()),
    "RT + consigne": (("repost (RT)", "consigne / appel officiel"), ()),
    "sécurité + question": (("sécurité / transport", "question"), ()),
}

CUE_NAMES: Final[tuple[str, ...]] = (*LEXICON, *_COMBOS)
MAX_PHRASE = 5
_SPECIAL = {"<nombre>", "<annee>", "<arabe>"}
_YEAR = re.compile(r"(?:19|20)\d\d")
_ARABIC = re.compile(r"[\u0600-\u06FF]")


def _phrase_tokens(phrase: str) -> list[str]:
    """``"j'ai vu"`` → ``["j", "ai", "vu"]``; ``"blessé*"`` → ``["blesse*"]``; ``"<nombre> degrés"`` kept."""
    tokens: list[str] = []
    for part in phrase.split(" "):
        if part in _SPECIAL:
            tokens.append(part)
            continue
        star = part.endswith("*") and len(part) > 1
        found = TOKEN.findall(prepare([part.rstrip("*") if star else part])[0])
        tokens.extend(found)
        if star and found:
            tokens[-1] += "*"
    return tokens


class CueIndex:
    """Finds every cue of a batch from its tokens: ``atoms`` (one per token, see :meth:`atom_of`) → hits."""

    def __init__(self) -> None:
        phrases: list[tuple[list[str], int]] = []
        for cue, spec in enumerate(LEXICON.values()):
            for phrase in spec.split("|"):
                tokens = _phrase_tokens(phrase)
                if not 1 <= len(tokens) <= MAX_PHRASE:
                    raise ValueError(f"cue phrase {phrase!r} has {len(tokens)} tokens (1–{MAX_PHRASE})")
                phrases.append((tokens, cue))
        atoms = sorted({t for tokens, _ in phrases for t in tokens})
        self.atom_id: dict[str, int] = {a: i + 1 for i, a in enumerate(atoms)}  # 0: no atom
        self.prefixes = {a[:-1]: self.atom_id[a] for a in atoms if a.endswith("*")}
        self.n_atoms = len(atoms) + 1
        if self.n_atoms ** MAX_PHRASE >= 2**63:
            raise ValueError(f"{self.n_atoms} cue atoms: phrase keys of {MAX_PHRASE} tokens would overflow int64")
        # A prefix atom also stands for every longer atom it covers ("bless*" covers "blesse" and "blesses*"), so
        # the token, which resolves to the most specific atom, still matches the phrases of the shorter prefix.
        covers: dict[str, list[str]] = {a: [a] for a in atoms}
        for prefix in (a for a in atoms if a.endswith("*")):
            covers[prefix] += [a for a in atoms if a != prefix and a.startswith(prefix[:-1])]
        keys: dict[int, set[int]] = {}
        for tokens, cue in phrases:
            variants: list[list[int]] = [[]]
            for token in tokens:
                variants = [[*v, self.atom_id[c]] for v in variants for c in covers[token]]
            for v in variants:
                keys.setdefault(self._key(v), set()).add(cue)
        ordered = sorted(keys)
        self.keys = np.array(ordered, dtype=np.int64)
        self.key_cues = [sorted(keys[k]) for k in ordered]
        self._key_rows = np.repeat(np.arange(len(ordered)), [len(c) for c in self.key_cues])
        self._key_cue_flat = np.array([c for cues in self.key_cues for c in cues], dtype=np.int64)
        self._key_starts = np.concatenate([[0], np.cumsum([len(c) for c in self.key_cues])]).astype(np.int64)
        self.lengths = sorted({len(tokens) for tokens, _ in phrases})
        # Combos as matrix products: lexicon hits × (cue → "any of" group) > 0 gives the groups a row satisfies;
        # groups × (group → combo) == the combo's group count means all of them; hits × (cue → combo veto) > 0
        # vetoes.
        names = list(LEXICON)
        groups = [(k, need) for k, (need_all, _) in enumerate(_COMBOS.values()) for need in need_all]
        self._group_of = np.zeros((len(names), len(groups)), dtype=np.float32)
        for g, (_, need) in enumerate(groups):
            self._group_of[[names.index(c) for c in need.split("|")], g] = 1.0
        self._combo_of = np.zeros((len(groups), len(_COMBOS)), dtype=np.float32)
        self._combo_of[np.arange(len(groups)), [k for k, _ in groups]] = 1.0
        self._combo_needs = self._combo_of.sum(axis=0)
        self._veto_of = np.zeros((len(names), len(_COMBOS)), dtype=np.float32)
        for k, (_, veto) in enumerate(_COMBOS.values()):
            self._veto_of[[names.index(c) for c in veto], k] = 1.0
        self.n_cues = len(CUE_NAMES)

    def _key(self, atoms: Sequence[int]) -> int:
        key = 0
        for a in atoms:
            key = key * self.n_atoms + a
        return key

    def atom_of(self, token: str) -> int:
        """The most specific atom a token matches: itself, its longest prefix atom, a special class, or 0."""
        exact = self.atom_id.get(token)
        if exact is not None:
            return exact
        for end in range(len(token), 1, -1):
            found = self.prefixes.get(token[:end])
            if found is not None:
                return found
        if token.isdigit():
            return self.atom_id.get("<annee>" if _YEAR.fullmatch(token) else "<nombre>", 0)
        if _ARABIC.search(token):
            return self.atom_id.get("<arabe>", 0)
        return 0

    def hits(self, atoms: npt.NDArray[np.int64], rows: npt.NDArray[np.int64], n: int) -> npt.NDArray[np.bool_]:
        """(n × len(CUE_NAMES)) booleans: which cues each of the ``n`` rows holds, combos included."""
        found = np.zeros((n, self.n_cues), dtype=bool)
        key = np.zeros(len(atoms), dtype=np.int64)
        valid = np.ones(len(atoms), dtype=bool)
        for length in range(1, min(MAX_PHRASE, len(atoms)) + 1):
            if length > 1:  # extend each window by one token to its right
                key = key[:-1] * self.n_atoms + atoms[length - 1:]
                valid = valid[:-1] & (atoms[length - 1:] > 0) & (rows[length - 1:] == rows[: len(rows) - length + 1])
            else:
                key, valid = atoms.copy(), atoms > 0
            if length not in self.lengths or not len(key):
                continue
            at = np.searchsorted(self.keys, key)
            at[at == len(self.keys)] = 0
            match = valid & (self.keys[at] == key)
            idx = at[match]
            counts = self._key_starts[idx + 1] - self._key_starts[idx]
            flat = np.repeat(self._key_starts[idx], counts) + ranges(counts)
            found[np.repeat(rows[: len(match)][match], counts), self._key_cue_flat[flat]] = True
        lexicon = found[:, : len(LEXICON)].astype(np.float32)
        satisfied = ((lexicon @ self._group_of) > 0).astype(np.float32) @ self._combo_of
        found[:, len(LEXICON):] = (satisfied == self._combo_needs) & ((lexicon @ self._veto_of) == 0)
        return found


def ranges(counts: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """[0..c0), [0..c1), … concatenated."""
    if not len(counts):
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    return np.arange(int(ends[-1]), dtype=np.int64) - np.repeat(ends - counts, counts)

