"""Texts of the buyer benchmark, winner totals and readable charts (issue 14), French then English."""

from __future__ import annotations

BENCHMARK_MESSAGES: dict[str, tuple[str, str]] = {
    "buyers.title": ("Trouver un acheteur", "Find a buyer"),
    "buyers.query": ("Nom ou identifiant (SIRET…)", "Name or identifier (SIRET…)"),
    "buyers.none": ("Aucun acheteur ne correspond.", "No buyer matches."),
    "buyers.several": ("Plusieurs acheteurs correspondent : choisissez-en un.", "Several buyers match: pick one."),
    "buyers.notices": ("Avis", "Notices"),
    "buyers.capped": (
        "Les {count} premiers seulement : précisez le nom ou donnez l'identifiant.",
        "The first {count} only: give a longer name or the id.",
    ),
    "buyer.tenders": ("Marchés des acheteurs portant ce nom", "Tenders of buyers with this name"),
    "buyer.benchmark_link": ("Comparer l'acheteur à ses pairs", "Compare the buyer with its peers"),
    "buyer.id": ("Identifiant", "Identifier"),
    "buyer.region": ("Région (NUTS 2)", "Region (NUTS 2)"),
    "buyer.unknown": ("inconnue (pas de code NUTS dans les avis)", "unknown (no NUTS code in the notices)"),
    "buyer.division": ("Division CPV principale", "Main CPV division"),
    "buyer.volume": ("Volume", "Volume"),
    "buyer.volume_text": ("avis : {notices} ; attributions : {awards}", "notices: {notices}; awards: {awards}"),
    "buyer.peers": ("Groupe de pairs", "Peer group"),
    "buyer.peers_text": ("{size} acheteurs partagent : {dimensions}.", "{size} buyers share: {dimensions}."),
    "buyer.peers_all": (
        "Tous les autres acheteurs de la base ({size}).",
        "Every other buyer in the database ({size}).",
    ),
    "buyer.widened": (
        "Groupe élargi faute de {min} pairs : la région est retirée d'abord, puis la division CPV, "
        "enfin tous les acheteurs du même pays.",
        "Group widened for want of {min} peers: the region is dropped first, then the CPV division, "
        "finally every buyer of the same country.",
    ),
    "buyer.steps": ("Étapes essayées", "Steps tried"),
    "buyer.step_dimensions": ("Critères communs", "Shared criteria"),
    "buyer.step_size": ("Pairs", "Peers"),
    "buyer.few": (
        "Moins de {min} pairs malgré l'élargissement : lire les quartiles avec prudence.",
        "Fewer than {min} peers even so: read the quartiles with care.",
    ),
    "buyer.peer_value": (
        "Une valeur par acheteur pair : son propre taux sur tous ses avis, pour les pairs qui ont "
        "au moins un enregistrement pour l'indicateur ; médiane et quartiles par interpolation "
        "linéaire.",
        "One value per peer buyer: its own rate over all its notices, for the peers with at least "
        "one record for the indicator; median and quartiles by linear interpolation.",
    ),
    "buyer.chart": ("L'acheteur face à ses pairs", "The buyer against its peers"),
    "buyer.chart_note": (
        "Barre bleue : l'acheteur (n = nombre d'enregistrements). Bande grise : du premier au "
        "troisième quartile des pairs ; trait noir : leur médiane. Traits de couleur : valeurs du "
        "Tableau d'affichage.",
        "Blue bar: the buyer (n = number of records). Grey band: the peers' first to third "
        "quartile; black line: their median. Coloured lines: Scoreboard values.",
    ),
    "buyer.scoreboard_note": (
        "Les valeurs du Tableau d'affichage du marché unique (Commission européenne) sont "
        "des repères statistiques, non des règles de droit.",
        "Single Market Scoreboard values (European Commission) are statistical benchmarks, not rules of law.",
    ),
    "buyer.this_buyer": ("Acheteur", "Buyer"),
    "buyer.peers_n": ("Pairs (n)", "Peers (n)"),
    "buyer.q1": ("1er quartile", "1st quartile"),
    "buyer.q3": ("3e quartile", "3rd quartile"),
    "buyer.of_value": ("sur {value}", "of {value}"),
    "buyer.days": ("{days} j", "{days} d"),
    "buyer.origin": ("Valeur par origine du titulaire", "Value by origin of the winner"),
    "buyer.origin_text": (
        "Attributions : {awards} ; valeur : {value} ; sans valeur en euros : {without}.",
        "Awards: {awards}; value: {value}; without a euro value: {without}.",
    ),
    "buyer.share_count": ("Part en nombre", "Share by count"),
    "buyer.share_value": ("Part en valeur", "Share by value"),
    "winner.company_page": ("Fiche publique", "Public page"),
    "winner.annuaire": (
        "Fiche de l'entreprise sur l'Annuaire des entreprises (SIREN {siren})",
        "The company's public page on the French register (SIREN {siren})",
    ),
    "winner.size": ("Taille", "Size"),
    "winner.size_source": ("avis qui la déclarent : {count}", "notices stating it: {count}"),
    "winner.size_unknown": ("non indiquée dans les avis", "not stated in the notices"),
    "winner.total": ("Total attribué", "Total awarded"),
    "winner.total_text": (
        "{value} ; attributions : {awards} ; sans valeur en euros : {without}",
        "{value}; awards: {awards}; without a euro value: {without}",
    ),
    "winner.buyers_served": ("Acheteurs servis", "Buyers served"),
    "winner.value_note": (
        "Valeur : la part du titulaire dans le montant du lot (partagé à parts égales entre les "
        "membres d'un groupement), en euros.",
        "Value: the winner's share of the lot's amount (split equally between the members of a group), in euros.",
    ),
    "winner.by_year": ("Montant attribué par année", "Value awarded by year"),
    "winner.by_buyer": ("Montant attribué par acheteur", "Value awarded by buyer"),
    "winner.value": ("Montant", "Value"),
    "winner.without_value": ("Sans valeur en euros", "Without a euro value"),
    "winner.names_note": (
        "Les noms et identifiants regroupés dans ce titulaire, et la raison de chaque rapprochement.",
        "The names and identifiers grouped into this winner, and why each was joined.",
    ),
    "winner.name_seen": ("Nom dans les avis", "Name in the notices"),
    "winner.why": ("Raison du regroupement", "Why grouped"),
    "winner.matched": ("rapproché de « {name} »", "matched with “{name}”"),
    "winner.score": ("similarité {score} sur 100", "similarity {score} out of 100"),
    "chart.data": ("Données du graphique", "Chart data"),
    "chart.awards_n": ("Attributions (n)", "Awards (n)"),
    "chart.total": ("Total", "Total"),
    "chart.with_value_n": ("Avec valeur en euros (n)", "With a euro value (n)"),
    "chart.indicator": ("Indicateur", "Indicator"),
    "chart.value": ("Valeur", "Value"),
    "chart.basis": ("Base", "Basis"),
    "chart.direction": ("Sens", "Direction"),
    "chart.lower_better": ("plus bas = mieux", "lower is better"),
    "chart.higher_better": ("plus haut = mieux", "higher is better"),
    "reference.median": ("Médiane des pairs", "Peers' median"),
    "reference.quartiles": ("Quartiles des pairs", "Peers' quartiles"),
    "overview.default_fr": (
        "Par défaut, acheteurs établis en France : la question est ce qui profite aux entreprises établies en France.",
        "By default, buyers established in France: the question is what benefits firms established in France.",
    ),
    "overview.all_countries": ("Voir tous les pays", "See every country"),
    "overview.by_count.note": (
        "Chaque barre : 100 % des attributions de l'année ; n = nombre d'attributions.",
        "Each bar: 100 % of the year's awards; n = number of awards.",
    ),
    "overview.by_value.note": (
        "Chaque barre : 100 % de la valeur de l'année ; n = attributions avec une valeur en euros.",
        "Each bar: 100 % of the year's value; n = awards with a euro value.",
    ),
}
