"""CPV 2008 divisions (the first two digits of a CPV code) with their official English and French labels.

Source: Common Procurement Vocabulary, Commission Regulation (EC) No 213/2008, Annex I (the labels of the 45
codes XX000000), as the Publications Office distributes them (eForms SDK code list `cpv`).
"""

from __future__ import annotations

SOURCE = "CPV 2008, Regulation (EC) No 213/2008, Annex I"

# division -> (English, French)
DIVISIONS: dict[str, tuple[str, str]] = {
    "03": ("Agricultural, farming, fishing, forestry and related products",
           "Produits agricoles, de l'élevage, de la pêche, de la sylviculture et produits connexes"),
    "09": ("Petroleum products, fuel, electricity and other sources of energy",
           "Produits pétroliers, combustibles, électricité et autres sources d'énergie"),
    "14": ("Mining, basic metals and related products",
           "Produits d'exploitation des mines, métaux de base et produits connexes"),
    "15": ("Food, beverages, tobacco and related products",
           "Produits alimentaires, boissons, tabac et produits connexes"),
    "16": ("Agricultural machinery", "Machines agricoles"),
    "18": ("Clothing, footwear, luggage articles and accessories",
           "Vêtements, articles chaussants, bagages et accessoires"),
    "19": ("Leather and textile fabrics, plastic and rubber materials",
           "Produits en cuir et textiles, matériaux en plastique et en caoutchouc"),
    "22": ("Printed matter and related products", "Imprimés et produits connexes"),
    "24": ("Chemical products", "Produits chimiques"),
    "30": ("Office and computing machinery, equipment and supplies except furniture and software packages",
           "Machines, matériel et fourniture informatique et de bureau, excepté les meubles et logiciels"),
    "31": ("Electrical machinery, apparatus, equipment and consumables; lighting",
           "Machines, appareils, équipements et consommables électriques; éclairage"),
    "32": ("Radio, television, communication, telecommunication and related equipment",
           "Équipements et appareils de radio, de télévision, de communication, de télécommunication et "
           "équipements connexes"),
    "33": ("Medical equipments, pharmaceuticals and personal care products",
           "Matériels médicaux, pharmaceutiques et produits de soins personnels"),
    "34": ("Transport equipment and auxiliary products to transportation",
           "Équipement de transport et produits auxiliaires pour le transport"),
    "35": ("Security, fire-fighting, police and defence equipment",
           "Équipement de sécurité, de lutte contre l'incendie, de police et de défense"),
    "37": ("Musical instruments, sport goods, games, toys, handicraft, art materials and accessories",
           "Instruments de musique, articles de sport, jeux, jouets, articles pour artisanat, articles pour "
           "travaux artistiques et accessoires"),
    "38": ("Laboratory, optical and precision equipments (excl. glasses)",
           "Équipements de laboratoire, d'optique et de précision (excepté les lunettes)"),
    "39": ("Furniture (incl. office furniture), furnishings, domestic appliances (excl. lighting) and cleaning "
           "products", "Meubles (y compris les meubles de bureau), aménagements, appareils électroménagers (à "
           "l'exclusion de l'éclairage) et produits de nettoyage"),
    "41": ("Collected and purified water", "Eau collectée et purifiée"),
    "42": ("Industrial machinery", "Machines industrielles"),
    "43": ("Machinery for mining, quarrying, construction equipment",
           "Équipement minier, équipement pour l'exploitation de carrières, matériel de construction"),
    "44": ("Construction structures and materials; auxiliary products to construction (except electric apparatus)",
           "Matériaux et structures de construction; produits auxiliaires pour la construction (à l'exception des "
           "appareils électriques)"),
    "45": ("Construction work", "Travaux de construction"),
    "48": ("Software package and information systems", "Logiciels et systèmes d'information"),
    "50": ("Repair and maintenance services", "Services de réparation et d'entretien"),
    "51": ("Installation services (except software)", "Services d'installation (à l'exception des logiciels)"),
    "55": ("Hotel, restaurant and retail trade services", "Services d'hôtellerie, de restauration et de commerce au "
           "détail"),
    "60": ("Transport services (excl. Waste transport)",
           "Services de transport (à l'exclusion du transport des déchets)"),
    "63": ("Supporting and auxiliary transport services; travel agencies services",
           "Services d'appui et services auxiliaires dans le domaine des transports, services des agences de "
           "voyages"),
    "64": ("Postal and telecommunications services", "Services des postes et télécommunications"),
    "65": ("Public utilities", "Services publics"),
    "66": ("Financial and insurance services", "Services financiers et d'assurance"),
    "70": ("Real estate services", "Services immobiliers"),
    "71": ("Architectural, construction, engineering and inspection services",
           "Services d'architecture, services de construction, services d'ingénierie et services d'inspection"),
    "72": ("IT services: consulting, software development, Internet and support",
           "Services de technologies de l'information, conseil, développement de logiciels, internet et appui"),
    "73": ("Research and development services and related consultancy services",
           "Services de recherche et développement et services de conseil connexes"),
    "75": ("Administration, defence and social security services",
           "Services de l'administration publique, de la défense et de la sécurité sociale"),
    "76": ("Services related to the oil and gas industry", "Services relatifs à l'industrie du pétrole et du gaz"),
    "77": ("Agricultural, forestry, horticultural, aquacultural and apicultural services",
           "Services agricoles, sylvicoles, horticoles, d'aquaculture et d'apiculture"),
    "79": ("Business services: law, marketing, consulting, recruitment, printing and security",
           "Services aux entreprises: droit, marketing, conseil, recrutement, impression et sécurité"),
    "80": ("Education and training services", "Services d'enseignement et de formation"),
    "85": ("Health and social work services", "Services de santé et services sociaux"),
    "90": ("Sewage, refuse, cleaning and environmental services",
           "Services d'évacuation des eaux usées et d'élimination des déchets, services d'hygiénisation et "
           "services relatifs à l'environnement"),
    "92": ("Recreational, cultural and sporting services", "Services récréatifs, culturels et sportifs"),
    "98": ("Other community, social and personal services", "Autres services communautaires, sociaux et personnels"),
}


def division_label(code: str | None, language: str = "fr") -> str | None:
    """The label of a CPV code's division ("45233140" or "45" -> "Travaux de construction"); None if unknown."""
    labels = DIVISIONS.get(str(code or "")[:2])
    if labels is None:
        return None
    return labels[1] if language == "fr" else labels[0]
