"""Message templates for the synthetic surge (:mod:`streams.generator`): data only, no code.

Every template was written for this project (none is taken from a platform or from ``police_fr_dev``) and is
labelled with the desk's taxonomy (``../shared/data/police_fr_dev/README.md``): ``(priority, lang, scenario,
text)`` under its category. ``scenario`` is ``"attack"`` (an attack night), ``"calm"`` (an ordinary day) or
``"any"``. Slots in braces are filled by the generator: word lists from :data:`SLOTS`, integers from the
ranges in :data:`NUMBERS`, and ``{time}``, ``{plate}``, ``{url}``, ``{bitly}``, ``{handle}`` made up on the
fly. Place names are real (Paris streets, stations, venues, towns); people, handles and links are invented.

Hard cases follow the README's rules: alarming words used figuratively and negated danger are ``other`` 3,
emergencies may carry no alarming word, rumours phrased as facts are ``rumor`` 2, and reposts of official
appeals are ``other`` 3. A template starting with ``RT @`` is an X repost; one saying "lien en bio" / "link in
bio" is Instagram only.
"""

from __future__ import annotations

from typing import Final

Entry = tuple[int, str, str, str]
"""(priority, lang, scenario, text)"""

A, C, ANY = "attack", "calm", "any"

TEMPLATES: Final[dict[str, tuple[Entry, ...]]] = {
    "danger": (
        (0, "fr", A, "on est cachés dans la réserve du {venue}, ils tirent encore, on est {n} svp venez vite"),
        (0, "fr", A, "AIDEZ NOUS on est bloqués au {floor}e étage {street}, ya des coups de feu en bas"),
        (0, "fr", A, "ma soeur m'écrit elle est planquée dans les toilettes du {venue} ({street}), "
                     "ils sont {n} armés dans la salle"),
        (0, "fr", A, "tirs en ce moment {street} a coté du {venue}, des gens par terre, on fait quoi ???"),
        (0, "fr", A, "mon pote {name} est blessé a la jambe on est derriere le comptoir {street}, "
                     "il saigne bcp, ambulance stp"),
        (0, "fr", A, "Ils sont entrés dans la salle. On fait les morts. {street}. Prévenez le RAID"),
        (0, "fr", A, "jsp quoi faire on est {n} enfermés dans un appart au {nn} {street}, "
                     "les mecs sont encore en bas avec des armes"),
        (0, "fr", A, "ENORME boum côté porte {letter} du Stade de France, {n} personnes par terre qui "
                     "bougent plus 😭😭"),
        (0, "fr", A, "on peut plus sortir du {venue}, ils sont toujours devant l'entrée. batterie à {pct}%. "
                     "{street}"),
        (0, "fr", A, "Nous sommes {n} dans la cave du {venue}, {street}. {name} respire mal. "
                     "Personne ne vient."),
        (0, "fr", A, "quelqu'un tire sur les terrasses {street} MAINTENANT, on est allongés derrière les voitures"),
        (0, "fr", A, "Mes parents sont coincés chez eux au {floor}e au dessus du {venue}, ils entendent tirer dans "
                     "l'escalier #Paris"),
        (0, "fr", A, "{name} m'a envoyé un sms il y a {min} min : il est sous une table au {venue} et il a "
                     "mal au ventre, il y a du sang"),
        (0, "fr", A, "un homme avec une kalach devant le {shop} {street}, il vise les gens, on est "
                     "planqués dans la cuisine 😰"),
        (0, "en", A, "we are hiding in the back of the {venue} on {street}, gunmen still inside, "
                     "{n} of us, please send help"),
        (0, "en", A, "HELP shooting right now near {station}, people on the ground, we're inside a shop "
                     "with the shutter down"),
        (0, "en", A, "my friend {en_name} is shot in the arm, we're behind the {venue} on {street}. "
                     "no ambulance yet. please"),
        (0, "es", A, "Estamos escondidos en un baño del {venue}, somos {n}, siguen disparando. Ayuda por favor"),
        (0, "de", A, "Wir sitzen im Keller vom {venue} fest, {street}, draußen wird geschossen. Bitte helft uns"),
        (0, "fr", C, "mon voisin frappe sa femme là maintenant au {floor}e étage {nn} {street}, elle hurle, "
                     "le 17 sonne occupé"),
        (0, "fr", C, "un homme est assis sur le parapet du {bridge} et dit qu'il va sauter, on lui parle "
                     "depuis {min} min"),
        (0, "fr", C, "bagarre au couteau devant le {shop} {street} à {city}, un gars est par terre il saigne, "
                     "venez vite"),
        (0, "fr", C, "Un bébé seul dans une voiture fermée sur le parking de la gare de {city}, ça fait "
                     "{min} min, il fait super chaud"),
        (0, "fr", C, "qqn essaie de forcer ma porte au {nn} {street} à {city}, je suis seule avec ma fille, "
                     "il crie qu'il va rentrer"),
        (0, "en", C, "a man is hitting a woman in the street right now on {street}, she is screaming, "
                     "nobody answers at 17"),
    ),
    "witness_tip": (
        (1, "fr", A, "la voiture des tireurs c'est une Polo noire plaque {plate}, elle vient de passer "
                     "{street} direction {station}"),
        (1, "fr", A, "j'ai vu 2 mecs descendre d'une Seat noire avec des sacs de sport {street} vers {time}, "
                     "ils couraient"),
        (1, "fr", A, "sac abandonné sur le quai ligne {line} à {station} depuis {min} min, personne autour"),
        (1, "fr", A, "Un homme en doudoune noire cache qqch sous son manteau, il tourne devant le {venue} "
                     "depuis {min} min"),
        (1, "fr", A, "vu une voiture noire plaque belge {plate} en double file {street} moteur allumé, "
                     "{n} types dedans"),
        (1, "fr", A, "Des douilles par terre devant le {nn} {street}, personne n'a mis de rubalise. "
                     "je bouge pas"),
        (1, "fr", A, "Je crois que le suspect est dans le bus {nn} direction {city}, casquette grise, "
                     "il regarde partout"),
        (1, "fr", A, "à {time} un homme a jeté un gilet noir dans une poubelle {street} puis il est parti "
                     "en courant vers {station}"),
        (1, "fr", A, "Sur la vidéo de ma dashcam on voit la voiture des tireurs {street} à {time}, "
                     "je l'envoie à qui ?"),
        (1, "fr", A, "colis suspect devant l'entrée de la gare de {city}, il y a des fils qui dépassent"),
        (1, "fr", A, "le mec de l'appel à témoins je l'ai vu ce matin à {city} devant la boulangerie "
                     "{street}, j'en suis sûr à {nn}%"),
        (1, "fr", A, "Un type filme l'entrée du commissariat de {city} depuis {min} min et il part quand "
                     "on le regarde"),
        (1, "fr", A, "@PoliceNationale la Clio grise de l'avis de recherche est garée {street} à {city} "
                     "depuis ce matin 📷"),
        (1, "en", A, "saw two men with rifles get into a dark Seat on {street} at {time}, plate started "
                     "with {plate}"),
        (1, "en", A, "unattended suitcase on the platform at {station}, been there {min} minutes, "
                     "nobody around it"),
        (1, "de", A, "Schwarzes Auto mit belgischem Kennzeichen {plate} fährt gerade über {street} "
                     "Richtung {station}"),
        (1, "fr", C, "un homme avec un couteau se promène dans le parc de {city} et menace les passants "
                     "depuis {min} min"),
        (1, "fr", C, "mon collègue a ramené un fusil dans son casier et dit qu'il va régler ses comptes "
                     "demain à {time} à l'usine de {city}"),
        (1, "en", C, "a guy on a bench at {station} is showing a gun to people walking by, "
                     "blue hoodie, about {nn}"),
        (2, "fr", C, "rodéos en moto cross {street} tous les soirs vers {time}, plaque {plate}, "
                     "j'ai des vidéos"),
        (2, "fr", C, "point de deal au pied du bâtiment {letter} {street} à {city}, ça tourne toute "
                     "la journée"),
        (2, "fr", C, "J'ai retrouvé le scooter volé de l'annonce, il est garé {street} à {city}, "
                     "plaque {plate}"),
        (2, "fr", C, "y a {n} jeunes qui cassent les rétros des voitures {street} à {city} depuis {min} min"),
        (2, "en", C, "the car that hit my bike and drove off was a grey Clio {plate}, happened on "
                     "{street} at {time}"),
    ),
    "missing_person": (
        (1, "fr", A, "Je cherche mon frère {name}, {age} ans, il était au {venue} ce soir, il répond plus "
                     "depuis {time} #RechercheParis"),
        (1, "fr", A, "{name} était au concert, pull rouge, si qqn l'a vue appelez moi svp on est morts "
                     "d'inquiétude (vers {station})"),
        (1, "fr", A, "Quelqu'un a des nouvelles de {name}? elle dînait {street} avec des collègues, "
                     "son tel est éteint 😢 #RechercheParis"),
        (1, "fr", A, "Mon père est allé au Stade de France, on arrive pas à le joindre, {name}, {age} ans, "
                     "casquette bleue"),
        (1, "fr", A, "APPEL: ma cousine {name} ({age} ans) n'est pas rentrée, dernière position {station} "
                     "vers {time}. partagez"),
        (1, "fr", A, "svp vous avez les listes des hôpitaux? je cherche {name} il était en terrasse {street}"),
        (1, "fr", A, "On cherche {name} et {name}, deux étudiantes, elles étaient au {venue}, "
                     "pas de nouvelles depuis {time}"),
        (1, "fr", A, "mon mari {name} rentrait à pied par {street}, il devait m'appeler à {time} et rien. "
                     "jsp quoi faire"),
        (1, "fr", A, "#RechercheParis {name}, {age} ans, cheveux bouclés, vu pour la dernière fois au "
                     "{venue}. Merci de RT"),
        (1, "fr", A, "Quelqu'un était avec {name} au {venue}?? il a un tatouage sur le bras gauche, "
                     "sa mère n'a aucune nouvelle"),
        (1, "fr", A, "ma fille {name} {teen} ans est sortie avec des amies vers {station} et son portable "
                     "sonne dans le vide depuis {time}"),
        (1, "fr", A, "Je suis sans nouvelles de mon coloc {name} qui bosse au {venue}, il finissait "
                     "à {time}, aidez moi svp"),
        (1, "en", A, "looking for my friend {en_name}, {age}, British, was at the {venue} tonight, "
                     "phone off since {time} #RechercheParis"),
        (1, "en", A, "Has anyone seen {en_name}? She was having dinner on {street}. Her family in "
                     "{foreign_city} can't reach her"),
        (1, "es", A, "Busco a mi hermano {es_name}, estaba en el {venue} esta noche y no contesta. "
                     "Por favor ayuda"),
        (1, "de", A, "Wir suchen unseren Sohn {de_name}, {age}, war heute Abend im {venue}, "
                     "Handy aus seit {time}"),
        (1, "fr", C, "Notre grand-mère {name}, {age} ans, Alzheimer, est sortie de chez elle à {city} "
                     "vers {time} en chaussons, aidez nous"),
        (1, "fr", C, "mon fils {name} {kid_age} ans a disparu au parc de {city} il y a {min} min, "
                     "tshirt jaune, on le trouve pas"),
        (1, "fr", C, "ado de {teen} ans en fugue depuis hier soir, {name}, vu à {station} pour la "
                     "dernière fois, il a pas son traitement"),
        (1, "en", C, "our {kid_age} year old son got separated from us at {station}, blue jacket, "
                     "speaks only English"),
    ),
    "safety_question": (
        (2, "fr", A, "le metro ligne {line} il roule encore ? je suis a {station} et tout est fermé"),
        (2, "fr", A, "On peut rentrer a pied de {station} jusqu'à {city} ou c'est dangereux ? #Paris"),
        (2, "fr", A, "faut eviter quel coin ce soir? je suis vers {station} avec {n} potes"),
        (2, "fr", A, "Est-ce qu'on peut sortir du resto ? on est {street} et le patron a baissé le rideau "
                     "depuis {min} min"),
        (2, "fr", A, "les Velib ça marche? on est bloqués a {station}, les taxis prennent personne"),
        (2, "fr", A, "vous conseillez de rester chez soi dans le {arr}? j'habite {street} et j'entends "
                     "des sirènes partout"),
        (2, "fr", A, "Les écoles seront ouvertes demain à {city} ? on fait quoi avec les enfants"),
        (2, "fr", A, "le match est fini, on sort du stade comment ? on est en tribune {letter} et "
                     "on nous dit rien"),
        (2, "fr", A, "C'est safe de prendre un Uber vers {station} là maintenant ?"),
        (2, "fr", A, "je suis coincée au bureau {street}, on nous dit de pas sortir, ça va durer combien "
                     "de temps? il est {time}"),
        (2, "fr", A, "Les gares sont fermées? mon train part de Gare du Nord à {time} et je suis à {station}"),
        (2, "fr", A, "pk les bus {nn} passent plus ? on peut attendre à l'arrêt {street} sans risque ?"),
        (2, "fr", A, "Bonsoir, mes enfants sont chez leur père {street}, est-ce que je peux aller les "
                     "chercher en voiture?"),
        (2, "en", A, "is it safe to walk back to our hotel near {station}? we are on {street} with "
                     "{n} friends"),
        (2, "en", A, "Are the metros running? stuck at {station} since {time}, no taxi will stop for us"),
        (2, "es", A, "¿Es seguro volver al hotel cerca de {station}? Estamos en {street}"),
        (2, "de", A, "Fährt die Metro noch? Wir stehen seit {time} an {station} und alles ist zu"),
        (2, "fr", C, "Pour la manif de demain à {station}, le métro ligne {line} sera fermé ? "
                     "les commerces aussi ?"),
        (2, "fr", C, "match ce soir au Parc des Princes, c'est quelles rues fermées autour ? "
                     "j'ai un rdv {street} à {time}"),
        (2, "en", C, "is the {line} line closed for the march today? we need to get to {station} by {time}"),
        (3, "fr", C, "c'est craignos le quartier {station} le soir pour une fille seule ? je finis à {time}"),
        (3, "fr", C, "Est-ce que je peux laisser mon vélo attaché {street} à {city} la nuit ou il va "
                     "se faire voler direct"),
        (3, "fr", C, "on déménage à {city}, c'est un coin tranquille ou pas ? on a {n} enfants"),
        (3, "en", C, "Is the area around {station} safe at night for tourists? staying near {street}"),
    ),
    "rumor": (
        (2, "fr", A, "ILS ONT ATTAQUÉ {station} AUSSI !!!!! tirs en cours depuis {time}"),
        (2, "fr", A, "Prise d'otages aux Halles d'après {name} qui bosse à {station}, vous confirmez ?"),
        (2, "fr", A, "il parait qu'il y a une fusillade a {station} depuis {min} min c vrai?? jsp quoi croire"),
        (2, "fr", A, "C'est bon ils ont chopé le suspect à {station} à {time}, vous pouvez ressortir"),
        (2, "fr", A, "info: explosion au Louvre, au moins {n} morts, les gens courent rue de Rivoli 😱 "
                     "il y a {min} min"),
        (2, "fr", A, "Mon cousin a entendu à la radio que {n} autres terroristes sont en fuite vers {city}"),
        (2, "fr", A, "Ils disent sur Snap que le Trocadéro est attaqué aussi, quelqu'un confirme ?? {name} "
                     "dit que oui"),
        (2, "fr", A, "ATTENTION ne prenez pas la ligne {line}, une bombe à {station}, info de la RATP"),
        (2, "fr", A, "{name} me dit que l'armée tire sur les gens à {station}, c'est vrai???"),
        (2, "fr", A, "L'hôpital {hospital} est attaqué, des hommes armés dans le hall depuis {time} !!!"),
        (2, "fr", A, "Il y a une 3e équipe en scooter qui tire sur les gens {street} à {time} (source: un "
                     "ami policier)"),
        (2, "fr", A, "Les tireurs se sont réfugiés dans un immeuble à {city}, le quartier est bouclé "
                     "d'après {name}"),
        (2, "en", A, "BREAKING: another shooting at {station}, at least {n} dead, avoid the area"),
        (2, "en", A, "heard there's a hostage situation at the Louvre now, can anyone confirm? "
                     "my friend {en_name} at {station} says so"),
        (2, "fr", A, "Fusillade en cours au centre commercial de {city}, {n} tireurs !!! vu par {name}"),
        (2, "fr", A, "Ils ont fermé l'aéroport et les frontières, plus aucun train ce soir d'après {name} "
                     "qui est à {station}"),
        (2, "en", A, "apparently there are {n} more attackers on the loose near {station}, stay inside!!! "
                     "{en_name} heard it from a cop"),
        (2, "es", A, "Dicen que hay otro tiroteo en {station} desde las {time}, ¿es verdad?"),
        (2, "fr", C, "Faites tourner: des hommes dans un fourgon blanc {plate} essaient d'attirer les gamins près "
                     "du collège de {city} !!!"),
        (2, "fr", C, "Il paraît qu'un mec armé se balade au centre commercial de {city} depuis {time}, c'est vrai ?"),
        (2, "fr", C, "des faux policiers sonnent chez les personnes âgées {street} à {city} pour voler "
                     "les bijoux, faites tourner"),
        (2, "en", C, "Is it true they evacuated {station} because of a gas leak? my friend {en_name} "
                     "says so"),
    ),
    "complaint_police": (
        (2, "fr", ANY, "Contrôlé {n} fois cette semaine à {station} par les mêmes agents, ça devient "
                       "du harcèlement"),
        (2, "fr", ANY, "J'ai voulu porter plainte au commissariat de {city} pour mon vélo volé, on m'a dit "
                       "de revenir dans {n} jours. sérieux ?"),
        (2, "fr", ANY, "j'ai appelé le 17 à {time} pour du tapage {street}, personne est venu. on paye "
                       "des impôts pour quoi"),
        (2, "fr", ANY, "L'agent qui m'a arrêté {street} m'a tutoyé et m'a poussé contre la voiture devant "
                       "mes enfants à {time}, c'est normal ?"),
        (2, "fr", ANY, "{nn} jours que je signale les squats dans la cage d'escalier {street} et "
                       "toujours rien, merci hein"),
        (2, "fr", ANY, "{n}h d'attente au commissariat de {city} pour une simple déposition, avec un bébé"),
        (2, "en", ANY, "An officer at {station} took my phone at {time} and deleted my video of the arrest. "
                       "Who do I complain to?"),
        (2, "fr", A, "Les policiers au barrage {street} nous ont hurlé dessus à {time} alors qu'on essayait "
                     "juste de rentrer chez nous"),
    ),
    "procedure_question": (
        (2, "fr", A, "Nos affaires sont restées au {venue} (sacs, papiers, clés). On les récupère où ? {ask}"),
        (2, "fr", A, "mon passeport est resté dans la salle du {venue}, je prends l'avion demain à {time}, "
                     "je fais comment ?"),
        (2, "fr", A, "Où faire une déclaration pour ma voiture criblée de balles {street}? l'assurance "
                     "veut un PV, {ask}"),
        (2, "fr", A, "Comment on témoigne ? j'étais {street} à {time}, j'ai des vidéos, je dois aller où"),
        (2, "fr", A, "Je suis infirmière libérale, je dois passer le barrage {street} pour un patient à "
                     "{time}, il me faut quoi ?"),
        (2, "fr", A, "Mon fils est hospitalisé à {hospital}, ses affaires sont où ? il faut un papier pour "
                     "son employeur ? {ask}"),
        (2, "en", A, "our coats and passports were left at the {venue} when we ran out, where can we "
                     "get them back? flight at {time}"),
        (2, "fr", C, "ma voiture a été enlevée {street} cette nuit, elle est à quelle fourrière ? "
                     "j'en ai besoin demain à {time}"),
        (2, "fr", C, "Carte d'identité volée hier à {station}, je pars à Londres après-demain, est-ce qu'un "
                     "récépissé suffit ? {ask}"),
        (2, "fr", C, "Quelqu'un m'insulte et me menace en MP depuis {n} jours, je fais quoi ? "
                     "j'ai les captures, {ask}"),
        (2, "fr", C, "{hello}, on m'a volé mon téléphone à {station} à {time}, ma carte d'embarquement est "
                     "dessus, vol demain matin"),
        (2, "en", C, "my wallet and passport were stolen at {station} at {time}, we fly home tomorrow, "
                     "which station is open now?"),
        (3, "fr", ANY, "{hello}, la pré-plainte sur internet ça marche pour un vélo volé devant chez moi "
                       "à {city} ? {ask}"),
        (3, "fr", ANY, "jai perdu mon portefeuille vers {station} à {time}, il y a un service des objets "
                       "trouvés ? {ask}"),
        (3, "fr", ANY, "{hello} c'est quoi l'adresse du commissariat de {city} et les horaires ? {ask}"),
        (3, "fr", ANY, "Pour une procuration je dois prendre rdv ou je peux venir direct au commissariat "
                       "de {city} ? {ask}"),
        (3, "fr", ANY, "{hello}, mon grand-père à {city} avait un vieux fusil de chasse, on le déclare "
                       "comment ?"),
        (3, "fr", ANY, "comment on passe le concours de gardien de la paix ? j'ai {age} ans et un bac pro {ask}"),
        (3, "fr", ANY, "Cambriolage chez moi {street} à {city} pendant les vacances, la plainte je la fais "
                       "où ? {ask}"),
        (3, "fr", ANY, "{hello}, l'opération tranquillité vacances ça marche à {city} ? on part {n} "
                       "semaines {ask}"),
        (3, "fr", ANY, "on a trouvé un chat avec un collier {street} à {city}, on l'apporte au commissariat "
                       "ou pas ? {ask}"),
        (3, "fr", ANY, "{hello}, on m'a volé ma plaque d'immatriculation {street} à {city}, je fais "
                       "une déclaration où ?"),
        (3, "fr", ANY, "{hello} je dois faire une attestation de perte de carte grise, ça se fait "
                       "en ligne ou au commissariat de {city} ? {ask}"),
        (3, "fr", ANY, "J'ai reçu un avis de contravention pour {street} alors que ma voiture était à "
                       "{city} ce jour là, je conteste comment ? {ask}"),
        (3, "en", ANY, "How do I report a lost phone? lost it near {station} yesterday around {time}"),
        (3, "en", ANY, "Where can I get a police report for my stolen bike? it was locked on {street} "
                       "near {station}"),
        (3, "en", ANY, "{en_name} here, I lost my passport somewhere between {station} and {station}, "
                       "what should I do?"),
        (3, "es", ANY, "¿Dónde puedo denunciar el robo de mi bolso en {station}? Fue a las {time}"),
        (3, "de", ANY, "Wo kann ich einen verlorenen Reisepass melden? Verloren bei {station} gegen {time}"),
    ),
    "thanks_support": (
        (3, "fr", A, "Merci aux policiers qui nous ont sortis du {venue} vers {time}, vous êtes des héros 💙 "
                     "#PrayForParis"),
        (3, "fr", A, "Courage à tous les agents sur le terrain ce soir, {cheer} depuis {city} ❤️"),
        (3, "fr", A, "Pensées pour les victimes et leurs familles, {city} est avec vous, {cheer} 🕯 #JeSuisParis"),
        (3, "fr", A, "Respect aux flics du commissariat du {arr} qui bossent toute la nuit, {cheer} 💪"),
        (3, "fr", A, "vous gérez, merci d'avoir protégé {street} ce soir, {cheer} 🙏"),
        (3, "fr", A, "{cheer} aux pompiers et aux policiers, on a vu passer {nn} camions {street} "
                     "depuis {time} 🙏"),
        (3, "fr", A, "mon frère est flic, il est parti à {time} vers {station}, {cheer} à vous tous 💙"),
        (3, "en", A, "Sending love from {foreign_city}, thank you to the French police, {en_cheer} 🇫🇷❤️ "
                     "#PrayForParis"),
        (3, "en", A, "{en_cheer} Paris. thank you to every officer out there tonight, from {en_name} in "
                     "{foreign_city}"),
        (3, "es", A, "Un abrazo enorme a París desde {es_city}, ánimo a la policía, {es_name} 🇫🇷 #PrayForParis"),
        (3, "de", A, "Ganz viel Kraft aus {de_city}, danke an die französische Polizei, {de_name} 🇫🇷"),
        (3, "fr", ANY, "Merci pour votre professionnalisme, vous avez été top avec ma mère à {city} "
                       "la semaine dernière, {cheer}"),
        (3, "fr", ANY, "Hommage au brigadier {name} mort en service, pensées à ses collègues de {city}"),
        (3, "fr", ANY, "Un grand merci à l'agent qui m'a aidé à retrouver mon fils à {station} vers {time} 🙏"),
        (3, "fr", ANY, "{hello}, juste pour dire merci à l'équipe du commissariat de {city}, {cheer}"),
        (3, "fr", ANY, "Merci à la patrouille qui a raccompagné ma grand-mère {street} à {city}, {cheer} ❤️"),
        (3, "en", ANY, "Huge thanks to the officers at {station} who helped us find our lost bag, "
                       "{en_cheer}, merci beaucoup!"),
    ),
    "offer_help": (
        (3, "fr", A, "#PorteOuverte {street}, {n} places, canapé + thé chaud, DM moi"),
        (3, "fr", A, "j'ai une voiture et je suis vers {station}, je peux ramener des gens vers {city} "
                     "gratuit, MP"),
        (3, "fr", A, "#PorteOuverte appart au {nn} {street} ({arr}), on peut accueillir {n} personnes, "
                     "digicode en MP"),
        (3, "fr", A, "Je suis infirmier, je suis à {station}, si qqn a besoin de premiers soins "
                     "je peux venir"),
        (3, "fr", A, "Allez donner votre sang demain matin à l'EFS de {city}, ils en ont besoin #DonDuSang"),
        (3, "fr", A, "Je parle anglais et espagnol, si vous avez besoin d'un interprète à {station} "
                     "je suis dispo toute la nuit"),
        (3, "en", A, "#PorteOuverte we have a spare room near {station}, {n} people welcome, message me"),
        (3, "es", A, "#PorteOuverte tenemos sitio para {n} personas cerca de {station}, escribidme"),
        (3, "fr", ANY, "Je suis bénévole à {city}, si vous avez besoin de bras pour les recherches "
                       "je suis là, {name}"),
        (3, "fr", ANY, "je suis serrurier à {city}, si vous avez besoin pour une urgence je peux venir "
                       "gratuitement, {nn} min max"),
        (3, "fr", ANY, "Si la famille de la dame disparue à {city} a besoin d'aide pour coller des affiches, "
                       "on est {n} dispo"),
        (3, "en", ANY, "I'm a nurse staying near {station}, if anyone needs help tonight I can come, "
                       "{en_name}"),
    ),
    "insult_troll": (
        (1, "fr", ANY, "demain à {time} je débarque au commissariat de {city} avec la carabine de mon oncle, "
                       "vous êtes prévenus"),
        (1, "fr", ANY, "lundi à {time} je vais au lycée de {city} et ça va mal finir pour tout le monde, "
                       "retenez bien ce tweet"),
        (3, "fr", ANY, "ACAB 🖕 {n} flics pour un gamin en scooter {street}, {mock}"),
        (3, "fr", ANY, "Vous servez à rien à part mettre des PV à {city}, {mock} 🤡"),
        (3, "fr", ANY, "les keufs de {city} c'est des clowns mdr {mock}"),
        (3, "fr", ANY, "Encore un post inutile, allez plutôt patrouiller à {city} 🙄 {mock}"),
        (3, "fr", ANY, "mdrrr la police qui demande de l'aide aux gens de {city} sur insta, "
                       "vous en êtes là ? {mock}"),
        (3, "fr", ANY, "{mock}, {nn} agents pour contrôler {n} ados à {station} et personne pour les vrais "
                       "problèmes"),
        (3, "en", ANY, "french police = useless, {n} hours and still nothing lol, {en_mock}"),
        (3, "en", ANY, "{en_mock}, saw {nn} cops at {station} doing nothing but drinking coffee"),
        (3, "fr", A, "vous avez laissé faire, démission !!! tous complices, on s'en souviendra à {city}"),
        (3, "fr", A, "bravo la police, toujours là quand c'est fini 👏👏 {nn} minutes de retard "
                     "comme d'hab"),
    ),
    "spam": (
        (3, "fr", ANY, "🔥 Gagne un iPhone en {n} clics, {nn} gagnants ce soir 👉 {bitly} 🔥"),
        (3, "fr", ANY, "Crypto: j'ai fait {nn}00€ en {n} jours grâce à {handle}, DM lui 🚀🚀"),
        (3, "fr", ANY, "LA BOMBE DE L'ÉTÉ 👙 -{nn}% sur toute la collection maillots dès {n} articles, lien en bio"),
        (3, "fr", ANY, "Achète {nn}k followers pour {n},99€ seulement ➡️ {url}"),
        (3, "fr", ANY, "Prêt entre particuliers sans frais, réponse en {n}h, {nn}000€ possible, "
                       "contactez moi sur WhatsApp"),
        (3, "fr", ANY, "Concours 🎁 {nn} coffrets à gagner, abonne-toi et tag {n} amis #concours"),
        (3, "en", ANY, "Earn ${nn}0 a day from home!!! only {n} hours a day, click {bitly}"),
        (3, "en", ANY, "Free followers!! {nn}k in {n} days, link in bio 💯"),
    ),
    "other": (
        (3, "fr", ANY, "c'est une tuerie ce concert au {club}, je suis mort 😂🔥 {name} t'as raté un truc"),
        (3, "fr", ANY, "j'ai explosé mon record au bowling de {city}, {nn}0 points, tremblez"),
        (3, "fr", ANY, "je vais tuer {name} il a encore fini les chips 😂"),
        (3, "fr", ANY, "la soirée au {club} c'était un carnage mdr on a tout cassé sur la piste jusqu'à {time}"),
        (3, "fr", ANY, "Il ressemble trop à mon voisin {name} de {city} le mec de l'avis de recherche mdrr"),
        (3, "fr", ANY, "Journaliste pour {media}, je cherche des témoins de ce qui s'est passé à {station}, "
                       "DM ouverts"),
        (3, "en", ANY, "this gig at the {club} is absolutely killing it tonight, {en_name} you missed out 🔥🔥"),
        (3, "fr", A, "Je suis safe, rentrée chez moi à {city} à {time}, merci pour vos messages ❤️"),
        (3, "fr", A, "RT @PoliceNationale: Appel à témoins 🔴 Si vous avez des informations sur les faits "
                     "{street}, contactez le 197. Ne diffusez pas de rumeurs."),
        (3, "fr", A, "RT @prefpolice: Restez chez vous, évitez le secteur {station} et {street}, laissez "
                     "passer les secours."),
        (3, "fr", A, "RT @PoliceNationale: Ne publiez pas de photos ou vidéos des interventions en cours "
                     "{street}. Merci."),
        (3, "fr", A, "pas de blessés chez nous au {nn} {street}, c'étaient des pétards, fausse alerte tout va bien"),
        (3, "fr", A, "non il n'y a pas de tirs à {station}, j'y suis depuis {time}, c'est calme, arrêtez de relayer "
                     "n'importe quoi"),
        (3, "fr", A, "Pourquoi ils ferment tout à {city}? c'est pas un peu excessif franchement, {mock}"),
        (3, "en", A, "I'm safe, back at the hotel near {station} since {time}. Thanks everyone for checking in ❤️"),
        (3, "es", A, "Todo bien por aquí, nos quedamos en casa de unos amigos en {city}. Besos, {es_name}"),
        (3, "de", A, "Uns geht's gut, wir sind im Hotel bei {station}. Danke für eure Nachrichten, {de_name}"),
        (3, "fr", ANY, "jsuis mort de rire {name} a cru que le feu d'artifice à {city} c'était des tirs 😂"),
        (3, "fr", ANY, "mon chat a eu plus peur des pétards que moi ce soir à {city} mdr, {name} confirme"),
        (3, "fr", C, "qui a vu le concert au {club} hier ? le public était mort, zéro ambiance, {name} était dégoûté"),
        (3, "fr", C, "RT @PoliceNationale: Vacances d'été : pensez à l'opération tranquillité vacances "
                     "auprès du commissariat de {city}"),
        (3, "fr", C, "Fausse alerte chez nous {street} à {city}, c'était un pneu qui a éclaté, "
                     "personne de blessé"),
    ),
}

