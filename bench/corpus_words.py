"""Vocabulary for the generated archive: an EU battery and solar storage research project."""

from __future__ import annotations

PARTNERS = (
    {"name": "Luxembourg Institute of Science and Technology", "short": "LIST", "country": "LU", "role": "coordinator", "url": "https://www.list.lu/"},
    {"name": "Technische Universität München", "short": "TUM", "country": "DE", "role": "partner", "url": "https://www.tum.de/"},
    {"name": "Politechnika Łódzka", "short": "TUL", "country": "PL", "role": "partner", "url": "https://p.lodz.pl/"},
    {"name": "Université Grenoble Alpes", "short": "UGA", "country": "FR", "role": "partner", "url": "https://www.univ-grenoble-alpes.fr/"},
    {"name": "Fundación CIDETEC", "short": "CIDETEC", "country": "ES", "role": "partner", "url": "https://www.cidetec.es/"},
    {"name": "Ørsted Storage Lab", "short": "ORSL", "country": "DK", "role": "industry", "url": "https://orsted.example.com/"},
    {"name": "Zhejiang–EU Battery Centre 浙江电池中心", "short": "ZEBC", "country": "CN", "role": "associated", "url": "https://zebc.example.cn/"},
)

AUTHORS = [
    "Anna Schäfer", "Łukasz Wójcik", "José Núñez", "Zoë Lefèvre", "Li Wei (李伟)", "Mette Sørensen",
    "Giulia Bianchi", "Ahmet Yılmaz", "Chloé Dubois", "Jan Nováček", "Eva Müller", "Siobhán Ó Briain",
    "Dmitri Ivanov", "Inês Gonçalves", "Wang Fang (王芳)", "Kristýna Dvořáková",
]

NOUNS = (
    "solid-state cells", "sodium-ion chemistry", "second-life batteries", "thermal management",
    "grid integration", "recycling pilot", "cathode coating", "electrolyte additives", "digital twin",
    "life-cycle assessment", "fast charging", "open data", "pilot line", "supply chain", "safety testing",
    "policy brief", "training school", "stakeholder workshop", "dissemination", "standardisation",
)

TITLE_PATTERNS = (
    "{partner} reports progress on {noun}",
    "New results on {noun} presented in {place}",
    "Workshop on {noun} in {place}",
    "{noun} — what we learned this quarter",
    "Meet the team behind {noun} at {partner}",
    "Open call: test our {noun} data set",
    "{partner} and industry partners agree next steps on {noun}",
    "Webinar recap: {noun} for non-specialists",
    "Paper accepted: {noun} under real-world conditions",
    "Five questions about {noun}",
)

PLACES = (
    "Luxembourg", "München", "Łódź", "Grenoble", "San Sebastián", "Brussels", "København", "Hangzhou (杭州)",
    "Zürich", "Wrocław", "Göteborg", "Málaga", "Thessaloníki", "Tallinn",
)

SUBJECTS = (
    "the consortium", "our partners at TUM", "the coordinator", "the WP3 team", "a joint task force",
    "researchers in Łódź", "the advisory board", "early-career researchers", "the pilot-line crew",
    "colleagues from CIDETEC", "the project", "the Zhejiang team (浙江团队)", "students at the training school",
)

VERBS = (
    "presented", "validated", "published", "tested", "demonstrated", "compared", "discussed",
    "released", "scaled up", "benchmarked", "documented", "reviewed", "shared", "modelled",
)

OBJECTS = (
    "the first pouch cells with a 20 % higher energy density", "a new open-access data set",
    "the life-cycle inventory of the pilot line", "results from 1,200 charge cycles",
    "the recycling route for cathode black mass", "a digital twin of the module",
    "the draft policy recommendations", "a safety protocol for thermal runaway",
    "an interactive map of European gigafactories", "the mid-term review deliverable",
    "a low-cost sodium-ion prototype", "the électrolyte formulation from Grenoble",
    "measurements at −20 °C", "a public dashboard with live results", "the Über-module concept",
    "a training video in five languages", "the 储能 (energy storage) glossary",
)

QUOTES = (
    "Storage is the missing piece of a renewable grid, and Europe can build it here.",
    "We only trust results that other labs can reproduce — that is why our data is open.",
    "Die Zusammenarbeit über Grenzen hinweg macht dieses Projekt aus.",
    "Współpraca z przemysłem od pierwszego dnia przyspieszyła naszą pracę.",
    "La recherche ouverte, c'est aussi des données réutilisables.",
    "合作让创新更快。",
)

TAGS = [
    "batteries", "solar", "recycling", "policy", "events", "open-science", "industry", "training",
    "sodium-ion", "solid-state", "grid", "safety", "circular-economy", "publications", "webinar",
    "gender-equality", "standards", "data",
]

VENUES = (
    "Journal of Power Sources", "Energy & Environmental Science", "Nature Energy", "ACS Energy Letters",
    "Batteries & Supercaps", "Joule", "Electrochimica Acta",
)

LINK_TARGETS = (
    "https://heliostor.example.eu/results/", "https://cordis.europa.eu/project/id/101099999",
    "https://zenodo.org/communities/heliostor", "https://doi.org/10.5281/zenodo.1234567",
    "https://www.batteries-europe.eu/", "https://heliostor.example.eu/events/",
    "https://github.com/heliostor/open-data", "https://heliostor.example.eu/ueber-uns/#team",
)

EMOJI = ("🔋", "⚡", "🇪🇺", "🎉", "📄", "🔬", "🌍", "☀️", "♻️", "👩‍🔬")
