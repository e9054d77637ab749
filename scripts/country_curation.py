"""The hand-written half of the country synonyms: what ISO data does not say.

ISO 3166 (through pycountry) gives each state a short, an official and former
names.  This table says which states and territories searchlib covers, and
adds what a news archive needs on top: the names news actually use,
abbreviations, former names missing from ISO 3166-3, demonyms, and the
decisions for names that are ambiguous.  ``generate_country_synonyms.py``
merges the two; nothing here is read at run time by searchlib.

Conventions
  * ``names`` and ``demonyms`` are precise: each one, searched alone, means
    this state.  They form one two-way group with the ISO names.
  * A name that also means something else (a US state, a first name, a
    bird), or that is a word inside another state's name ("Sudan" in "South
    Sudan"), never goes into a two-way group.  It gets a one-way rule in
    ``one_way`` or is left out, and ``searchlib/data/geo_synonyms_decisions.md``
    says why.  ``PRECISE`` in a rule stands for the precise names.
  * Plural forms are not listed: the analyzer stems them.  Accented and
    unaccented spellings are not both listed: the analyzer folds accents.
"""

from __future__ import annotations

from dataclasses import dataclass

PRECISE = "*"


@dataclass(frozen=True)
class OneWay:
    """A one-way rule ``lhs => rhs``; ``PRECISE`` expands to the precise names."""

    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class Country:
    """What the table adds to, or takes from, one ISO 3166-1 entry."""

    names: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    # The short name news use, where ISO's is inverted ("Korea, Republic of").
    short: str = ""
    # ISO names (short, official or former) not to use; ``why`` says why.
    drop: tuple[str, ...] = ()
    one_way: tuple[OneWay, ...] = ()
    why: str = ""


def _source(word: str, why: str, *extra: str) -> OneWay:
    """An ambiguous word that may widen to the precise names, never the reverse."""
    return OneWay((word,), (PRECISE, *extra), why)