SLOTS: Final[dict[str, tuple[str, ...]]] = {
    "street": (
        "rue de Charonne", "boulevard Voltaire", "rue Bichat", "rue Alibert", "rue de la Fontaine-au-Roi",
        "boulevard Richard-Lenoir", "rue Oberkampf", "rue de Lappe", "rue du Faubourg-Saint-Antoine",
        "avenue de la République", "rue de la Roquette", "boulevard Beaumarchais", "rue Popincourt",
        "rue Saint-Maur", "rue Jean-Pierre-Timbaud", "rue Amelot", "boulevard de Belleville",
        "rue du Faubourg-du-Temple", "quai de Valmy", "rue Léon-Frot", "rue de Crussol", "avenue Parmentier",
        "rue de Malte", "rue de Rivoli", "rue de la Folie-Méricourt", "rue Saint-Ambroise", "rue Sedaine",
        "rue du Chemin-Vert", "rue de Belleville", "rue Louis-Blanc", "rue Marie-et-Louise", "rue de Ménilmontant",
        "boulevard de Magenta", "rue de Paradis", "rue du Temple", "boulevard Saint-Martin", "rue de Bretagne",
        "rue Saint-Denis", "avenue Ledru-Rollin", "rue Sainte-Marthe",
    ),
    "station": (
        "Châtelet", "Gare du Nord", "République", "Bastille", "Oberkampf", "Parmentier", "Goncourt", "Voltaire",
        "Nation", "Gare de l'Est", "Stalingrad", "Belleville", "Saint-Lazare", "Filles du Calvaire",
        "Richard-Lenoir", "Père Lachaise", "Ménilmontant", "Jaurès", "Strasbourg-Saint-Denis", "Charonne",
        "Saint-Ambroise", "Rue Saint-Maur", "Arts et Métiers", "Temple", "Chemin Vert", "Bréguet-Sabin",
        "Ledru-Rollin", "Faidherbe-Chaligny", "Colonel Fabien", "Couronnes", "Saint-Michel", "Opéra",
    ),
    "venue": (
        "Bataclan", "Carillon", "Petit Cambodge", "Comptoir Voltaire", "Café Charbon", "bar", "resto", "kebab",
        "bar à vins", "restaurant japonais", "café du coin", "cinéma",
    ),
    "club": ("Zénith", "Trianon", "Bus Palladium", "New Morning", "Divan du Monde", "Point Éphémère"),
    "city": (
        "Saint-Denis", "Montreuil", "Bagnolet", "Aubervilliers", "Pantin", "Vincennes", "Bobigny", "Saint-Ouen",
        "Vitry", "Créteil", "Nanterre", "Gennevilliers", "Bondy", "Villejuif", "Drancy", "Clichy", "Stains",
        "Sevran", "Pierrefitte", "Le Blanc-Mesnil", "Noisy-le-Sec", "Rosny-sous-Bois", "Fontenay-sous-Bois",
        "Romainville", "Les Lilas", "Le Pré-Saint-Gervais", "Saint-Mandé", "Charenton",
    ),
    "arr": ("10e", "11e", "3e", "20e", "12e", "XIe"),
    "bridge": ("pont d'Austerlitz", "pont Neuf", "pont de Bir-Hakeim", "pont Marie", "pont de Sully",
               "pont de Tolbiac"),
    "shop": ("Franprix", "tabac", "kebab", "Monoprix", "lavomatic", "Carrefour City", "PMU"),
    "hospital": ("Saint-Louis", "Lariboisière", "Pitié-Salpêtrière", "Georges-Pompidou", "Bichat"),
    "media": ("une radio belge", "un quotidien suisse", "un journal anglais", "une télé locale",
              "un magazine allemand"),
    "letter": tuple("ABCDEFGHJKLMN"),
    "name": (
        "Camille", "Yanis", "Léa", "Inès", "Mehdi", "Thomas", "Sarah", "Lucas", "Chloé", "Karim", "Julie",
        "Antoine", "Nadia", "Hugo", "Manon", "Sofiane", "Emma", "Théo", "Clara", "Bilal", "Louise", "Maxime",
        "Amina", "Julien", "Pauline", "Rayan", "Zoé", "Nicolas", "Fatou", "Kevin", "Mathilde", "Adrien", "Lina",
        "Romain", "Aïcha", "Baptiste", "Élise", "Samir", "Anaïs", "Quentin", "Yasmine", "Alexandre", "Margaux",
        "Ibrahim", "Océane", "Florian", "Salomé", "Mamadou", "Justine", "Vincent", "Sabrina", "Benoît", "Leïla",
        "Guillaume", "Morgane", "Hamza", "Aurélie", "Dylan", "Sonia", "Jérémy",
    ),
    "en_name": ("Emily", "James", "Olivia", "Jack", "Sophie", "Liam", "Hannah", "Daniel", "Charlotte", "Ryan",
                "Megan", "Tom"),
    "es_name": ("Pablo", "Javier", "Diego", "Sergio", "Álvaro", "Marcos"),
    "de_name": ("Lukas", "Jonas", "Felix", "Tobias", "Niklas", "Jan"),
    "foreign_city": ("London", "New York", "Montréal", "Brussels", "Dublin", "Sydney", "Toronto", "Manchester",
                     "Boston", "Edinburgh"),
    "es_city": ("Madrid", "Barcelona", "Sevilla", "Valencia", "Buenos Aires", "México"),
    "de_city": ("Berlin", "München", "Hamburg", "Köln", "Wien", "Zürich"),
    # Short phrases that people add around the same request or reaction.
    "hello": ("Bonjour", "Bonsoir", "bjr", "slt", "Hello", "Bonjour madame, monsieur", "Bonjour à l'équipe",
              "Re bonjour", "Bonjour je me permets", "cc"),
    "ask": ("merci d'avance", "merci", "mrc", "svp", "merci de votre réponse", "bonne journée", "stp c urgent",
            "je trouve pas sur le site", "personne répond au tel", "on me renvoie partout"),
    "cheer": ("force à vous", "on est avec vous", "respect total", "vous êtes au top", "merci merci merci",
              "courage les gars", "fiers de vous", "prenez soin de vous", "on pense fort à vous",
              "bravo pour votre sang-froid", "chapeau bas", "on vous aime"),
    "en_cheer": ("stay strong", "we stand with you", "respect", "thank you so much", "you are heroes",
                 "much love", "thinking of you all", "so much respect"),
    "mock": ("bande de guignols", "quelle blague", "honteux", "tous pourris", "lamentable", "on rigole bien",
             "la honte", "pathétique", "bravo champions", "allez dormir", "même pas surpris"),
    "en_mock": ("what a joke", "pathetic", "lmao", "clowns", "embarrassing", "absolute joke"),
}

