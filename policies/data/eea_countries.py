"""EEA states as a postal address may write them (round 38): the ISO 3166-1 alpha-3 code, and the names in
English, in the state's own official languages, and in Dutch, French and German (the languages of the
organisation's addresses). Compared case- and accent-insensitively (policies/core/shipped_drives.py); any
other spelling blocks, with a message asking for the ISO alpha-2 code.
"""

from __future__ import annotations

EEA_NAMES: dict[str, tuple[str, ...]] = {
    "AT": ("AUT", "Austria", "Österreich", "Oostenrijk", "Autriche"),
    "BE": ("BEL", "Belgium", "België", "Belgique", "Belgien"),
    "BG": ("BGR", "Bulgaria", "България", "Bulgarije", "Bulgarie", "Bulgarien"),
    "HR": ("HRV", "Croatia", "Hrvatska", "Kroatië", "Croatie", "Kroatien"),
    "CY": ("CYP", "Cyprus", "Κύπρος", "K\u0131br\u0131s", "Kibris", "Chypre", "Zypern"),
    "CZ": ("CZE", "Czechia", "Czech Republic", "Česko", "Česká republika", "Tsjechië", "Tchéquie",
           "République tchèque", "Tschechien"),
    "DK": ("DNK", "Denmark", "Danmark", "Denemarken", "Danemark", "Dänemark"),
    "EE": ("EST", "Estonia", "Eesti", "Estland", "Estonie"),
    "FI": ("FIN", "Finland", "Suomi", "Finlande", "Finnland"),
    "FR": ("FRA", "France", "Frankrijk", "Frankreich"),
    "DE": ("DEU", "Germany", "Deutschland", "Duitsland", "Allemagne"),
    "GR": ("GRC", "Greece", "Ελλάδα", "Ellada", "Hellas", "Griekenland", "Grèce", "Griechenland"),
    "HU": ("HUN", "Hungary", "Magyarország", "Hongarije", "Hongrie", "Ungarn"),
    "IE": ("IRL", "Ireland", "Éire", "Ierland", "Irlande", "Irland"),
    "IT": ("ITA", "Italy", "Italia", "Italië", "Italie", "Italien"),
    "LV": ("LVA", "Latvia", "Latvija", "Letland", "Lettonie", "Lettland"),
    "LT": ("LTU", "Lithuania", "Lietuva", "Litouwen", "Lituanie", "Litauen"),
    "LU": ("LUX", "Luxembourg", "Lëtzebuerg", "Luxemburg"),
    "MT": ("MLT", "Malta", "Malte"),
    "NL": ("NLD", "Netherlands", "The Netherlands", "Nederland", "Pays-Bas", "Niederlande"),
    "PL": ("POL", "Poland", "Polska", "Polen", "Pologne"),
    "PT": ("PRT", "Portugal"),
    "RO": ("ROU", "Romania", "România", "Roemenië", "Roumanie", "Rumänien"),
    "SK": ("SVK", "Slovakia", "Slovensko", "Slowakije", "Slovaquie", "Slowakei"),
    "SI": ("SVN", "Slovenia", "Slovenija", "Slovenië", "Slovénie", "Slowenien"),
    "ES": ("ESP", "Spain", "España", "Spanje", "Espagne", "Spanien"),
    "SE": ("SWE", "Sweden", "Sverige", "Zweden", "Suède", "Schweden"),
    "IS": ("ISL", "Iceland", "Ísland", "IJsland", "Islande", "Island"),
    "LI": ("LIE", "Liechtenstein"),
    "NO": ("NOR", "Norway", "Norge", "Noreg", "Noorwegen", "Norvège", "Norwegen"),
}
