"""The EU funding statement and the Horizon Europe disclaimer in each official EU language.

Sources, and how sure each language is:

- English "Funded by the European Union": the Commission's page "Communicating and raising EU
  visibility" (https://commission.europa.eu/funding-tenders/managing-your-project/communicating-
  and-raising-eu-visibility_en) and the EU emblem guide ("write 'Funded by the European Union' or
  'Co-funded by the European Union' ... next to the EU emblem"). The disclaimer is the Horizon
  Europe Annotated Model Grant Agreement's (Art. 17): "Views and opinions expressed are however
  those of the author(s) only ...".
- The other languages' statement is the wording of the emblem lockups that the EU logo download
  centre ships per language (https://ec.europa.eu/regional_policy/information-sources/logo-download-
  center_en). The wording sits only inside that artwork, so each text below is a reading of it
  found in at least two independent places, except where a comment says otherwise. DE and IT are
  further confirmed by national authorities quoting Regulation (EU) 2021/241 Art. 34(2).
- No EU-published translation of the Horizon Europe disclaimer exists. For the languages of the
  theme's catalogs it is translated here after the wording the European Education and Culture
  Executive Agency (EACEA) gives beneficiaries for the same sentence in Erasmus+, with the granting
  authority in place of the EACEA. The other languages keep the English disclaimer: a project that
  needs it translated writes `[funding] disclaimer = { sv = "..." }`.
"""

from __future__ import annotations

OFFICIAL_LANGUAGES = ("bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it",
                      "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv")

FUNDED_BY_EU = {
    "bg": "Финансирано от Европейския съюз",  # one secondary source only
    "cs": "Financováno Evropskou unií",  # one secondary source only
    "da": "Finansieret af Den Europæiske Union",  # one secondary source only
    "de": "Finanziert von der Europäischen Union",
    "el": "Χρηματοδοτείται από την Ευρωπαϊκή Ένωση",  # sources disagree: also "Με τη χρηματοδότηση της Ευρωπαϊκής Ένωσης"
    "en": "Funded by the European Union",  # primary: the Commission's own pages
    "es": "Financiado por la Unión Europea",
    "et": "Rahastanud Euroopa Liit",  # unverified: by analogy with the lockup "Kaasrahastanud Euroopa Liit"
    "fi": "Euroopan unionin rahoittama",
    "fr": "Financé par l'Union européenne",
    "ga": "Arna mhaoiniú ag an Aontas Eorpach",  # one secondary source only
    "hr": "Financira Europska unija",
    "hu": "Az Európai Unió finanszírozásával",  # one secondary source only
    "it": "Finanziato dall'Unione europea",
    "lt": "Finansuoja Europos Sąjunga",
    "lv": "Finansē Eiropas Savienība",
    "mt": "Iffinanzjat mill-Unjoni Ewropea",  # one secondary source only
    "nl": "Gefinancierd door de Europese Unie",  # one secondary source only
    "pl": "Sfinansowane przez Unię Europejską",  # sources disagree: also "Finansowane przez Unię Europejską"
    "pt": "Financiado pela União Europeia",
    "ro": "Finanțat de Uniunea Europeană",
    "sk": "Financované Európskou úniou",
    "sl": "Financira Evropska unija",
    "sv": "Finansieras av Europeiska unionen",  # one secondary source only
}

# "grant agreement No", the term of the EU's model grant agreements in each language.
GRANT_AGREEMENT = {
    "bg": "споразумение за отпускане на безвъзмездни средства №",
    "cs": "grantová dohoda č.",
    "da": "tilskudsaftale nr.",
    "de": "Finanzhilfevereinbarung Nr.",
    "el": "συμφωνία επιχορήγησης αριθ.",
    "es": "acuerdo de subvención n.º",
    "et": "toetusleping nr",
    "fi": "avustussopimus nro",
    "fr": "convention de subvention n°",
    "ga": "comhaontú deontais Uimh.",
    "hr": "sporazum o dodjeli bespovratnih sredstava br.",
    "hu": "támogatási megállapodás száma:",
    "it": "convenzione di sovvenzione n.",
    "lt": "dotacijos sutartis Nr.",
    "lv": "dotācijas nolīgums Nr.",
    "mt": "ftehim ta' għotja Nru",
    "nl": "subsidieovereenkomst nr.",
    "pl": "umowa o udzielenie dotacji nr",
    "pt": "convenção de subvenção n.º",
    "ro": "acordul de grant nr.",
    "sk": "grantová dohoda č.",
    "sl": "sporazum o dodelitvi nepovratnih sredstev št.",
    "sv": "bidragsavtal nr",
}