NUMBERS: Final[dict[str, tuple[int, int]]] = {
    "n": (2, 9), "nn": (10, 60), "min": (3, 45), "age": (17, 84), "kid_age": (3, 12), "teen": (13, 17),
    "line": (1, 14), "pct": (2, 15), "floor": (1, 6),
}

MIXES: Final[dict[str, dict[tuple[str, int], float]]] = {
    # An attack night, by share of new messages: 6.5% priority 0, 10% priority 1, 30% priority 2, the rest 3.
    "attack": {
        ("danger", 0): 6.5,
        ("witness_tip", 1): 5.0, ("missing_person", 1): 4.7, ("insult_troll", 1): 0.3,
        ("safety_question", 2): 13.0, ("rumor", 2): 10.5, ("procedure_question", 2): 4.0,
        ("complaint_police", 2): 2.5,
        ("thanks_support", 3): 15.0, ("other", 3): 15.0, ("offer_help", 3): 9.0, ("spam", 3): 6.5,
        ("insult_troll", 3): 5.0, ("procedure_question", 3): 3.0,
    },
    # An ordinary day: procedure questions, thanks and spam; 1% priority 0, 3% priority 1.
    "calm": {
        ("danger", 0): 1.0,
        ("witness_tip", 1): 0.7, ("missing_person", 1): 2.0, ("insult_troll", 1): 0.3,
        ("witness_tip", 2): 4.0, ("rumor", 2): 3.0, ("complaint_police", 2): 7.0,
        ("procedure_question", 2): 6.0, ("safety_question", 2): 3.0,
        ("procedure_question", 3): 27.0, ("thanks_support", 3): 14.0, ("spam", 3): 15.0, ("other", 3): 7.0,
        ("insult_troll", 3): 6.0, ("safety_question", 3): 3.0, ("offer_help", 3): 1.0,
    },
}

