"""The cue lexicon's data: the phrases of each cue (:data:`LEXICON`) and the conjunctions (:data:`COMBOS`).

How phrases are written and matched: see :mod:`classifiers.urgency.cues`. The phrases are general French /
English (and a little Spanish / German / Arabic) usage written for this project, not strings copied from any
data set. Changing anything here changes the features: bump ``FEATURE_SCHEMA_VERSION`` and retrain.
"""

from __future__ import annotations

from typing import Final

LEXICON: Final[dict[str, str]] = {
    # --- danger itself -------------------------------------------------------------------------------------
    "arme / tirs": (
        "tirer|a tiré|ont tiré|اطلاق نار|إطلاق نار|رصاص|مسلح*|قنبلة|انفجار|gun|guns|rifle|pistol|armed|arme longue|"
        "arme de poing|waistband|tir|tirs|tire|tirent|tiré|tireur*|fusillade*|coups de feu|coup de feu|rafale*|"
        "kalach*|kalash*|arme|armes|armé|armés|armée|armées|fusil*|pistolet*|flingue*|revolver|couteau*|machette*|"
        "poignard*|lame|explosion*|explosé|explose|explosif*|bombe*|kamikaze*|grenade*|ceinture d explosifs|shoot*|"
        "gunm*|gunfire|gunshot*|tirer dessus|tiré dessus|ça tire|shots fired|knife|knives|stabbing|stabbed|bomb|"
        "bombs|explosive*|disparo*|tiroteo|schuss*|schüsse|schiesserei|messer"),
    "attaque / terroristes": (
        "ارهاب*|إرهاب*|هجوم|attentat*|attaque*|attaqué*|terroris*|assaillant*|agresseur*|djihad*|jihad*|commando*|"
        "massacre*|carnage|attack*|attacker*|terror*|ataque*|anschlag*"),
    "otages": (
        "رهائن|رهين*|otage*|prise d otage*|pris en otage|retenu*|séquestr*|hostage*|rehén*|geisel*"),
    "caché / enfermé": (
        "محاصر*|مختبئ*|نختبئ|caché|cachés|cachée|cachées|on se cache|planqué*|planque|coincé*|enfermé*|bloqué*|"
        "barricad*|réfugié*|allongé*|à terre|au sol|sous les tables|sous la table|sous une table|sous le lit|"
        "sous le bureau|derrière le comptoir|dans la réserve|dans les toilettes|dans la cave|dans la cuisine|"
        "chambre froide|placard|dans le noir|lumière éteinte|on fait les morts|on fait le mort|pas un bruit|"
        "chuchote*|sitzen fest|eingesperrt|hiding|hide|trapped|locked in|barricaded|stuck|escondid*|atrapad*|"
        "versteck*"),
    "piégé (eau, feu, décombres)": (
        "sur le toit|sur les toits|l eau monte|eau monte|de l eau jusqu|jusqu à la taille|jusqu aux genoux|submergé*|"
        "emporté*|coincé sous|coincés sous|sous les décombres|décombres|enseveli*|bloqué par|encerclé*|le feu arrive|"
        "les flammes|flammes|fumée*|on étouffe|on suffoque|pas d issue|plus d issue|sortie bloquée|water rising|"
        "on the roof|under the rubble|buried|surrounded by"),
    "catastrophe (inondation, incendie, effondrement, gaz)": (
        "inondation*|inondé*|crue*|montée des eaux|coulée de boue|glissement de terrain|incendie*|feu|en feu|brûle|"
        "brûlent|ça brûle|effondr*|écroul*|s est effondré|seisme*|séisme*|tremblement de terre|secousse*|tempête*|"
        "ouragan*|cyclone*|tornade*|orage*|grêle|fuite de gaz|odeur de gaz|gaz|toxique*|nuage|usine|chimique*|"
        "accident|déraill*|collision|carambolage|flood*|fire|burning|collapse*|earthquake|storm|hurricane|gas leak|"
        "inundac*|incendio|terremoto|hochwasser|feuer"),
    "menace présente (ils sont là)": (
        "est toujours|sont toujours|toujours dans|encore dans|is still|are still|devant ma porte|devant chez moi|"
        "devant notre porte|tape contre la porte|tape à la porte|frappe à la porte|il attend devant|il attend dehors|"
        "il m attend|outside my door|at my door|ils sont encore|il est encore|ils sont toujours|il est toujours|"
        "toujours là|encore là|sont là|est là|devant la porte|à la porte|derrière la porte|essaie d entrer|"
        "essaient d entrer|essaye d entrer|défonce*|tambourin*|il arrive|ils arrivent|il revient|ils reviennent|"
        "il monte|ils montent|ils tirent|il tire|ils rechargent|recharge|they are still|still here|still inside|"
        "still outside|coming back"),
    "blessure / détresse physique": (
        "جرحى|جريح|مصاب*|ينزف*|blessé*|bléssé*|saigne*|sang|perd du sang|perd beaucoup de sang|hémorrag*|garrot|"
        "inconscient*|évanoui*|ne respire|respire plus|respire pas|respire mal|ne bouge plus|bouge plus|par terre|"
        "agonis*|touché par|touchée par|balle dans|brûlé*|arrêt cardiaque|crise cardiaque|malaise|convuls*|overdose|"
        "étouffe|s étouffe|injured|wounded|bleeding|unconscious|not breathing|herido*|verletz*"),
    "morts": "mort|morts|morte|mortes|décédé*|tué|tués|tuée|cadavre*|corps|victime*|dead|killed|muerto*|tote person",
    "appel à l aide": (
        "ساعد*|النجدة|انقذ*|aidez*|aide nous|aide moi|aidez moi|au secours|sos|venez vite|vite|urgent*|urgence*|"
        "envoyez|ambulance*|samu|pompiers|secours|police vite|appelez le 17|17|112|help|please|helpp*|send help|"
        "ayuda|socorro|hilfe|bitte helfen|helft uns"),
    "peur / panique": (
        "peur|on a peur|j ai peur|panique|paniqué*|on va mourir|je vais mourir|terrifié*|terrorisé*|on tremble|"
        "je tremble|pleure*|hurle*|crie|crient|cris|scared|terrified|panic|miedo|angst"),
    "maintenant": (
        "maintenant|en ce moment|en cours|encore|actuellement|tout de suite|à l instant|là maintenant|"
        "depuis <nombre> min|depuis <nombre> minutes|il y a <nombre> min|il y a <nombre> minutes|"
        "il y a <nombre> secondes|vient de|viennent de|just now|ce soir|cette nuit|now|right now|still|currently|"
        "ahora|jetzt|gerade"),
    "présence (je / on)": (
        "نحن|انا|أنا|on est|nous sommes|je suis|j suis|jsuis|chui|chuis|on était|je me suis|on s est|moi aussi|ici|"
        "we are|we re|i am|i m|estoy|estamos|wir sind|ich bin"),
    "un proche": (
        "ma soeur|mon frère|ma mère|mon père|ma fille|mon fils|ma copine|mon copain|ma femme|mon mari|ma cousine|"
        "mon cousin|mon pote|mes potes|mon ami|mon amie|mes amis|mes parents|mes enfants|ma mère|mon voisin|"
        "ma voisine|mes voisins|mon collègue|ma collègue|ma fille|ma nièce|mon neveu|ma tante|mon oncle|"
        "ma grand mère|mon grand père|mon coloc|ma coloc|my sister|my brother|my wife|my husband|my son|my daughter|"
        "my friend|my friends|my mum|my mom|my dad|my parents|mi hermana|mi hermano|mein bruder|meine schwester"),
    "relais d un proche (il / elle m écrit)": (
        "m envoie des msg|m envoie des messages|m envoie des sms|m envoie des textos|m écrit depuis|sms de|texto de|"
        "message de ma|message de mon|m écrit|m a écrit|me dit|m a dit|m envoie|m a envoyé|m appelle|m a appelé|"
        "me texte|me textote|m a texté|au téléphone avec|au tel avec|en ligne avec|me répond|texted me|texting me|"
        "called me|just texted|on the phone with|me escribe|schreibt mir"),
    "danger immédiat hors attaque": (
        "va sauter|veut sauter|menace de sauter|sur le point de|au bord du|au bord de la|se jeter|va se jeter|"
        "en finir|suicid*|about to jump|going to jump|enjamb*|parapet|rebord|frappe sa|frappe ma|frappe son|"
        "la frappe|le frappe|me frappe|il me frappe|il la frappe|étrangl*|me menace|nous menace|la menace|"
        "violences conjugales|il a un couteau|elle a un couteau|bousculade*|écrasé*|mouvement de foule|crush|"
        "fonce dans la foule|foncé dans la foule|dans la foule|piétin*|into the crowd|ran over|noyade*|se noie|noyé*|"
        "tombé à l eau|agress*|se fait tabasser|tabass*|lynch*|on me suit|il me suit|me poursuit|braquage*|braqué*|"
        "car jacking|carjacking|enlèvement|enlevé*|kidnapp*|est entré|sont entrés|rentré chez|chez moi|chez nous|"
        "dans l appartement|dans la maison|domestic violence|beating her|kidnapped"),
    "enfant / personne vulnérable": (
        "enfant*|bébé*|gamin*|petit garçon|petite fille|nourrisson|mineur*|ado|adolescent*|personne âgée|grand mère|"
        "grand père|handicapé*|autiste|alzheimer|child|children|kid|kids|baby|niño*|kinder"),
    "chaleur / voiture fermée": (
        "en plein soleil|dans la voiture|dans une voiture|voiture fermée|vitres fermées|fenêtres fermées|"
        "<nombre> degrés|canicule|chaleur|il fait chaud|hot car|locked car"),
    "adresse précise": (
        "شارع|rue|avenue|boulevard|bd|bld|place|impasse|allée|quai|au <nombre>|n <nombre>|numéro|étage|"
        "<nombre> e étage|<nombre> ème|bâtiment|bat|escalier|appartement|appart|porte|sortie|entrée|hall|parking|"
        "street|floor|building|calle|straße|strasse"),
    # --- what turns alarm words down ------------------------------------------------------------------------
    "négation du danger": (
        "pas de blessé*|aucun blessé*|pas de victime*|aucune victime*|pas de mort*|aucun mort|sans gravité|"
        "rien de grave|tout va bien|tout le monde va bien|tout est ok|fausse alerte|fausse info*|fake news|"
        "c était des pétards|pétard*|feux d artifice|feu d artifice|pot d échappement|exercice|simulation|"
        "pas de danger|pas de tirs|aucun danger|levée de doute|rien à signaler|no one hurt|nobody hurt|"
        "no one injured|false alarm|everyone is fine|everyone s fine|not a shooting|fireworks|firecracker*|"
        "falsa alarma|fehlalarm"),
    "en sécurité": (
        "estoy bien|back to the hotel|back home|rentrés à l hôtel|letting my family know|pour rassurer|en sécurité|"
        "sain et sauf|sains et saufs|saine et sauve|saines et sauves|on va bien|je vais bien|ça va|on est ok|"
        "je suis ok|bien rentré*|suis rentré*|on est rentrés|à l abri|rassuré*|rassurez vous|safe|we re safe|"
        "we are safe|i m safe|i am safe|safe and sound|marked safe|safety check|estoy bien|estamos bien|in sicherheit"),
    "ouï-dire / rumeur": (
        "un message circule|message qui circule|ils disent|ils disent que|c est officiel|confirmé par|"
        "la police confirme|sérieux|des stories|stimmt es|geteilt|es verdad|vous nous cachez|on nous cache|"
        "on nous ment|prévenez vos familles|faites passer|partagez au max|il paraît|paraît qu|paraît que|parait|"
        "on dit|on m a dit|on raconte|j ai entendu|entendu dire|entendu à la radio|à la radio|à la télé|à la tv|"
        "j ai lu|vu sur|sur twitter|sur facebook|sur fb|sur snap|sur insta|sur tiktok|whatsapp|groupe whatsapp|"
        "rumeur*|apparemment|apparement|selon|circule|ça tourne|tourne sur|faites tourner|intox|fake|confirmez|"
        "quelqu un confirme|qqn confirme|c est vrai|vrai ou faux|info ou intox|à vérifier|on me dit|il se dit|"
        "quelqu un sait|des gens disent|les gens disent|d après|breaking|ça vient de tomber|vient de tomber|"
        "selon les médias|on en parle|according to|heard|rumor*|rumour*|apparently|reportedly|is it true|unconfirmed|"
        "someone said|people say|dicen que|angeblich"),
    "mise en garde relayée": "évitez|n allez pas|n allez surtout pas|ne sortez pas|restez à l écart|avoid|stay away",
    "question": (
        "?|est ce que|est ce qu|peut on|on peut|savez vous|quelqu un sait|qui sait|y a t il|c est ouvert|est il|"
        "est elle|sont ils|comment|pourquoi|quand|combien|can i|can we|is it|is the|are the|should|how|where|when|"
        "what|any news|alguien sabe|weiß jemand"),
    "plaisanterie / figuré": (
        "mdr*|ptdr*|lol|loll*|lmao|xd|jpp|haha*|hihi*|mort de rire|morte de rire|morts de rire|je rigole|"
        "je plaisante|je blague|blague*|trop drôle|c est une tuerie|une tuerie|tuerie|c était un massacre|"
        "un massacre|j ai tué|je vais tuer|je vais le tuer|je vais la tuer|ça tue|m a tué|tu m as tué|je suis mort|"
        "je suis morte|on est morts|killed it|la bombe|une bombe|de la bombe|canon|au top|de ouf|trop bien|trop bon|"
        "je meurs|jpp|😂|🤣|😅|😆|😜|💀|😹|🙃|😉"),
    "passé / mémoire": (
        "il y a <nombre> ans|ans déjà|ans après|ans plus tard|ans aujourd hui|<annee>|hommage*|anniversaire*|"
        "commémor*|procès|verdict|condamn*|documentaire*|souvenir*|mémoire|jamais oublier|on n oublie pas|"
        "n oublierai|n oublions|je n oublie|never forget|years ago|years later|ce jour là|cette nuit là|reportage|"
        "livre|témoignage*|c était|hier|hier soir|la semaine dernière|l an dernier|l année dernière|le mois dernier|"
        "avant hier|yesterday|last year|last week|ayer"),
    # --- what the other categories look like -----------------------------------------------------------------
    "repost (RT)": "rt @ user|rt|retweet*|repost*|partage*|via @ user",
    "consigne / appel officiel": (
        "ne pas intervenir|n intervenez pas|susceptible d être|armé et dangereux|individu recherché|"
        "personne recherchée|sources officielles|ne partagez pas|alerte saip|saip|appel à témoins|appel à témoin|"
        "contactez le|composez le|appelez le|197|numéro vert|numéro gratuit|police nationale|policenationale|"
        "préfecture*|préfet*|prefpolice|communiqué*|consigne*|restez chez|restez chez vous|évitez le secteur|"
        "évitez la zone|évitez le quartier|ne diffusez pas|ne pas s approcher|ne l approchez pas|ne pas intervenir|"
        "officiel*|official|authorities"),
    "publicité / arnaque": (
        "abonnez vous|abonne toi|abonnez|youtube|marabout|être aimé|garanti*|je vends|vends|à vendre|prix|offert|"
        "offerte|<nombre> %|%|boutique|seulement|cours de|mp|résultats|gagne|gagnez|gagner|gratuit*|promo*|crypto*|"
        "bitcoin*|btc|followers|abonnés|likes|concours|cliquez|clique|lien en bio|link in bio|offre*|code promo|"
        "réduc*|investi*|revenu*|trading|dm moi|en dm|mp moi|€|euros|euro|par jour|livraison|soldes|maillot*|casino*|"
        "paris sportifs|parier|pronos*|deal|bon plan|$|💰|🔥|🎁|🚀|click|win|giveaway|discount"),
    "lien": "url",
    "merci / soutien": (
        "شكرا|قلوبنا|تضامن*|médaille|mérite*|great work|good job|well done|je t aime|on ne lâche rien|hope you catch|"
        "proud|fier|fière|love|bon courage|merci*|bravo|courage|pensées|pensée|soutien*|solidarité|condoléances|"
        "prayfor*|respect|héros|chapeau|force à|thank*|praying|prayers|thoughts|jesuis*|je suis paris|"
        "je suis charlie|recueillement|minute de silence|fier de vous|fiers de vous|🙏|❤|💙|🖤|💪|🇫|gracias|danke|"
        "keep going"),
    "offre d aide": (
        "portesouvert*|porteouvert*|on ouvre|ouvre le|ouvrons|un abri|abri|on offre|je viens vous chercher|"
        "viens vous chercher|volunteer|nurse|doctor|où me rendre|dites moi où|donneurs de sang|efs|soupe|batterie|"
        "multiprise|chargeur|recharger|porteouverte|porte ouverte|héberg*|accueill*|je peux|on peut accueillir|"
        "canapé|de la place|place dispo|places dispo|places libres|chambre libre|chambres libres|don du sang|"
        "donner son sang|donner du sang|donneur*|médecin|infirmier*|infirmière*|secouriste*|interprète*|tradu*|"
        "bilingue|je parle|gratuitement|i can host|free ride|couch|bénévole*|volontaire*|je ramène|je propose|"
        "si besoin|n hésitez pas|dispo pour|besoin d aide|offre mon|je viens chercher|can help|i can help|"
        "puedo ayudar"),
    "proche injoignable / disparu": (
        "disparition*|vu pour la dernière fois|vue pour la dernière fois|vus pour la dernière fois|last seen|"
        "ran away|run away|fugue*|fugué*|on le retrouve pas|on la retrouve pas|on ne le retrouve|on ne la retrouve|"
        "retrouve pas|trouve pas mon|trouve pas ma|on s est perdus|perdu de vue|perdue de vue|plus de batterie|"
        "no news since|pas rentré*|jamais rentré*|injoignable*|arrive pas à joindre|n arrive pas à|ne répond pas|"
        "ne répond plus|répond pas|répond plus|ne décroche pas|décroche pas|pas de nouvelles|sans nouvelles|"
        "aucune nouvelle|aucune nouvelles|disparu*|introuvable*|avez vous vu|vous l avez vu|quelqu un a vu|"
        "on la cherche|on le cherche|je cherche|recherche*|have you seen|can t reach|cannot reach|missing|no news|"
        "not answering|looking for|se busca|desaparecid*|vermisst"),
    "signalement (j ai vu)": (
        "abandonné*|laissé sans|laissée sans|laissé devant|laissée devant|laissé à côté|laissée à côté|laissé seul|"
        "laissé là|laissé par terre|unattended|nobody around|personne autour|point de deal|guetteur*|correspond*|"
        "le signalement|de la photo|du portrait|vidéosurveillance|caméra*|gesehen|ich glaube|saw|leaving|heading|"
        "parti en courant|s est enfui|j ai retrouvé|j ai vu|je vois|on voit|je viens de voir|on vient de voir|"
        "j ai aperçu|aperçu|j ai croisé|vu un|vu une|vu deux|vu des|vu le|vu la|je l ai vu|je les ai vus|ressembl*|"
        "repéré*|i saw|spotted|seen|i ve seen|he looks like|he was wearing"),
    "véhicule / suspect / objet": (
        "plaque*|immatricul*|véhicule*|voiture*|camionnette*|utilitaire|fourgon*|scooter*|moto*|clio|golf|mégane|"
        "individu*|suspect*|homme|hommes|type|types|mec|mecs|colis|sac abandonné|sac|valise*|bagage*|se dirige|"
        "direction|partis vers|parti vers|s enfuit|en fuite|pris la fuite|fuite|cagoul*|capuche|louche*|bizarre|"
        "chiffres|signaler|van|truck|suspicious|backpack|fled"),
    "plainte contre la police": (
        "contrôle|contrôlé*|contrôles|fouill*|plaqué contre|m a tutoyé|tutoy*|m a insulté|m a frappé|m a poussé|"
        "m a menotté|menott*|refuse de prendre|plainte refusée|refus de plainte|refusé ma plainte|"
        "personne n est venu|personne ne répond|jamais venu*|toujours rien|aucune réponse|faciès|igpn|déontologie|"
        "abus|bavure*|violences policières|violence policière|pas normal|inadmissible|scandal*|honteux|honte|"
        "c est normal|j ai attendu|attente|depuis des mois|depuis des semaines|semaines que|mois que|jours que|"
        "heures que|matricule|vos collègues|votre collègue|vos agents|un agent|les agents|policier m|rodéo*|"
        "police brutality"),
    "démarche administrative": (
        "جواز*|سرق*|شكاية|شكوى|ضاع|وثائق|comment faire|comment porter|comment déclarer|comment récupérer|"
        "comment obtenir|comment signaler|comment on fait|pré plainte|préplainte|plainte en ligne|porter plainte|"
        "déposer plainte|procuration*|fourrière*|objets trouvés|objet trouvé|perdu|j ai perdu|on m a volé|volé|volée|"
        "vol|cambriol*|passeport*|carte d identité|cni|permis|recrut*|concours de police|devenir policier|"
        "devenir gardien|déclarer|déclaration|démarche*|formulaire*|rendez vous|rdv|horaire*|commissariat*|"
        "attestation*|récépissé*|main courante|arme de chasse|carabine*|réplique*|airsoft|how do i|how to|"
        "where can i|lost my|stolen|report a|abschlepp*|perdí|robaron|document*|papiers"),
    "sécurité / transport": (
        "maintenu*|annulé*|reporté*|faut il|on peut venir|peut on venir|jusqu à quand|on fait quoi|que faire|prudent|"
        "risqué|sac à dos|messe|concert|rentrer|métro|rer|ligne|bus|tram*|gare|gares|transport*|train|trains|route*|"
        "périph*|autoroute*|école*|collège*|lycée*|crèche*|match*|stade*|manif*|défilé*|fermé|fermée|fermés|fermées|"
        "ouvert*|rouvert*|circul*|roule|roulent|fonctionne*|bouclé*|périmètre|quartier*|secteur*|en sécurité pour|"
        "sécurisé*|dangereux|éviter|rentrer chez|rentrer à|sortir|passer par|confin*|aéroport*|vol|vols|open|closed|"
        "is it safe|can i go|should i|avoid"),
    "insulte / provocation": (
        "1312|tous pourris|pourri*|sert à rien|servez à rien|servent à rien|useless|lamentable|pathétique|ridicule|"
        "incompétent*|au lieu de|vous étiez où|où étiez vous|on dirait|nos impôts|bravo la police|merci pour rien|"
        "comme d hab|as always|pathetic|acab|nique*|fdp|connard*|connasse*|bâtard*|encul*|incapable*|nul|nuls|"
        "bouffon*|guignol*|poulet*|keuf*|flic|flics|condé*|de merde|ferme la|fermez la|honte à vous|dégage*|mort aux|"
        "all cops|clown*|pigs|bastards|🖕|🤡|🐷|👏|🤮"),
    "menace écrite": (
        "il va regretter|vont regretter|je sais où habite|je sais où il habite|on sait où|l adresse de|"
        "on y va nous mêmes|on brûle tout|on va brûler|rigolera moins|on rigolera moins|faire le malin|fait le malin|"
        "je vais me venger|je vais venir|je vais tous|je vais vous|je viens au|je viens avec|vous allez voir|"
        "vous allez payer|vous allez regretter|avec le fusil|avec mon fusil|avec mon arme|faire sauter|tous vous|"
        "on va tout|on va vous|je le plante|je vais le planter|je vais le buter|buter|je vais faire un carnage|"
        "vous êtes prévenus|prochain flic|gonna shoot|gonna kill|i will kill|i will shoot|demain à"),
    # --- language and form --------------------------------------------------------------------------------------
    "langue : anglais": "the|and|is|are|we|you|my|please|with|there|this",
    "langue : espagnol": "el|los|las|estoy|está|por|pero|muy|hay",
    "langue : allemand": "ich|wir|und|der|die|das|ist|nicht|bitte",
    "langue : arabe": "<arabe>",
    "hashtag": "#",
    "exclamations": "! !|!",
    "nombre": "<nombre>",
    # --- added in schema 4: generic patterns of the taxonomy's categories --------------------------------------
    "poursuivi(e)": (
        "je suis suivie|je suis suivi|on me suit|il me suit|ils me suivent|me suit depuis|me suivent depuis|"
        "il accélère|being followed|following me|follows me|me sigue"),
    "menace de mort contre moi": (
        "va me tuer|allait me tuer|veut me tuer|menace de me tuer|m a menacé*|menacé de mort|menace de mort|"
        "menaces de mort|kill me|going to kill|threatened to kill|me va a matar"),
    "en ligne / réseaux": (
        "snapchat|snap|insta|instagram|tiktok|facebook|twitter|en ligne|online|sur internet|compte|story|stories|dm|"
        "message privé|messages privés|capture*|screenshot"),
    "description physique": (
        "cheveux|yeux|taille|mesure|1m*|pull|doudoune|veste|blouson|jean|casquette|sweat|hoodie|jacket|hair|scarf|"
        "écharpe|vêtu*|habillé*|portait|wearing|tatou*|barbe|lunettes|<nombre> ans|years old|y o"),
    "agent de police": (
        "policier*|policière*|gendarme*|agent|agents|agente|crs|la bac|brigade anti criminalité|officier*|officer|"
        "officers|police officer|cop|cops|patrouille*|équipage|policía|polizist*|au poste|au commissariat|"
        "du commissariat|vos collègues|voiture de police"),
    "conduite reprochée": (
        "refus*|a refusé|ont refusé|refused|rude|irrespectueu*|agressi*|brutal*|brutalement|matraque*|plaqué contre|"
        "plaquée contre|plaqué au sol|plaquée au sol|m a poussé|m a poussée|a poussé|ont poussé|poussé contre|"
        "poussée contre|pushed|pointed|insulté*|menotté*|retenu|garde à vue|sans raison|sans motif|aucune excuse|"
        "pas prévenu*|sans gyrophare|mal garé|mal garée|garé sur|garée sur|garés sur|stationné*|piste cyclable|"
        "sonne occupé|personne ne décroch*|décrochait|complain|disappointing|unacceptable|inacceptable|qui paie|"
        "qui paye|c est légal"),
    "moment passé récent": (
        "tout à l heure|ce matin|plus tôt|samedi|dimanche|lundi|mardi|mercredi|jeudi|vendredi|earlier|this morning|"
        "heureusement|finalement"),
    "médias / curiosité": (
        "journaliste*|média*|interview*|série|film|question bête|curieux|curiosité|photo de profil|qui gère|"
        "community manager|vous êtes combien|déguiser|carnaval|😄|😊|🐶|🐴"),
}

# name → (all of, none of); an "all of" entry "a|b" is satisfied by either cue.
COMBOS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
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
    "agent + conduite reprochée": (("agent de police", "conduite reprochée"), ()),
    "alarme sans témoin direct": (("arme / tirs|attaque / terroristes|otages",
                                   "exclamations|repost (RT)|ouï-dire / rumeur"),
                                  ("présence (je / on)", "caché / enfermé", "relais d un proche (il / elle m écrit)",
                                   "appel à l aide", "signalement (j ai vu)")),
    "appel officiel + arme": (("consigne / appel officiel", "arme / tirs|véhicule / suspect / objet"), ()),
    "disparu + description": (("proche injoignable / disparu", "description physique"), ()),
    "poursuivi + présent": (("poursuivi(e)", "présence (je / on)|maintenant|adresse précise"), ("passé / mémoire",)),
    "menace de mort + présente": (("menace de mort contre moi", "menace présente (ils sont là)|un proche|"
                                   "enfant / personne vulnérable|maintenant"), ("en ligne / réseaux",)),
    "menace + en ligne": (("menace de mort contre moi|menace écrite", "en ligne / réseaux"), ()),
    "insulte + merci (sarcasme)": (("insulte / provocation", "merci / soutien"), ()),
}