# {authority} is the granting authority's name, or the words for "the granting authority".
DISCLAIMER = {
    "en": ("Views and opinions expressed are however those of the author(s) only and do not necessarily "
           "reflect those of the European Union or {authority}. Neither the European Union nor the granting "
           "authority can be held responsible for them."),
    "de": ("Die geäußerten Ansichten und Meinungen entsprechen jedoch ausschließlich denen des Autors bzw. der "
           "Autoren und spiegeln nicht zwingend die der Europäischen Union oder {authority} wider. Weder die "
           "Europäische Union noch die Bewilligungsbehörde können dafür verantwortlich gemacht werden."),
    "el": ("Οι απόψεις και οι γνώμες που διατυπώνονται εκφράζουν αποκλειστικά τις απόψεις των συντακτών και δεν "
           "αντιπροσωπεύουν κατ' ανάγκη τις απόψεις της Ευρωπαϊκής Ένωσης ή {authority}. Η Ευρωπαϊκή Ένωση και η "
           "αρχή χορήγησης δεν μπορούν να θεωρηθούν υπεύθυνες για τις εκφραζόμενες απόψεις."),
    "es": ("Las opiniones y puntos de vista expresados solo comprometen a su(s) autor(es) y no reflejan "
           "necesariamente los de la Unión Europea o {authority}. Ni la Unión Europea ni la autoridad "
           "otorgante pueden ser consideradas responsables de ellos."),
    "fr": ("Les points de vue et avis exprimés n'engagent toutefois que leur(s) auteur(s) et ne reflètent pas "
           "nécessairement ceux de l'Union européenne ou {authority}. Ni l'Union européenne ni l'autorité "
           "octroyant la subvention ne sauraient en être tenues pour responsables."),
    "it": ("Le opinioni espresse appartengono, tuttavia, al solo o ai soli autori e non riflettono "
           "necessariamente le opinioni dell'Unione europea o {authority}. Né l'Unione europea né l'autorità "
           "che concede la sovvenzione possono esserne ritenute responsabili."),
    "nl": ("De hier geuite standpunten en meningen zijn echter alleen die van de auteur(s) en geven niet "
           "noodzakelijkerwijs die van de Europese Unie of {authority} weer. Noch de Europese Unie, noch de "
           "subsidieverlenende autoriteit kan ervoor verantwoordelijk worden gehouden."),
    "pl": ("Wyrażone poglądy i opinie są jedynie opiniami autora lub autorów i niekoniecznie odzwierciedlają "
           "poglądy i opinie Unii Europejskiej lub {authority}. Unia Europejska ani organ przyznający dotację "
           "nie ponoszą za nie odpowiedzialności."),
    "pt": ("Os pontos de vista e as opiniões expressas são as do(s) autor(es) e não refletem necessariamente "
           "a posição da União Europeia ou {authority}. Nem a União Europeia nem a autoridade que concede a "
           "subvenção podem ser tidas como responsáveis por essas opiniões."),
}

# The authority after "of the European Union or ...". In English its name alone; elsewhere the
# words for "the granting authority" with the name in brackets, which fits whatever its gender.
AUTHORITY = {
    "en": "the granting authority",
    "de": "der Bewilligungsbehörde",
    "el": "της αρχής χορήγησης",
    "es": "de la autoridad otorgante",
    "fr": "de l'autorité octroyant la subvention",
    "it": "dell'autorità che concede la sovvenzione",
    "nl": "de subsidieverlenende autoriteit",
    "pl": "organu przyznającego dotację",
    "pt": "da autoridade que concede a subvenção",
}


def base_language(tag: str) -> str:
    """`pt-BR` -> `pt`: the statement is the same in every variety of a language."""
    return tag.replace("_", "-").split("-")[0].lower()


def default_statement(language: str, grant: str | None) -> str:
    """"Funded by the European Union", with the grant agreement, in `language` (English where the EU has no wording)."""
    lang = base_language(language)
    if lang not in FUNDED_BY_EU:
        lang = "en"
    statement = FUNDED_BY_EU[lang]
    if grant is None:
        return statement + "."
    if lang == "en":
        return f"{statement} under grant agreement No {grant}."
    return f"{statement} – {GRANT_AGREEMENT[lang]} {grant}."


def default_disclaimer(language: str, authority: str | None) -> str:
    """The Horizon Europe disclaimer in `language`, where there is a careful translation; else in English."""
    lang = base_language(language)
    if lang not in DISCLAIMER:
        lang = "en"
    words = AUTHORITY[lang]
    if authority:
        words = authority if lang == "en" else f"{words} ({authority})"
    return DISCLAIMER[lang].format(authority=words)


def has_translated_disclaimer(language: str) -> bool:
    return base_language(language) in DISCLAIMER