LANGS: Final[dict[str, float]] = {"fr": 0.80, "en": 0.16, "es": 0.02, "de": 0.02}
"""Language weights, renormalised over the languages a (category, priority) pool has."""

REPOST_APPEAL: Final[dict[str, float]] = {
    "missing_person": 6.0, "witness_tip": 4.0, "rumor": 4.0, "offer_help": 4.0, "danger": 3.0, "other": 1.0,
    "thanks_support": 2.0, "safety_question": 1.0, "spam": 1.0, "insult_troll": 1.0, "complaint_police": 1.0,
    "procedure_question": 0.3,
}
"""How readily people repost a message of each category; reposts of official appeals get :data:`OFFICIAL_BOOST`."""

OFFICIAL_PREFIXES: Final = ("RT @PoliceNationale:", "RT @prefpolice:")
OFFICIAL_BOOST: Final = 20.0

REPOST_EMOJI: Final = ("🙏", "😱", "😢😢", "❤️", "⚠️", "‼️", "💔", "🇫🇷")
REPOST_TAGS: Final = ("#Paris", "#PrayForParis", "#RechercheParis", "#PorteOuverte", "#fusillade", "#13novembre")
MEDIA_WORDS: Final = ("photo", "vidéo", "video", "dashcam", "📷", "📸")