# Keyed by ISO 3166-1 alpha-2.  The 193 UN member states, the two observer
# states, and territories that news cover under several names.  Taiwan,
# Western Sahara, the Falklands and Kosovo are not here: their competing
# names are written by hand in the "Disputed and breakaway regions" section.
COUNTRIES: dict[str, Country] = {
    "AF": Country(
        names=("Islamic Emirate of Afghanistan",),
        demonyms=("Afghan",),
        why="Both official names of the state are in use: the Republic's and the Taliban's.",
    ),
    "AL": Country(demonyms=("Albanian",)),
    "DZ": Country(demonyms=("Algerian",)),
    "AD": Country(demonyms=("Andorran",)),
    "AO": Country(demonyms=("Angolan",)),
    "AG": Country(demonyms=("Antiguan", "Barbudan")),
    "AR": Country(demonyms=("Argentine", "Argentinian")),
    "AM": Country(names=("Hayastan",), demonyms=("Armenian",)),
    "AU": Country(names=("Commonwealth of Australia",), demonyms=("Australian", "Aussie")),
    "AT": Country(demonyms=("Austrian",)),
    "AZ": Country(demonyms=("Azerbaijani", "Azeri")),
    "BS": Country(names=("Commonwealth of The Bahamas",), demonyms=("Bahamian",)),
    "BH": Country(demonyms=("Bahraini",)),
    "BD": Country(
        demonyms=("Bangladeshi",),
        one_way=(
            OneWay(
                ("East Pakistan",),
                ("Bangladesh",),
                "The pre-1971 name contains 'Pakistan': one-way, so that no search "
                "for Bangladesh is widened into Pakistan.",
            ),
        ),
    ),
    "BB": Country(demonyms=("Barbadian", "Bajan")),
    "BY": Country(
        names=("Byelorussia", "Belorussia"),
        demonyms=("Belarusian", "Belarussian", "Byelorussian", "Belorussian"),
        drop=("Byelorussian SSR Soviet Socialist Republic",),
        why="ISO 3166-3 spells the Soviet republic in a form no text uses.",
    ),
    "BE": Country(demonyms=("Belgian",)),
    "BZ": Country(
        demonyms=("Belizean",),
        one_way=(
            OneWay(
                ("British Honduras",),
                ("Belize",),
                "The colonial name contains 'Honduras' and 'British'.",
            ),
        ),
    ),
    "BJ": Country(
        demonyms=("Beninese",),
        drop=("Benin",),
        one_way=(
            _source(
                "Benin",
                "Benin is also the Nigerian city and old kingdom of the Benin Bronzes: "
                "the bare word may widen to the state, nothing widens into it.",
            ),
        ),
    ),
    "BT": Country(demonyms=("Bhutanese",)),
    "BO": Country(demonyms=("Bolivian",), drop=("Bolivia, Plurinational State of",)),
    "BA": Country(
        names=("Bosnia-Herzegovina", "Bosnia-Hercegovina", "Bosnia", "BiH"),
        demonyms=("Bosnian",),
    ),
    "BW": Country(
        names=("Bechuanaland",),
        demonyms=("Botswanan", "Motswana", "Batswana"),
    ),
    "BR": Country(demonyms=("Brazilian",)),
    "BN": Country(short="Brunei", names=("Brunei Darussalam",), demonyms=("Bruneian",)),
    "BG": Country(demonyms=("Bulgarian",)),
    "BF": Country(demonyms=("Burkinabe",)),
    "BI": Country(demonyms=("Burundian",)),
    "CV": Country(names=("Cape Verde",), demonyms=("Cape Verdean", "Cabo Verdean")),
    "KH": Country(names=("Kampuchea",), demonyms=("Cambodian",)),
    "CM": Country(demonyms=("Cameroonian",)),
    "CA": Country(demonyms=("Canadian",)),
    "CF": Country(
        why="'CAR' is the word 'car', and 'Central African' is also the region's "
        "adjective: the state has no second precise name, so no line; its capital "
        "rule names it.",
    ),
    "TD": Country(
        demonyms=("Chadian",),
        drop=("Chad",),
        one_way=(
            _source(
                "Chad",
                "Chad is also a first name and a word ('hanging chad'): it may widen "
                "to the state's precise names, nothing widens into it.",
            ),
        ),
    ),
    "CL": Country(demonyms=("Chilean",)),
    "CN": Country(names=("PRC",), demonyms=("Chinese",)),
    "CO": Country(demonyms=("Colombian",)),
    "KM": Country(demonyms=("Comorian",)),
    "CG": Country(
        short="Congo-Brazzaville",
        names=("Congo Republic",),
        drop=("Congo", "Republic of the Congo"),
        one_way=(
            OneWay(
                ("Republic of the Congo", "Republic of Congo"),
                (PRECISE,),
                "Both phrases are inside 'Democratic Republic of the Congo': a two-way "
                "group would widen every search for this state into the other.",
            ),
        ),
        why="'Congo' alone names two states and a river: it is in no rule.",
    ),
    "CD": Country(
        short="Democratic Republic of the Congo",
        names=("Democratic Republic of Congo", "DR Congo", "DRC", "Congo-Kinshasa"),
        drop=("Congo, The Democratic Republic of the",),
    ),
    "CR": Country(demonyms=("Costa Rican",)),
    "CI": Country(names=("Ivory Coast",), demonyms=("Ivorian",)),
    "HR": Country(demonyms=("Croatian", "Croat")),
    "CU": Country(demonyms=("Cuban",)),
    "CY": Country(demonyms=("Cypriot",)),
    "CZ": Country(demonyms=("Czech",)),
    "KP": Country(
        names=("DPRK",),
        demonyms=("North Korean",),
        drop=("Korea, Democratic People's Republic of",),
        why="'Korea' and 'Korean' alone name both Koreas: they are in no rule.",
    ),
    "DK": Country(demonyms=("Danish", "Dane")),
    "DJ": Country(
        demonyms=("Djiboutian",),
        drop=("French Afars and Issas",),
        why="The colonial name (to 1977) contains 'French' and would widen every "
        "search for France into Djibouti.",
    ),
    "DM": Country(
        why="Dominica stems apart from 'Dominican'; the demonym 'Dominican' is "
        "shared with the Dominican Republic and the religious order, so it is "
        "left out.",
    ),
    "DO": Country(
        why="'Dominican' also means Dominica's people and the religious order: "
        "no second precise name, so no line; the capital rule names the state.",
    ),
    "EC": Country(demonyms=("Ecuadorian", "Ecuadorean")),
    "EG": Country(demonyms=("Egyptian",)),
    "SV": Country(demonyms=("Salvadoran", "Salvadorean")),
    "GQ": Country(demonyms=("Equatoguinean", "Equatorial Guinean")),
    "ER": Country(demonyms=("Eritrean",)),
    "EE": Country(demonyms=("Estonian",)),
    "SZ": Country(names=("Swaziland", "Kingdom of Swaziland"), demonyms=("Swazi",)),
    "ET": Country(
        demonyms=("Ethiopian",),
        one_way=(
            OneWay(
                ("Abyssinia",),
                ("Ethiopia",),
                "A historical name, also a cat breed: it may find the state, the "
                "state does not widen into it.",
            ),
        ),
    ),
    "FJ": Country(demonyms=("Fijian",)),
    "FI": Country(demonyms=("Finnish",)),
    "FR": Country(demonyms=("French",)),
    "GA": Country(demonyms=("Gabonese",)),
    "GM": Country(demonyms=("Gambian",)),
    "GE": Country(
        names=("Republic of Georgia", "Sakartvelo"),
        drop=("Georgia",),
        one_way=(
            _source(
                "Georgia",
                "Georgia is also the US state and a first name: it may widen to the "
                "state's unambiguous names, nothing widens into it; 'Georgian' (also "
                "the US state's people, the 18th-century style) is left out.",
            ),
        ),
    ),
    "DE": Country(demonyms=("German",)),
    "GH": Country(demonyms=("Ghanaian",)),
    "GR": Country(names=("Hellas",), demonyms=("Greek", "Hellenic")),
    "GD": Country(demonyms=("Grenadian",)),
    "GT": Country(demonyms=("Guatemalan",)),
    "GN": Country(
        short="Guinea-Conakry",
        drop=("Guinea", "Republic of Guinea"),
        one_way=(
            OneWay(
                ("Guinea", "Republic of Guinea"),
                (PRECISE,),
                "'Guinea' is a word of three other states' names (and of 'guinea "
                "pig'); 'Republic of Guinea' is inside 'Republic of Guinea-Bissau'. "
                "Both may widen to 'Guinea-Conakry', nothing widens into them; "
                "'Guinean' is left out for the same reason.",
            ),
        ),
    ),
    "GW": Country(demonyms=("Bissau-Guinean",)),
    "GY": Country(names=("Co-operative Republic of Guyana",), demonyms=("Guyanese",)),
    "HT": Country(demonyms=("Haitian",)),
    "HN": Country(demonyms=("Honduran",)),
    "HU": Country(demonyms=("Hungarian",)),
    "IS": Country(why="'Icelandic' and 'Icelander' stem like 'Iceland' and need no entry."),
    "IN": Country(
        names=("Bharat",),
        one_way=(
            OneWay(
                ("Indian",),
                (PRECISE,),
                "'Indian' also means Native Americans, the Indian Ocean and the West "
                "Indies: it may widen to India, India does not widen into it.",
            ),
        ),
    ),
    "ID": Country(demonyms=("Indonesian",)),
    "IR": Country(
        demonyms=("Iranian",),
        drop=("Iran, Islamic Republic of",),
        one_way=(
            OneWay(
                ("Persia",),
                ("Iran",),
                "The name before 1935, still met in archives; 'Persian' (language, "
                "cats, the Persian Gulf) is left out.",
            ),
        ),
    ),
    "IQ": Country(demonyms=("Iraqi",)),
    "IE": Country(
        names=("Republic of Ireland", "Irish Republic", "Éire"),
        demonyms=("Irish",),
        why="Kept two-way although 'Ireland' is inside 'Northern Ireland': see the decisions file.",
    ),
    "IL": Country(demonyms=("Israeli",)),
    "IT": Country(demonyms=("Italian",)),
    "JM": Country(demonyms=("Jamaican",)),
    "JP": Country(demonyms=("Japanese",)),
    "JO": Country(
        demonyms=("Jordanian",),
        drop=("Jordan",),
        one_way=(
            _source(
                "Jordan",
                "Jordan is also the river and a frequent first name and surname in "
                "the news (Michael, Jim, Jordan Bardella): it may widen to the "
                "state's precise names, nothing widens into it.",
            ),
        ),
    ),
    "KZ": Country(names=("Kazakstan",), demonyms=("Kazakhstani", "Kazakh")),
    "KE": Country(demonyms=("Kenyan",)),
    "KI": Country(
        demonyms=("I-Kiribati",),
        drop=("Gilbert and Ellice Islands",),
        why="The Gilbert and Ellice Islands became both Kiribati and Tuvalu.",
    ),
    "KW": Country(demonyms=("Kuwaiti",)),
    "KG": Country(names=("Kirghizia", "Kirgizia"), demonyms=("Kyrgyz", "Kyrgyzstani")),
    "LA": Country(names=("Lao PDR",), demonyms=("Laotian",)),
    "LV": Country(demonyms=("Latvian",)),
    "LB": Country(demonyms=("Lebanese",)),
    "LS": Country(names=("Basutoland",), demonyms=("Basotho", "Mosotho")),
    "LR": Country(demonyms=("Liberian",)),
    "LY": Country(names=("State of Libya",), demonyms=("Libyan",)),
    "LI": Country(),
    "LT": Country(demonyms=("Lithuanian",)),
    "LU": Country(demonyms=("Luxembourgish",)),
    "MG": Country(demonyms=("Malagasy", "Madagascan")),
    "MW": Country(names=("Nyasaland",), demonyms=("Malawian",)),
    "MY": Country(demonyms=("Malaysian",)),
    "MV": Country(demonyms=("Maldivian",)),
    "ML": Country(demonyms=("Malian",)),
    "MT": Country(demonyms=("Maltese",)),
    "MH": Country(demonyms=("Marshallese",)),
    "MR": Country(demonyms=("Mauritanian",)),
    "MU": Country(demonyms=("Mauritian",)),
    "MX": Country(demonyms=("Mexican",)),
    "FM": Country(
        names=("FSM",),
        drop=("Micronesia, Federated States of",),
        one_way=(
            _source(
                "Micronesia",
                "Micronesia is also the whole Pacific region (Guam, Palau, Kiribati "
                "...): it may widen to the state, nothing widens into it; "
                "'Micronesian' is left out.",
            ),
        ),
    ),
    "MD": Country(
        demonyms=("Moldovan",),
        drop=("Moldova, Republic of",),
        one_way=(
            OneWay(
                ("Moldavia",),
                ("Moldova",),
                "Moldavia is also the Romanian region and the old principality: it "
                "may widen to the state, the state does not widen into it.",
            ),
        ),
    ),
    "MC": Country(demonyms=("Monegasque", "Monacan")),
    "MN": Country(demonyms=("Mongolian",)),
    "ME": Country(demonyms=("Montenegrin",)),
    "MA": Country(demonyms=("Moroccan",)),
    "MZ": Country(demonyms=("Mozambican",)),
    "MM": Country(names=("Republic of the Union of Myanmar",), demonyms=("Burmese",)),
    "NA": Country(
        demonyms=("Namibian",),
        one_way=(
            OneWay(
                ("South West Africa",),
                ("Namibia",),
                "The pre-1990 name contains 'West Africa', a region.",
            ),
        ),
    ),
    "NR": Country(demonyms=("Nauruan",)),
    "NP": Country(demonyms=("Nepali", "Nepalese")),
    "NL": Country(
        demonyms=("Dutch",),
        one_way=(
            OneWay(
                ("Holland",),
                ("Netherlands",),
                "Holland is two of the twelve provinces and a common surname: it may "
                "widen to the Netherlands, the Netherlands do not widen into it.",
            ),
        ),
    ),
    "NZ": Country(
        names=("Aotearoa", "NZ"),
        why="'Kiwi' (also the fruit and the bird) is left out.",
    ),
    "NI": Country(demonyms=("Nicaraguan",)),
    "NE": Country(
        names=("Republic of Niger",),
        demonyms=("Nigerien",),
        drop=("Niger",),
        one_way=(
            _source(
                "Niger",
                "Niger is also the river, and the Niger Delta is in Nigeria: it may "
                "widen to the state's precise names, nothing widens into it.",
            ),
        ),
    ),
    "NG": Country(demonyms=("Nigerian",)),
    "MK": Country(
        names=(
            "Republic of Macedonia",
            "Former Yugoslav Republic of Macedonia",
            "FYROM",
        ),
        demonyms=("North Macedonian",),
        one_way=(
            OneWay(
                ("Macedonia",),
                ("North Macedonia",),
                "Macedonia is also the Greek region and the ancient kingdom: it may "
                "widen to the state, the state does not widen into it (so archive "
                "articles that only say 'Macedonia' are reached through FYROM, "
                "'Republic of Macedonia' and Skopje); 'Macedonian' is left out.",
            ),
        ),
    ),
    "NO": Country(demonyms=("Norwegian",)),
    "OM": Country(demonyms=("Omani",)),
    "PK": Country(demonyms=("Pakistani",)),
    "PW": Country(demonyms=("Palauan",)),
    "PA": Country(demonyms=("Panamanian",)),
    "PG": Country(
        demonyms=("Papua New Guinean",),
        one_way=(
            OneWay(
                ("PNG",),
                ("Papua New Guinea",),
                "PNG is also the image format.",
            ),
        ),
    ),
    "PY": Country(demonyms=("Paraguayan",)),
    "PE": Country(demonyms=("Peruvian",)),
    "PH": Country(
        demonyms=("Filipino", "Filipina"),
        why="'Philippine' stems like 'Philippines' and needs no entry.",
    ),
    "PL": Country(
        demonyms=("Polish",),
        why="'Pole' (a stick, the North Pole) is left out.",
    ),
    "PT": Country(demonyms=("Portuguese",)),
    "QA": Country(demonyms=("Qatari",)),
    "KR": Country(
        names=("ROK",),
        demonyms=("South Korean",),
        drop=("Korea, Republic of",),
        one_way=(
            OneWay(
                ("Republic of Korea",),
                ("South Korea",),
                "The phrase is inside 'Democratic People's Republic of Korea': a "
                "two-way group would widen searches for South Korea into the North.",
            ),
        ),
    ),
    "RO": Country(names=("Rumania", "Roumania"), demonyms=("Romanian",)),
    "RU": Country(short="Russia", demonyms=("Russian",)),
    "RW": Country(names=("Republic of Rwanda",), demonyms=("Rwandan", "Rwandese")),
    "KN": Country(
        names=("St Kitts and Nevis", "Federation of Saint Kitts and Nevis"),
        demonyms=("Kittitian", "Nevisian"),
    ),
    "LC": Country(names=("St Lucia",), demonyms=("Saint Lucian", "St Lucian")),
    "VC": Country(names=("St Vincent and the Grenadines",), demonyms=("Vincentian",)),
    "WS": Country(names=("Western Samoa",), demonyms=("Samoan",)),
    "SM": Country(demonyms=("Sammarinese",)),
    "ST": Country(demonyms=("Santomean", "Sao Tomean")),
    "SA": Country(names=("KSA",), demonyms=("Saudi",)),
    "SN": Country(demonyms=("Senegalese",)),
    "RS": Country(demonyms=("Serbian", "Serb")),
    "SC": Country(demonyms=("Seychellois",)),
    "SL": Country(demonyms=("Sierra Leonean",)),
    "SG": Country(demonyms=("Singaporean",)),
    "SK": Country(demonyms=("Slovak", "Slovakian")),
    "SI": Country(demonyms=("Slovenian", "Slovene")),
    "SB": Country(),
    "SO": Country(demonyms=("Somali",)),
    "ZA": Country(demonyms=("South African",)),
    "SS": Country(demonyms=("South Sudanese",)),
    "ES": Country(demonyms=("Spanish", "Spaniard")),
    "LK": Country(
        demonyms=("Sri Lankan",),
        one_way=(
            OneWay(
                ("Ceylon",),
                ("Sri Lanka",),
                "The name before 1972, today mostly the tea: it may find the state, "
                "the state does not widen into it.",
            ),
        ),
    ),
    "SD": Country(
        names=("Republic of Sudan",),
        drop=("Sudan",),
        one_way=(
            _source(
                "Sudan",
                "'Sudan' and 'Sudanese' are words of 'South Sudan' and 'South "
                "Sudanese': in a two-way group every search for Sudan would widen "
                "into the other state.  The bare word may widen to Sudan's own "
                "words, which carry no more of South Sudan than it does itself.",
                "Sudanese",
            ),
        ),
    ),
    "SR": Country(demonyms=("Surinamese",)),
    "SE": Country(demonyms=("Swedish", "Swede")),
    "CH": Country(demonyms=("Swiss",)),
    "SY": Country(demonyms=("Syrian",)),
    "TJ": Country(names=("Tadzhikistan",), demonyms=("Tajik", "Tajikistani")),
    "TZ": Country(demonyms=("Tanzanian",), drop=("Tanzania, United Republic of",)),
    "TH": Country(
        demonyms=("Thai",),
        one_way=(
            OneWay(
                ("Siam",),
                ("Thailand",),
                "The name before 1939 (and the cats, the twins): it may find the "
                "state, the state does not widen into it.",
            ),
        ),
    ),
    "TL": Country(demonyms=("East Timorese",)),
    "TG": Country(demonyms=("Togolese",)),
    "TO": Country(demonyms=("Tongan",)),
    "TT": Country(demonyms=("Trinidadian", "Tobagonian", "Trinbagonian")),
    "TN": Country(demonyms=("Tunisian",)),
    "TR": Country(
        names=("Republic of Turkey",),
        demonyms=("Turkish",),
        one_way=(
            OneWay(
                (PRECISE,),
                ("Turkey",),
                "'turkey' is also the bird.  Archives before 2022 say 'Turkey', so "
                "a search for Türkiye or Turkish must reach them; the bird is rare "
                "in news and such hits lack the query's own word, so they rank low. "
                "The bare word 'turkey' is not widened.",
            ),
        ),
    ),
    "TM": Country(demonyms=("Turkmen", "Turkmenistani")),
    "TV": Country(demonyms=("Tuvaluan",)),
    "UG": Country(demonyms=("Ugandan",)),
    "UA": Country(demonyms=("Ukrainian",)),
    "AE": Country(names=("UAE",), demonyms=("Emirati",)),
    "GB": Country(
        names=("UK", "U.K.", "Britain", "Great Britain"),
        demonyms=("British", "Briton"),
    ),
    "US": Country(
        names=("USA", "U.S.", "U.S.A."),
        one_way=(
            OneWay(
                ("America", "American"),
                (PRECISE,),
                "America is also the continent(s) ('Latin America', 'South "
                "American'): it may widen to the United States, the United States "
                "do not widen into it.  'US' is not written: searchlib reads 'U.S.' "
                "as the acronym US (lower-case 'us' is a stop word).",
            ),
        ),
    ),
    "UY": Country(names=("Oriental Republic of Uruguay",), demonyms=("Uruguayan",)),
    "UZ": Country(demonyms=("Uzbek", "Uzbekistani")),
    "VU": Country(demonyms=("Ni-Vanuatu",)),
    "VE": Country(demonyms=("Venezuelan",), drop=("Venezuela, Bolivarian Republic of",)),
    "VN": Country(names=("Viet Nam",), demonyms=("Vietnamese",)),
    "YE": Country(demonyms=("Yemeni",)),
    "ZM": Country(names=("Northern Rhodesia",), demonyms=("Zambian",)),
    "ZW": Country(
        demonyms=("Zimbabwean",),
        one_way=(
            OneWay(
                ("Rhodesia",),
                ("Zimbabwe",),
                "The bare word is inside 'Northern Rhodesia' (Zambia).",
            ),
        ),
    ),
    # -- observer states --
    "VA": Country(
        short="Holy See",
        names=("Vatican", "Vatican City", "Vatican City State"),
        drop=("Holy See (Vatican City State)",),
    ),
    "PS": Country(
        short="Palestine",
        names=("Palestinian territories", "Occupied Palestinian Territories"),
        demonyms=("Palestinian",),
        drop=("Palestine, State of",),
    ),
    # -- territories that news cover under several names --
    "HK": Country(
        names=("Hong Kong SAR", "HKSAR"),
        demonyms=("Hongkonger",),
        drop=("Hong Kong Special Administrative Region of China",),
        why="The official name contains 'China', which would widen every Hong "
        "Kong search into China.",
    ),
    "MO": Country(
        names=("Macau", "Macau SAR", "Macao SAR"),
        demonyms=("Macanese",),
        drop=("Macao Special Administrative Region of China",),
        why="The official name contains 'China'.",
    ),
    "PR": Country(names=("Commonwealth of Puerto Rico",), demonyms=("Puerto Rican",)),
    "GL": Country(names=("Kalaallit Nunaat",)),
    "GI": Country(demonyms=("Gibraltarian",)),
    "NC": Country(names=("Kanaky",), demonyms=("New Caledonian",)),
    "FO": Country(names=("Faeroe Islands", "Faroes"), demonyms=("Faroese",)),
    "BM": Country(demonyms=("Bermudian",)),
    "KY": Country(names=("Caymans",), demonyms=("Caymanian",)),
    "GU": Country(demonyms=("Guamanian",)),
    "AW": Country(demonyms=("Aruban",)),
    "CW": Country(demonyms=("Curaçaoan",)),
    "YT": Country(names=("Maore",), demonyms=("Mahoran",)),
}
