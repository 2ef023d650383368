"""Synthetic IGF session pages with ground truth.

    python benchmarks/synth.py --sessions 1000 --seed 1 --out /tmp/corpus

writes `DIR/<id>.txt` (a page in one of the five shapes of data/seeds, with
variants) and beside it `DIR/<id>.json`, the record a correct reader must
produce (`SessionRecord.to_json()` shape, spans included: the generator knows
where it wrote each name). `DIR/_corpus.json` holds the parameters and, for
cross-document checks, which generated person each participant is.

The five shapes (data/seeds/000..004):
- `labelled`: labelled `Organizer n:` / `Speaker n:` lines, then moderator and
  rapporteur blocks whose headings may be lost (only blank lines left).
- `session`: no title, a `Session` line, lock glyphs for hidden organizations,
  SDG goal and target lines, numbered policy questions, a report.
- `networking`: themes and an organizing-organizations line under the
  header, two unlabelled `- Name (Org): group, region` blocks (organizers,
  then speakers), a session report naming speakers as `(Name, Org)`.
- `open_forum`: agenda-style `Name, Title, Org` lines under agenda
  subheadings, `Delegate from <Org>` roles, SDG goal lines.
- `no_date`: a workshop page with no date line and themes under the title.

People recur across sessions and years with Zipf-like frequency, names come
from many languages, and a name is written in other ways on some pages
(letter case, family name first, diacritics dropped, a one-letter typo in a
report section).

Everything is derived from `--seed`, `--sessions` and the page index, so
the same command gives the same bytes (with any `--jobs`).
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import json
import random
import sys
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

LOCK = "\U0001F512"
ROLE_ORDER = ("organizer", "speaker", "onsite_moderator", "online_moderator", "rapporteur")
SHAPES = ("labelled", "session", "networking", "open_forum", "no_date")
SHAPE_WEIGHTS = (40, 15, 15, 15, 15)

# ---------------------------------------------------------------- vocabularies

GROUPS = ("Government", "Civil Society", "Private Sector", "Technical Community",
          "Intergovernmental Organization")
REGIONS = {
    "african": "African Group",
    "asia": "Asia-Pacific Group",
    "eastern": "Eastern European Group",
    "grulac": "Latin American and Caribbean Group (GRULAC)",
    "weog": "Western European and Others Group (WEOG)",
    "igo": "Intergovernmental Organization",
}
# Other ways pages write a region in a person line (`WEOG`, `Asia-Pacific`).
REGION_SPELLINGS = {
    "African Group": ["African Group", "African Group", "Africa"],
    "Asia-Pacific Group": ["Asia-Pacific Group", "Asia-Pacific Group", "Asia-Pacific"],
    "Eastern European Group": ["Eastern European Group", "Eastern European Group", "Eastern Europe"],
    "Latin American and Caribbean Group (GRULAC)": [
        "Latin American and Caribbean Group (GRULAC)", "Latin American and Caribbean Group (GRULAC)", "GRULAC"],
    "Western European and Others Group (WEOG)": [
        "Western European and Others Group (WEOG)", "Western European and Others Group (WEOG)", "WEOG"],
    "Intergovernmental Organization": ["Intergovernmental Organization"],
}
# `Name - Org (Region).` lines use a short region in parentheses.
REGION_SHORT = {
    "African Group": "Africa", "Asia-Pacific Group": "Asia-Pacific", "Eastern European Group": "Eastern Europe",
    "Latin American and Caribbean Group (GRULAC)": "GRULAC", "Western European and Others Group (WEOG)": "WEOG",
    "Intergovernmental Organization": "Intergovernmental Organization",
}


@dataclass(frozen=True)
class Culture:
    """A naming tradition: where its people sit, how names are built."""

    region: str
    given: tuple[str, ...]
    family: tuple[str, ...]
    # East Asian names are written family name first on some pages.
    family_first: bool = False
    # Given names built from syllables (`Xiao` + `feng`, `Seung Hyun`).
    syllables: tuple[str, ...] = ()
    syllable_join: str = ""
    # Spanish-style double family names, middle names.
    second_family: float = 0.0
    middle: tuple[str, ...] = ()


def _t(text: str) -> tuple[str, ...]:
    return tuple(text.split())


CULTURES = {
    "chinese": Culture(
        "asia", (), _t("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Gao Lin Luo Zheng "
                       "Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Ye "
                       "Cheng Wei Su Ding Ren Shen Yao Jin Xue Gong Fang Tao Xia Qian Bai Kong Mao Qiu"),
        family_first=True,
        syllables=_t("Xiao Feng Jie Yao Yu Ping Wei Hong Ming Hua Jun Na Jing Lei Yan Hui Qiang Bo Lan Xin Yi "
                     "Chen Hao Kai Rui Ying Zhi Qing Dong Hai Jian Long Mei Ning Pei Shan Wen Xue Yun Zhen Bin "
                     "Gang Heng Jia Kun Lin Min Peng Qi Rong Tian Xiang Yong Zi Shu Ke"),
    ),
    "korean": Culture(
        "asia", (), _t("Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Yoo Hong"),
        family_first=True,
        syllables=_t("Seung Hyun Kyung Ryul So Young Jun Ho Da Som Min Ji Hye Jin Sung Woo Eun Yeon Soo Jae "
                     "Hoon Chul Mi Kyu Sang Hee Tae Yong"),
        syllable_join=" ",
    ),
    "japanese": Culture(
        "asia",
        _t("Takayuki Atsushi Yuki Haruka Kenji Hiroshi Akiko Naoko Satoshi Kazuo Yoko Masato Tomoko Daisuke "
           "Emi Kaori Noriko Ryo Shinji Takeshi Yumiko Kumiko Makoto Megumi Hideki Keiko Shigeru Taro Hanako"),
        _t("Ito Yamanaka Sato Suzuki Takahashi Tanaka Watanabe Nakamura Kobayashi Kato Yoshida Yamada Sasaki "
           "Yamaguchi Matsumoto Inoue Kimura Hayashi Shimizu Mori Ikeda Hashimoto Ishikawa Ogawa Fujita Okada "
           "Goto Murakami Kondo Aoki"),
    ),
    "indian": Culture(
        "asia",
        _t("Nikita Sundeep Nalanda Anita Rajesh Priya Arjun Kavita Vikram Deepa Ravi Sunita Amit Meera Rahul "
           "Lakshmi Anand Pooja Sanjay Divya Karthik Shalini Manish Radhika Vivek Anusha Rohan "
           "Nandini Suresh Aditi Aarav Ishaan Neha Tanvi Varun Gaurav Harini Jyoti Kiran Lalit "
           "Madhuri Naveen Omkar Pallavi Rekha Sameer Trisha Uday Vandana Yash Abhishek Bhavna Chetan "
           "Devika Farhan Geeta Hemant Indira Jatin Kamala"),
        _t("Bhangu Bhandari Sharma Iyer Gupta Patel Reddy Nair Menon Rao Singh Kumar Chatterjee Banerjee Mehta "
           "Joshi Desai Pillai Verma Kapoor Malhotra Bose Mukherjee Agarwal Krishnan Srinivasan Chandra Saxena "
           "Bhatt Kulkarni Ahuja Arora Bajaj Chopra Dutta Ghosh Hegde Jain Kohli Lal Mishra Naidu "
           "Pandey Rastogi Sethi Thakur Upadhyay Vaidya Walia Yadav Basu Dixit Goyal Khanna Luthra "
           "Mathur Nagpal Oberoi Prasad Tiwari"),
    ),
    "arabic": Culture(
        "african",
        _t("Fatima Ayad Omar Layla Youssef Nour Karim Amira Hassan Mariam Khaled Salma Tarek Rania Walid Hala "
           "Mohamed Yasmine Ahmed Dina Samir Leila Nabil Huda Rami Zeina Mustafa Aisha Bilal Noura "
           "Abdelrahman Basma Dalia Fadi Ghada Hani Ibtisam Jamal Kareem Lina Maha Nadia Osama Reem "
           "Sami Tamer Wafa Yara Ziad Heba"),
        _t("Al-Ani Roumate Haddad Mansour Khalil Nasser Saleh Farouk Hamdan Aziz El-Sayed Bakr Qasim Darwish "
           "Hijazi Khoury Abdallah Said Yassin Amrani Bennani Tazi Alaoui Zahran Fahmy Shaker Othman "
           "Jaber Najjar Badawi Chahine Daher Ezzat Fakhoury Ghanem Hamad Issa Karam Lahoud Maalouf "
           "Nassar Obeid Qureshi Rahal Sabbagh Toumi Wahbi Yousef Zaki"),
    ),
    "latam": Culture(
        "grulac",
        _t("Ricardo María José Ana Carlos Lucía Juan Valentina Diego Camila Andrés Sofía Javier Gabriela Luis "
           "Fernanda Pablo Daniela Mateo Paula João Beatriz Tiago Mariana Rafael Luísa Felipe Renata "
           "Gustavo Isabela Alejandro Valeria Martín Ximena Sebastián Florencia Nicolás Catalina "
           "Emiliano Antonella Santiago Agustina Joaquín Romina Ignacio Marcela Rodrigo Julieta "
           "Leonardo Verónica Thiago Larissa Bruno Letícia Caio Amanda Henrique Vitória Otávio Raquel"),
        _t("Robles Pelayo García López Martínez Rodríguez Hernández González Pérez Sánchez Ramírez Torres Flores "
           "Rivera Gómez Díaz Cruz Morales Ortiz Gutiérrez Silva Santos Oliveira Souza Costa Pereira Almeida "
           "Ferreira Barbosa Araújo Vargas Castro Romero Álvarez Ruiz Jiménez Mendoza Medina Aguilar "
           "Herrera Castillo Navarro Domínguez Vega Ramos Guerrero Rojas Molina Delgado Salazar "
           "Carvalho Rocha Ribeiro Martins Lima Gomes Teixeira Moreira Cardoso Nunes"),
        second_family=0.4,
        middle=_t("Israel Alejandro Eduardo Inés Carolina Antonio"),
    ),
    "french": Culture(
        "weog",
        _t("Aurélie Florian Hélène Mathieu Camille Julien Céline Thomas Élodie Nicolas Amélie Sébastien Chloé "
           "Antoine Margaux Benoît Léa Guillaume Océane Rémi Baptiste Capucine Damien Émilie François "
           "Gaëlle Hugo Inès Jérôme Laure Manon Noémie Olivier Pauline Quentin Raphaël Solène Théo "
           "Valérie Yannick"),
        _t("Jacquet Dubois Lefèvre Moreau Laurent Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller "
           "Leroy Mercier Blanc Guérin Boyer Garnier Chevalier Perrin Morel Fournier Giraud André "
           "Mathieu Clément Gauthier Roux Faure Robin Masson Henry Nicolas Denis Marchand Brun Picard "
           "Caron Lemaire"),
    ),
    "germanic": Culture(
        "weog",
        _t("Horst Thorsten Jürgen Anke Katrin Matthias Sabine Stefan Ute Wolfgang Lars Ingrid Sven Astrid Bjørn "
           "Maarten Femke Pieter Annelies Henrik Andreas Birgit Christian Dagmar Elke Frank Gerhard "
           "Heike Jan Karin Lukas Monika Nils Petra Ralf Silke Tobias Uwe Wiebke Kai"),
        ("Kremers", "Jelinek", "Müller", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Schäfer",
         "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Larsen", "Johansson", "Nilsson",
         "de Vries", "van Dijk", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Strauß",
         *_t("Wagner Schulz Bauer Zimmermann Krüger Hartmann Lange Werner Krause Lehmann Schmitt Schmid Braun Hansen "
             "Eriksen Lindqvist Berg Dahl Mulder Peeters")),
    ),
    "italian": Culture(
        "weog",
        _t("Luca Arcangelo Giulia Marco Francesca Alessandro Chiara Matteo Elena Giovanni Sara Lorenzo Valentina"),
        ("Belli", "Leone", "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
         "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Leone de Castris"),
    ),
    "english": Culture(
        "weog",
        _t("Ashley David Matthew Sarah James Emily Michael Jennifer Robert Laura William Rachel Andrew Hannah "
           "Christopher Megan Daniel Olivia Benjamin Grace Elizabeth Joseph Katherine Thomas Margaret "
           "Richard Susan Charles Jessica Steven Amanda Kevin Rebecca Brian Nicole Jason Samantha "
           "Ryan Victoria Eric Alice Peter Helen George Claire Simon Fiona Patrick Natalie Adam"),
        _t("Casovan Robertson Liao Smith Johnson Brown Taylor Anderson Jackson Harris Martin Thompson Wood "
           "Clarke Walker Hughes Edwards Turner Collins Stewart Morris Murphy Cook Rogers Cooper Ward "
           "Kelly Bennett Carter Davies Evans Fisher Graham Hall Hill Jones Kennedy Lewis Mitchell "
           "Nelson Owen Parker Quinn Reid Scott Watson Young Baker Campbell Foster Gordon Hunter "
           "Knight Marshall Palmer Russell Wright"),
    ),
    "african": Culture(
        "african",
        _t("Daisy Kwame Ngozi Amina Tendai Chidi Fatou Kofi Aminata Oluwaseun Thabo Wanjiru Moussa Zanele "
           "Kwabena Adaeze Sipho Nomvula Ibrahima Abena Juma Halima Tunde Nia Babajide Makena Lamine Folake "
           "Kagiso Esi Akosua Yaw Chiamaka Emeka Fatoumata Issa Kemi Lindiwe Mandla Nana Obinna "
           "Precious Rutendo Sello Themba Uchenna Wambui Yetunde Zainab Ama Bongani Chukwudi Dumisani "
           "Efua Gugu Hadiza Ikenna Jabari Kehinde Lerato"),
        _t("Selematsela Mensah Okonkwo Diallo Moyo Nwosu Ndiaye Boateng Kamau Okafor Traoré Dlamini Mwangi Owusu "
           "Adeyemi Nkosi Achieng Sow Banda Chikwanha Ouédraogo Asante Odhiambo Kariuki Ndlovu Tshabalala Keita "
           "Adebayo Eze Abubakar Bello Chukwu Danjuma Eshun Fofana Gyamfi Hassan Idowu Jalloh Kone "
           "Lungu Mutua Njoroge Ogunleye Phiri Quaye Ruto Sithole Tembo Umeh Wekesa Zulu Amoah "
           "Bangura Cisse Dube Essien Gueye Mensa"),
    ),
    "slavic": Culture(
        "eastern",
        _t("Katarzyna Dmitri Oksana Jovan Milica Piotr Anna Andrei Irina Tomasz Olena Marek Ivana Bogdan "
           "Natalia Vladimir Agnieszka Nikola Zoran Łukasz Aleksandra Bartosz Daria Grzegorz Kateryna "
           "Maksym Sergei Tatiana Veronika Wojciech Yulia Jelena Dragan Ludmila Radu Elena Mihai "
           "Petra Stanislav Svetlana"),
        _t("Nowak Ivanov Shevchenko Kurbalija Kowalski Petrov Novák Horvat Popescu Dimitrov Kovalenko "
           "Wiśniewska Jovanović Marković Sokolov Nagy Kovács Ionescu Georgiev Bondarenko Zielińska "
           "Lewandowski Kaminski Sidorenko Melnyk Tkachenko Stoica Nikolić Ilić Pavlović Dvořák Szabó "
           "Tóth Varga Kuznetsov Popov Morozov Volkov Lazarević Radulescu"),
    ),
    "persian_turkish": Culture(
        "asia",
        _t("Sahar Reza Leyla Ali Mehmet Ayşe Emre Zeynep Farhad Shirin Kerem Elif Dariush Parisa Burak"),
        _t("Danesh Hosseini Karimi Yılmaz Kaya Demir Şahin Çelik Ahmadi Rezaei Öztürk Aydın Moradi "
           "Tehrani Arslan"),
    ),
    "southeast_asian": Culture(
        "asia",
        _t("Dewi Budi Siti Agus Ratna Minh Thi Maria Jose Rizal Nur Putri Hoang Lan Thanh"),
        _t("Lestari Santoso Rahmawati Wijaya Sari Nguyen Tran Pham Vu Bui Ngo Reyes Cruz Bautista Villanueva"),
    ),
}
CULTURE_NAMES = tuple(CULTURES)
CULTURE_WEIGHTS = (14, 8, 8, 10, 7, 10, 7, 8, 6, 10, 9, 6, 5, 6)

# Letters that do not decompose under NFKD, written as ASCII when a page drops diacritics.
_ASCII_FALLBACK = {"ı": "i", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "æ": "ae", "đ": "d", "Đ": "D"}


def strip_diacritics(text: str) -> str:
    """`Aurélie Łukasz Strauß` -> `Aurelie Lukasz Strauss`, as a page that drops accents writes it."""
    if text.isascii():
        return text
    text = "".join(_ASCII_FALLBACK.get(c, c) for c in text)
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


# Organizations: (name, acronym or "", stakeholder group). Real ones first; more are generated per country.
REAL_ORGANIZATIONS = [
    ("The Alan Turing Institute", "", "Technical Community"),
    ("Kyoto University", "", "Technical Community"),
    ("Korea Advanced Institute of Science and Technology", "KAIST", "Technical Community"),
    ("New York University", "NYU", "Technical Community"),
    ("University of New South Wales", "UNSW", "Technical Community"),
    ("Japan International Cooperation Agency", "JICA", "Government"),
    ("World Federation of Engineering Organizations", "WFEO", "Technical Community"),
    ("Chinese Academy of Cyberspace Studies", "CACS", "Technical Community"),
    ("Cyberspace Administration of China", "CAC", "Government"),
    ("Fundação Getulio Vargas", "FGV", "Technical Community"),
    ("University of Edinburgh", "", "Technical Community"),
    ("Zhejiang University", "", "Technical Community"),
    ("Wuzhen Institute for Digital Civilization", "", "Technical Community"),
    ("UNESCO", "", "Intergovernmental Organization"),
    ("International Telecommunication Union", "ITU", "Intergovernmental Organization"),
    ("Organisation for Economic Co-operation and Development", "OECD", "Intergovernmental Organization"),
    ("United Nations Development Programme", "UNDP", "Intergovernmental Organization"),
    ("UNICEF", "", "Intergovernmental Organization"),
    ("Council of Europe", "", "Intergovernmental Organization"),
    ("African Union Commission", "AUC", "Intergovernmental Organization"),
    ("Internet Society", "ISOC", "Technical Community"),
    ("Internet Corporation for Assigned Names and Numbers", "ICANN", "Technical Community"),
    ("Regional Internet Registry for Africa", "AFRINIC", "Technical Community"),
    ("Asia Pacific Network Information Centre", "APNIC", "Technical Community"),
    ("Access Now", "", "Civil Society"),
    ("Article 19", "", "Civil Society"),
    ("Derechos Digitales", "", "Civil Society"),
    ("Paradigm Initiative", "", "Civil Society"),
    ("Electronic Frontier Foundation", "EFF", "Civil Society"),
    ("Association for Progressive Communications", "APC", "Civil Society"),
    ("DiploFoundation", "", "Civil Society"),
    ("Global Partners Digital", "", "Civil Society"),
    ("Microsoft", "", "Private Sector"),
    ("Google", "", "Private Sector"),
    ("Meta", "", "Private Sector"),
    ("Huawei Technologies", "", "Private Sector"),
    ("Baidu", "", "Private Sector"),
    ("iFLYTEK", "", "Private Sector"),
    ("MEGVII", "", "Private Sector"),
    ("British Standards Institution", "BSI", "Private Sector"),
    ("National Physical Laboratory", "NPL", "Technical Community"),
    ("Singapore Government", "", "Government"),
    ("Ministry of Internal Affairs and Communications of Japan", "MIC", "Government"),
    ("European Commission", "", "Intergovernmental Organization"),
]
# Countries and cities by region, for generated organizations.
PLACES = {
    "african": [("Kenya", "Nairobi"), ("Nigeria", "Lagos"), ("Ghana", "Accra"), ("Senegal", "Dakar"),
                ("South Africa", "Cape Town"), ("Rwanda", "Kigali"), ("Egypt", "Cairo"), ("Morocco", "Rabat"),
                ("Tanzania", "Dar es Salaam"), ("Uganda", "Kampala"), ("Ethiopia", "Addis Ababa"),
                ("Zimbabwe", "Harare"), ("Tunisia", "Tunis"), ("Cameroon", "Yaounde")],
    "asia": [("Japan", "Tokyo"), ("China", "Beijing"), ("Korea", "Seoul"), ("India", "Bangalore"),
             ("Indonesia", "Jakarta"), ("Viet Nam", "Hanoi"), ("Philippines", "Manila"), ("Iran", "Tehran"),
             ("Australia", "Sydney"), ("Pakistan", "Lahore"), ("Bangladesh", "Dhaka"), ("Thailand", "Bangkok"),
             ("Malaysia", "Kuala Lumpur"), ("Nepal", "Kathmandu"), ("Saudi Arabia", "Riyadh")],
    "eastern": [("Poland", "Warsaw"), ("Ukraine", "Kyiv"), ("Serbia", "Belgrade"), ("Romania", "Bucharest"),
                ("Bulgaria", "Sofia"), ("Hungary", "Budapest"), ("Czechia", "Prague"), ("Croatia", "Zagreb"),
                ("Georgia", "Tbilisi"), ("Armenia", "Yerevan"), ("Estonia", "Tallinn")],
    "grulac": [("Brazil", "Sao Paulo"), ("Mexico", "Guadalajara"), ("Argentina", "Buenos Aires"),
               ("Chile", "Santiago"), ("Colombia", "Bogota"), ("Peru", "Lima"), ("Uruguay", "Montevideo"),
               ("Costa Rica", "San Jose"), ("Ecuador", "Quito"), ("Jamaica", "Kingston"),
               ("Trinidad and Tobago", "Port of Spain")],
    "weog": [("France", "Lyon"), ("Germany", "Berlin"), ("Italy", "Milan"), ("United Kingdom", "Manchester"),
             ("Canada", "Toronto"), ("United States", "Boston"), ("Netherlands", "Amsterdam"),
             ("Sweden", "Stockholm"), ("Norway", "Oslo"), ("Switzerland", "Geneva"), ("Spain", "Madrid"),
             ("Turkey", "Ankara"), ("New Zealand", "Wellington"), ("Denmark", "Aarhus")],
}
_ORG_TEMPLATES = [
    ("University of {city}", "Technical Community"),
    ("{country} Institute of Technology", "Technical Community"),
    ("Centre for Internet and Society {city}", "Civil Society"),
    ("{country} Digital Rights Foundation", "Civil Society"),
    ("{city} Youth Internet Coalition", "Civil Society"),
    ("{country} Network Information Centre", "Technical Community"),
    ("Ministry of Digital Affairs of {country}", "Government"),
    ("{country} Communications Authority", "Government"),
    ("National Cybersecurity Agency of {country}", "Government"),
    ("{city} Telecom Group", "Private Sector"),
    ("{country} Internet Exchange Association", "Technical Community"),
    ("{city} Chamber of Commerce", "Private Sector"),
    ("{country} Open Data Institute", "Civil Society"),
    ("{city} School of Law", "Technical Community"),
]
# Acronyms that pages also use for stakeholder groups or regions; never an organization's.
_RESERVED_ACRONYMS = {"LAC", "EEG", "AFR", "IGO", "GOV", "CSO", "NGO", "EU", "NA", "APAC", "WEOG", "GRULAC",
                      "AU", "UN", "IGF"}

# ---------------------------------------------------------------- text pools

TOPICS = [
    "AI Governance", "Data Protection", "Digital Inclusion", "Cybersecurity Norms", "Internet Fragmentation",
    "Child Online Safety", "Content Moderation", "Digital Public Infrastructure", "Community Networks",
    "Open Standards", "Platform Accountability", "Misinformation", "Cross-Border Data Flows",
    "Meaningful Connectivity", "Digital Identity", "Environmental Sustainability of Digital Technologies",
    "Gender and Connectivity", "Youth Participation", "Digital Trade", "Encryption", "Quantum Readiness",
    "Multilingual Internet", "Universal Acceptance", "Digital Skills", "Algorithmic Transparency",
]
TITLE_TEMPLATES = [
    "{topic} for a Resilient Digital Future", "Rethinking {topic} in the Global South",
    "{topic}: Lessons from the Regions", "Multistakeholder Approaches to {topic}",
    "Building Trust through {topic}", "{topic} and Human Rights", "From Principles to Practice: {topic}",
    "Bridging Divides with {topic}", "{topic} after the Global Digital Compact", "Youth Voices on {topic}",
    "International Cooperation on {topic}", "Measuring Progress in {topic}",
]
THEMES = [
    "AI & Emerging Technologies", "Avoiding Internet Fragmentation", "Cybersecurity, Cybercrime & Online Safety",
    "Data Governance & Trust", "Digital Divides & Inclusion", "Global Digital Governance & Cooperation",
    "Human Rights & Freedoms", "Sustainability & Environment", "Governing Digital Economy",
    "Harmonising Global Digital Infrastructure", "Technical challenges of Internet fragmentation",
    "Universal Access & Meaningful Connectivity", "Security, Safety, Stability and Resilience",
    "Addressing Advanced Technologies including AI", "Enabling Safety, Security and Accountability",
]
QUESTIONS = [
    "How can {topic} be advanced without deepening existing digital divides?",
    "What role should governments and the technical community play in shaping {topic}?",
    "Which mechanisms allow all stakeholders to take part in decisions on {topic}?",
    "How can lessons from national experiences with {topic} inform global cooperation?",
    "What safeguards are needed so that {topic} respects human rights?",
    "How should progress on {topic} be measured and reported?",
    "What capacity building is needed for developing countries to benefit from {topic}?",
]
SENTENCES = [
    "The session brings together practitioners and researchers working on {topic}.",
    "Speakers will share concrete experiences from their regions and discuss what has worked and what has not.",
    "The discussion will focus on practical steps that can be taken in the next two years.",
    "Participants will be invited to contribute their own examples during the open discussion.",
    "The organizers will publish a short summary of the main points after the meeting.",
    "Recent developments in {topic} raise new questions for policy makers and communities alike.",
    "The first part of the session sets out the current state of {topic} and the main open issues.",
    "A second round of interventions will look at how cooperation across regions can be strengthened.",
    "Online participants will be able to ask questions through the chat and the moderators will relay them.",
    "The session aims to identify shared priorities and possible next steps for further work.",
    "Evidence from recent studies shows that {topic} affects users in very different ways.",
    "The format allows equal time for every speaker and leaves half of the session for questions.",
]
TAKEAWAYS = [
    "{topic} needs a holistic approach that looks beyond technology alone.",
    "Cooperation across regions is essential to make progress on {topic}.",
    "Local communities must be involved early in decisions about {topic}.",
    "Capacity building remains the main gap for developing countries in {topic}.",
    "Transparency and accountability are preconditions for trust in {topic}.",
    "Existing frameworks already offer a good basis for work on {topic}.",
]
CALLS = [
    "Governments should open their consultations on {topic} to all stakeholders.",
    "The IGF community should keep {topic} on the agenda of its intersessional work.",
    "Funders should support research on {topic} in underrepresented regions.",
    "Industry should publish regular reports on its practices in {topic}.",
    "Participants should share the outcomes of this session with their national and regional IGFs.",
]
TALK_TITLES = [
    "A Human Rights Approach to {topic}", "Lessons from a National Strategy on {topic}",
    "Community Perspectives on {topic}", "Measuring {topic} in Practice", "{topic} in Small Island States",
    "Regional Cooperation on {topic}", "Open Questions in {topic}",
]
JOB_TITLES = [
    "Deputy Director General", "Professor", "Senior Researcher", "Chief Executive Officer", "Head of Policy",
    "Director", "Vice President", "Programme Officer", "Senior Policy Advisor", "Executive Director",
    "Research Fellow", "Legal Counsel", "Founder and Managing Director", "Chair", "Project Coordinator",
]
AGENDA_SUBHEADINGS = ["Keynote Speech", "Opening Remarks", "Introduction", "Open Discussion", "Wrap-up"]
ROOMS = ["WS 4 – Room B-1", "WS 7 – Room K", "Ballroom B", "Main Hall", "Annex Hall 1", "Room / Salle VI",
         "Plenary Hall", "Room C-2", "Conference Room 3", "Banquet Hall A", "Workshop Room 5", "Room XXI"]
FORMATS = ["Round Table", "Panel", "Other", "Birds of a Feather", "Debate", "Tutorial", "Break-out Group Discussions"]
FORMAT_SPELLINGS = {"Round Table": ["Round Table", "Roundtable"], "Panel": ["Panel"], "Other": ["Other"],
                    "Birds of a Feather": ["Birds of a Feather"], "Debate": ["Debate"], "Tutorial": ["Tutorial"],
                    "Break-out Group Discussions": ["Break-out Group Discussions"]}
LAYOUTS = ["U-shape", "Classroom", "Theater", "Boardroom"]
SDG_TITLES = {
    1: "No Poverty", 2: "Zero Hunger", 3: "Good Health and Well-Being", 4: "Quality Education",
    5: "Gender Equality", 6: "Clean Water and Sanitation", 7: "Affordable and Clean Energy",
    8: "Decent Work and Economic Growth", 9: "Industry, Innovation and Infrastructure",
    10: "Reduced Inequalities", 11: "Sustainable Cities and Communities",
    12: "Responsible Production and Consumption", 13: "Climate Action", 14: "Life Below Water",
    15: "Life on Land", 16: "Peace, Justice and Strong Institutions", 17: "Partnerships for the Goals",
}
SDG_TARGET_COUNTS = {1: (5, "ab"), 2: (5, "abc"), 3: (9, "abcd"), 4: (7, "abc"), 5: (6, "abc"), 6: (6, "ab"),
                     7: (3, "ab"), 8: (10, "ab"), 9: (5, "abc"), 10: (7, "abc"), 11: (7, "abc"), 12: (8, "abc"),
                     13: (3, "ab"), 14: (7, "abc"), 15: (9, "abc"), 16: (10, "ab"), 17: (19, "")}
# When the IGF met: (first day) per year; sessions fall on the four or five days from there.
MEETING_START = {
    2006: (10, 30), 2007: (11, 12), 2008: (12, 3), 2009: (11, 15), 2010: (9, 14), 2011: (9, 27),
    2012: (11, 6), 2013: (10, 22), 2014: (9, 2), 2015: (11, 10), 2016: (12, 6), 2017: (12, 18),
    2018: (11, 12), 2019: (11, 25), 2020: (11, 2), 2021: (12, 6), 2022: (11, 28), 2023: (10, 8),
    2024: (12, 15), 2025: (6, 23),
}
YEARS = tuple(MEETING_START)
# Session kinds: (title label, session_type). Workshops dominate, as on the real site.
KINDS = [("WS", "workshop")] * 6 + [("Open Forum", "open_forum"), ("Town Hall", "town_hall"),
                                     ("Lightning Talk", "lightning_talk"), ("Launch / Award Event", "launch_award"),
                                     ("Day 0 Event", "day_0"), ("DC", "dc_session")]


# ---------------------------------------------------------------- people and organizations

@dataclass(frozen=True)
class Organization:
    name: str
    acronym: str
    group: str
    region: str  # key of REGIONS


@dataclass(frozen=True)
class Person:
    """A generated person: how their name is usually written and where they work."""

    pid: str
    given: str
    family: str
    culture: str
    region: str  # canonical regional group label
    organizations: tuple[int, ...]  # indexes into the organization pool, one per career stage
    switch_year: int  # from this year on, the second organization (if any)
    first_year: int
    last_year: int
    family_first: bool  # written family name first by default

    def organization(self, year: int) -> int:
        later = len(self.organizations) > 1 and year >= self.switch_year
        return self.organizations[-1] if later else self.organizations[0]

    def usual_name(self) -> str:
        return f"{self.family} {self.given}" if self.family_first else f"{self.given} {self.family}"


def _name_key(name: str) -> str:
    """Order- and case-free key, so no two generated people share a name."""
    folded = strip_diacritics(name).casefold().replace("-", " ")
    return " ".join(sorted(folded.split()))


@dataclass
class World:
    """The population every page draws from (derived from the seed only)."""

    organizations: list[Organization]
    people: list[Person]
    cumulative_weights: list[float]


def build_world(seed: int, sessions: int) -> World:
    """Organizations and people; people are ranked, and rank r is drawn with
    weight 1/(r+30) (a Zipf-Mandelbrot law: a few people at many sessions,
    most at one or two)."""
    rng = random.Random(f"world-{seed}")
    organizations = [Organization(name, acronym, group, _region_of_real(name, group))
                     for name, acronym, group in REAL_ORGANIZATIONS]
    acronyms = {o.acronym for o in organizations if o.acronym}
    for region, places in PLACES.items():
        for country, city in places:
            for template, group in _ORG_TEMPLATES:
                name = template.format(country=country, city=city)
                acronym = "".join(w[0] for w in name.split() if w[0].isupper() and w not in ("of", "and"))
                if rng.random() < 0.35 and 2 <= len(acronym) <= 6 and acronym not in acronyms \
                        and acronym not in _RESERVED_ACRONYMS:
                    acronyms.add(acronym)
                else:
                    acronym = ""
                organizations.append(Organization(name, acronym, group, region))
    by_region: dict[str, list[int]] = {}
    for index, org in enumerate(organizations):
        by_region.setdefault(org.region, []).append(index)
    by_region["igo"] = [i for i, o in enumerate(organizations) if o.group == "Intergovernmental Organization"]
    count = 3 * sessions + 100
    people: list[Person] = []
    seen: set[str] = set()
    culture_weights = list(itertools.accumulate(CULTURE_WEIGHTS))
    for _ in range(count):
        culture_name = rng.choices(CULTURE_NAMES, cum_weights=culture_weights)[0]
        culture = CULTURES[culture_name]
        given, family = _draw_name(rng, culture)
        key = _name_key(f"{given} {family}")
        if key in seen:
            continue  # a name already taken: no homonyms, so the population is a little smaller
        seen.add(key)
        region_key = culture.region
        if culture_name == "arabic" and rng.random() < 0.4:
            region_key = "asia"
        if rng.random() < 0.04:
            region_key = "igo"
        home = by_region["igo"] if region_key == "igo" else by_region[region_key]
        orgs = (rng.choice(home),)
        if rng.random() < 0.25:
            orgs += (rng.choice(home),)
        first = rng.choice(YEARS)
        last = min(YEARS[-1], first + int(rng.expovariate(1 / 5)))
        people.append(Person(
            pid=f"p{len(people):06d}", given=given, family=family, culture=culture_name,
            region=REGIONS[region_key], organizations=orgs, switch_year=rng.randint(first, max(first, last)),
            first_year=first, last_year=last,
            family_first=culture.family_first and rng.random() < 0.5,
        ))
    weights = [1.0 / (rank + 30) for rank in range(len(people))]
    return World(organizations, people, list(itertools.accumulate(weights)))


def _region_of_real(name: str, group: str) -> str:
    if group == "Intergovernmental Organization":
        return "igo"
    asia = ("Kyoto", "Korea", "New South Wales", "Japan", "Chin", "Zhejiang", "Wuzhen", "Baidu", "iFLYTEK",
            "MEGVII", "Huawei", "Singapore", "Asia Pacific")
    if any(word in name for word in asia):
        return "asia"
    if "Getulio" in name or "Derechos" in name:
        return "grulac"
    if "Africa" in name or "Paradigm" in name:
        return "african"
    return "weog"


def _draw_name(rng: random.Random, culture: Culture) -> tuple[str, str]:
    """(given, family) in the culture's ways: syllable given names, middle
    names, double family names, sometimes two given names or a middle initial."""
    if culture.syllables:
        parts = rng.sample(culture.syllables, 2 if rng.random() < 0.8 else 1)
        given = parts[0] + (culture.syllable_join + (parts[1] if culture.syllable_join else parts[1].lower())
                            if len(parts) > 1 else "")
    else:
        given = rng.choice(culture.given)
        if culture.middle and rng.random() < 0.3:
            given = f"{given} {rng.choice(culture.middle)}"
    family = rng.choice(culture.family)
    if culture.second_family and rng.random() < culture.second_family:
        second = rng.choice(culture.family)
        if second != family:
            family = f"{family} {second}"
    elif culture.given and rng.random() < 0.15:
        other = rng.choice(culture.given)
        if other != given:
            given = f"{given} {other}"
    elif culture.region == "weog" and rng.random() < 0.1:
        given = f"{given} {rng.choice('ABCDEFGHJKLMNPRSTW')}."
    return given, family


def draw_people(rng: random.Random, world: World, year: int, count: int) -> list[Person]:
    """`count` distinct people for a session in `year` (Zipf by rank, active that year if possible)."""
    chosen: list[Person] = []
    total = world.cumulative_weights[-1]
    attempts = 0
    while len(chosen) < count and attempts < count * 40:
        attempts += 1
        person = world.people[bisect.bisect_left(world.cumulative_weights, rng.random() * total)]
        if any(person.pid == other.pid for other in chosen):
            continue
        if not (person.first_year <= year <= person.last_year) and attempts < count * 20:
            continue
        chosen.append(person)
    return chosen


# ---------------------------------------------------------------- the page writer and its truth

@dataclass
class _Holder:
    """Ground truth of one participant (named person or `Delegate from`)."""

    person: Person | None
    name: str | None = None  # first spelling in a people line
    text: str | None = None  # unnamed: the line text
    organization: str | None = None  # unnamed: the delegating organization
    roles: dict[str, str | None] = field(default_factory=dict)  # role -> inference rule (None: stated)
    stakeholder_group: str | None = None
    regional_group: str | None = None
    affiliation: str | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    line_spellings: list[str] = field(default_factory=list)
    prose_spellings: list[str] = field(default_factory=list)


class Page:
    """Text being written, with what a correct reader must get out of it."""

    def __init__(self, source: str) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.record: dict = {
            "source": source, "sha256": "", "title": None, "year": None, "session_type": None, "number": None,
            "start": None, "end": None, "local_start": None, "local_end": None, "room": None, "format": None,
            "duration_min": None, "themes": [], "policy_questions": [], "sdg_goals": [], "sdg_targets": [],
            "key_takeaways": [], "calls_to_action": [], "organizing_organizations": [],
            "organization_acronyms": {}, "participants": [], "unnamed_participants": [],
            "description": None, "expected_outcomes": None, "warnings": [],
        }
        self.holders: dict[str, _Holder] = {}
        self.order: list[str] = []

    # -- text
    def write(self, text: str) -> int:
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        return start

    def line(self, text: str = "") -> int:
        start = self.write(text)
        self.write("\n")
        return start

    def blank(self, count: int = 1) -> None:
        self.write("\n" * count)

    def text(self) -> str:
        return "".join(self.parts)

    # -- people
    def person_line(self, person: Person, spelling: str, prefix: str, suffix: str, role: str | None,
                    rule: str | None, *, group: str | None = None, region: str | None = None,
                    affiliation: str | None = None) -> None:
        """Write `prefix + spelling + suffix` as one line: a person mention in a people block."""
        start = self.write(prefix) + len(prefix)
        self.write(spelling + suffix + "\n")
        holder = self._holder(person.pid, person)
        if holder.name is None:
            holder.name = spelling
        holder.line_spellings.append(spelling)
        holder.spans.append((start, start + len(spelling)))
        for key, value in (("stakeholder_group", group), ("regional_group", region), ("affiliation", affiliation)):
            if getattr(holder, key) is None and value:
                setattr(holder, key, value)
        if role:
            self._add_role(holder, role, rule)

    def delegate_line(self, organization: str, role: str, rule: str | None) -> None:
        text = f"Delegate from {organization}"
        start = self.line(text)
        holder = self._holder(f"delegate:{organization}", None)
        holder.text, holder.organization = text, organization
        holder.spans.append((start, start + len(text)))
        self._add_role(holder, role, rule)

    def prose_mention(self, person: Person, spelling: str, start: int) -> None:
        """A name written in prose at `start` (already written)."""
        holder = self.holders[person.pid]
        holder.prose_spellings.append(spelling)
        holder.spans.append((start, start + len(spelling)))

    def _holder(self, key: str, person: Person | None) -> _Holder:
        if key not in self.holders:
            self.holders[key] = _Holder(person)
            self.order.append(key)
        return self.holders[key]

    @staticmethod
    def _add_role(holder: _Holder, role: str, rule: str | None) -> None:
        if role not in holder.roles or rule is None:
            holder.roles[role] = rule if role not in holder.roles else None

    # -- the record
    def finish(self) -> tuple[str, dict, list[str]]:
        """The page text, its ground-truth record, and the person id of each participant."""
        text = self.text()
        record = self.record
        record["sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        person_ids = []
        for key in self.order:
            holder = self.holders[key]
            roles = sorted(holder.roles, key=ROLE_ORDER.index)
            inferred = {role: holder.roles[role] for role in roles if holder.roles[role]}
            spans = [list(span) for span in sorted(set(holder.spans))]
            if holder.person is None:
                record["unnamed_participants"].append({
                    "text": holder.text, "roles": roles, "organization": holder.organization,
                    "stakeholder_group": None, "regional_group": None, "spans": spans,
                    "inferred_roles": inferred,
                })
                continue
            variants = []
            for spelling in holder.line_spellings + holder.prose_spellings:
                if spelling != holder.name and spelling not in variants:
                    variants.append(spelling)
            record["participants"].append({
                "name": holder.name, "roles": roles, "stakeholder_group": holder.stakeholder_group,
                "regional_group": holder.regional_group, "affiliation": holder.affiliation, "spans": spans,
                "inferred_roles": inferred, "name_variants": variants,
            })
            person_ids.append(holder.person.pid)
        return text, record, person_ids


# ---------------------------------------------------------------- page pieces

@dataclass
class _Session:
    """What one generated session is, before it is written in some shape."""

    index: int
    shape: str
    year: int
    kind_label: str
    session_type: str
    number: int
    title: str
    topic: str
    start: datetime
    minutes: int
    organizers: list[Person]
    speakers: list[Person]
    onsite: list[Person]
    online: list[Person]
    rapporteurs: list[Person]


def _spelling(rng: random.Random, person: Person, *, allow_order: bool = True) -> str:
    """One way a page writes the person's name: usually as they write it,
    sometimes family name first, in capitals or lower case, without diacritics."""
    given, family = person.given, person.family
    family_first = person.family_first
    if allow_order and CULTURES[person.culture].family_first and rng.random() < 0.15:
        family_first = not family_first
    roll = rng.random()
    if roll < 0.06:
        family = family.upper()
    elif roll < 0.08:
        given, family = given.lower(), family.lower()
    elif roll < 0.09:
        given, family = given.upper(), family.upper()
    name = f"{family} {given}" if family_first else f"{given} {family}"
    if rng.random() < 0.1:
        name = strip_diacritics(name)
    return name


def _typo(rng: random.Random, name: str) -> str | None:
    """The name with one letter of one long token replaced (`Takayuki` -> `Takayaki`); None if no token fits."""
    tokens = name.split(" ")
    candidates = [i for i, t in enumerate(tokens) if len(t) >= 6 and t.isalpha()]
    if not candidates:
        return None
    i = rng.choice(candidates)
    token = tokens[i]
    j = rng.randrange(1, len(token) - 1)
    vowels = "aeiou"
    replacement = rng.choice([v for v in vowels if v != token[j].lower()]) if token[j].lower() in vowels else \
        rng.choice([c for c in "nrstlm" if c != token[j].lower()])
    if token[j].isupper():
        replacement = replacement.upper()
    tokens[i] = token[:j] + replacement + token[j + 1:]
    return " ".join(tokens)


def _fill(rng: random.Random, pool: list[str], topic: str, count: int) -> list[str]:
    return [s.format(topic=topic) for s in rng.sample(pool, min(count, len(pool)))]


def _paragraph(rng: random.Random, topic: str, sentences: int) -> str:
    return " ".join(_fill(rng, SENTENCES, topic, sentences))


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _utc_date_line(start: datetime, end: datetime) -> str:
    def one(moment: datetime) -> str:
        return f"{moment:%A}, {_ordinal(moment.day)} {moment:%B}, {moment.year} ({moment:%H:%M} UTC)"
    return f"{one(start)} - {one(end)}"


def _local_date_line(start: datetime, end: datetime) -> str:
    return f"{start:%A}, {start.day} {start:%B} {start.year}, {start:%H:%M} - {end:%H:%M}"


def _iso(moment: datetime, utc: bool) -> str:
    return moment.isoformat() + ("Z" if utc else "")


class _Writer:
    """Writes one session in its shape, recording the truth as it goes."""

    def __init__(self, rng: random.Random, world: World, session: _Session, page: Page) -> None:
        self.rng, self.world, self.s, self.page = rng, world, session, page
        self.rec = page.record

    # -- shared pieces
    def org(self, person: Person) -> Organization:
        return self.world.organizations[person.organization(self.s.year)]

    def org_as_written(self, org: Organization, *, allow_acronym: bool = True) -> tuple[str, str]:
        """(text written, affiliation a reader records): the full name, the
        acronym alone, or `Full Name (ACR)` which defines the acronym."""
        roll = self.rng.random()
        if org.acronym and allow_acronym and roll < 0.2:
            return org.acronym, org.acronym
        if org.acronym and roll < 0.35:
            self.rec["organization_acronyms"].setdefault(org.acronym, org.name)
            return f"{org.name} ({org.acronym})", org.name
        return org.name, org.name

    def group_of(self, person: Person) -> str:
        return self.org(person).group

    def title_line(self) -> None:
        s = self.s
        self.page.line(f"IGF {s.year} {s.kind_label} #{s.number} {s.title}")
        self.rec.update(title=s.title, year=s.year, session_type=s.session_type, number=s.number)

    def date_and_room(self, *, utc: bool = True) -> None:
        s = self.s
        end = s.start + timedelta(minutes=s.minutes)
        if utc:
            self.page.line(_utc_date_line(s.start, end))
            self.rec.update(start=_iso(s.start, True), end=_iso(end, True))
        else:
            self.page.line(_local_date_line(s.start, end))
            self.rec.update(local_start=_iso(s.start, False), local_end=_iso(end, False))
        if self.rng.random() < 0.9:
            room = self.rng.choice(ROOMS)
            self.page.line(room)
            self.rec["room"] = room

    def themes(self, count: int) -> None:
        for theme in self.rng.sample(THEMES, count):
            self.page.line(theme)
            self.rec["themes"].append(theme)

    def group_region_line(self, person: Person, prefix: str, role: str | None, rule: str | None) -> None:
        """`Name, Group, Region` (the speaker line of the labelled shapes)."""
        group = self.group_of(person)
        region = person.region
        written = self.rng.choice(REGION_SPELLINGS[region])
        self.page.person_line(person, _spelling(self.rng, person), prefix, f", {group}, {written}", role, rule,
                              group=group, region=region)

    def organizer_line(self, index: int, person: Person, *, locks: bool) -> None:
        """`Organizer n: Name, Org` (`Name, 🔒Org`, or `Name, 🔒` when hidden)."""
        org = self.org(person)
        if locks:
            if self.rng.random() < 0.4:
                self.page.person_line(person, _spelling(self.rng, person), f"Organizer {index}: ", f", {LOCK}",
                                      "organizer", None)
                return
            text, affiliation = self.org_as_written(org)
            self.page.person_line(person, _spelling(self.rng, person), f"Organizer {index}: ", f", {LOCK}{text}",
                                  "organizer", None, affiliation=affiliation)
            return
        text, affiliation = self.org_as_written(org)
        self.page.person_line(person, _spelling(self.rng, person), f"Organizer {index}: ", f", {text}",
                              "organizer", None, affiliation=affiliation)

    def holder_line(self, person: Person, role: str, rule: str | None, style: str) -> None:
        """A moderator or rapporteur line in the style of the page."""
        roll = self.rng.random()
        if style == "agenda":
            self.agenda_line(person, role, rule)
        elif roll < 0.6:
            self.group_region_line(person, "", role, rule)
        elif roll < 0.85:
            self.page.person_line(person, _spelling(self.rng, person), "", "", role, rule)
        else:
            text, affiliation = self.org_as_written(self.org(person), allow_acronym=False)
            self.page.person_line(person, _spelling(self.rng, person), "", f", {text}", role, rule,
                                  affiliation=affiliation)

    def agenda_line(self, person: Person, role: str | None, rule: str | None) -> None:
        """`Name, Title, Org` or `Name, Title, Org; Title, Other Org`."""
        org = self.org(person)
        title = self.rng.choice(JOB_TITLES)
        suffix = f", {title}, {org.name}"
        if self.rng.random() < 0.15:
            other = self.world.organizations[self.rng.randrange(len(self.world.organizations))]
            suffix += f"; {self.rng.choice(JOB_TITLES)}, {other.name}"
        self.page.person_line(person, _spelling(self.rng, person), "", suffix, role, rule, affiliation=org.name)

    def role_blocks(self, blocks: list[tuple[str, list, str]], previous: str | None, style: str, *,
                    tight: bool = False) -> None:
        """Moderator and rapporteur blocks after the speakers. Each block's
        heading is written, or lost (only blank lines left) when the block
        right before is the previous role in page order, so a reader can
        still tell the role from where the block stands. `previous` None:
        the blocks before had no headings either (networking pages), so the
        first heading here is always kept."""
        headings = {"onsite_moderator": ["Onsite Moderator", "On-site Moderator", "Moderator"],
                    "online_moderator": ["Online Moderator"], "rapporteur": ["Rapporteur"]}
        for role, holders, _ in blocks:
            if not holders:
                continue
            adjacent = previous is not None and ROLE_ORDER.index(role) == ROLE_ORDER.index(previous) + 1
            lost = not tight and adjacent and self.rng.random() < 0.5
            rule = f"unlabelled-block-after-{previous.replace('_', '-')}-is-{role.replace('_', '-')}" if lost else None
            if tight:
                self.page.line(self.rng.choice(headings[role]))
            elif lost:
                self.page.blank(2)
            else:
                self.page.blank()
                self.page.line(self.rng.choice(headings[role]))
                self.page.blank()
            for i, holder in enumerate(holders):
                if i and not tight:
                    self.page.blank()
                if isinstance(holder, str):
                    self.page.delegate_line(holder, role, rule)
                else:
                    self.holder_line(holder, role, rule, style)
            previous = role

    def format_line(self) -> None:
        fmt = self.rng.choice(FORMATS)
        spelled = self.rng.choice(FORMAT_SPELLINGS[fmt])
        if self.rng.random() < 0.3:
            self.page.line(f"{spelled} - {self.rng.choice(LAYOUTS)} - {self.s.minutes} Min")
        else:
            self.page.line(f"{spelled} - {self.s.minutes} Min")
        self.rec.update(format=fmt, duration_min=self.s.minutes)

    def format_description(self, people: list[Person]) -> None:
        """`Format description:` prose naming some speakers as `Name (Org)`."""
        self.page.write("Format description: ")
        self.page.write(_paragraph(self.rng, self.s.topic, 2))
        named = [p for p in people if self.org(p).name][:3]
        if named:
            self.page.write(" The session will feature ")
            for i, person in enumerate(named):
                if i:
                    self.page.write(", and " if i == len(named) - 1 else ", ")
                spelling = _spelling(self.rng, person)
                self.page.prose_mention(person, spelling, self.page.write(spelling))
                self.page.write(f" ({self.org(person).name})")
            self.page.write(".")
        self.page.write(" " + _paragraph(self.rng, self.s.topic, 1) + "\n")

    def policy_section(self) -> None:
        questions = _fill(self.rng, QUESTIONS, self.s.topic, self.rng.randint(1, 3))
        self.page.line("Policy Question(s)")
        self.page.blank()
        if len(questions) > 1 and self.rng.random() < 0.6:
            self.page.line(" ".join(f"{i}) {q}" for i, q in enumerate(questions, 1)))
        else:
            for i, question in enumerate(questions):
                if i:
                    self.page.blank()
                self.page.line(question)
        self.rec["policy_questions"].extend(questions)

    def gain_line(self) -> None:
        gain = _paragraph(self.rng, self.s.topic, 2)
        self.page.line(f"What will participants gain from attending this session? {gain}")

    def expected_outcomes(self) -> None:
        self.page.line("Expected Outcomes")
        self.page.blank()
        text = _paragraph(self.rng, self.s.topic, 3)
        self.page.line(text)
        self.rec["expected_outcomes"] = text

    def hybrid(self) -> None:
        self.page.line("Hybrid Format: " + _paragraph(self.rng, self.s.topic, 2))

    def sdgs(self, *, targets: bool) -> None:
        goals = sorted(self.rng.sample(range(1, 18), self.rng.randint(1, 5)))
        for goal in goals:
            numbered = self.rng.random() < 0.8
            self.page.line(f"{goal}. {SDG_TITLES[goal]}" if numbered else f"GOAL {goal}: {SDG_TITLES[goal]}")
            self.rec["sdg_goals"].append(goal)
            if targets:
                numbered, lettered = SDG_TARGET_COUNTS[goal]
                codes = [f"{goal}.{n}" for n in range(1, numbered + 1)] + [f"{goal}.{c}" for c in lettered]
                for code in sorted(self.rng.sample(codes, self.rng.randint(0, 3)), key=codes.index):
                    self.page.line(code)
                    self.rec["sdg_targets"].append(code)

    def deadline_report(self, speakers: list[Person]) -> None:
        """Key takeaways and calls to action under their deadline headings,
        then a session report whose bullets name speakers as `(Name, Org)`,
        sometimes with a one-letter typo."""
        takeaways = _fill(self.rng, TAKEAWAYS, self.s.topic, self.rng.randint(1, 3))
        calls = _fill(self.rng, CALLS, self.s.topic, self.rng.randint(1, 2))
        self.page.line("Key Takeaways (* deadline 2 hours after session)")
        for item in takeaways:
            self.page.blank()
            self.page.line(item)
        self.page.blank()
        self.page.line("Call to Action (* deadline 2 hours after session)")
        for item in calls:
            self.page.blank()
            self.page.line(item)
        self.rec["key_takeaways"].extend(takeaways)
        self.rec["calls_to_action"].extend(calls)
        reported = [p for p in speakers if self.page.holders.get(p.pid) and self.page.holders[p.pid].affiliation]
        if not reported:
            return
        self.page.blank()
        self.page.line("Session Report (* deadline 26 October) - click on the ? symbol for instructions")
        for person in reported[:4]:
            holder = self.page.holders[person.pid]
            spelling = holder.name
            if self.rng.random() < 0.3:
                spelling = _typo(self.rng, holder.name) or _spelling(self.rng, person)
            self.page.blank(2)
            self.page.write("  • " + self.rng.choice(TALK_TITLES).format(topic=self.s.topic) + " (")
            self.page.prose_mention(person, spelling, self.page.write(spelling))
            self.page.write(f", {holder.affiliation})\n")
            for sentence in _fill(self.rng, SENTENCES, self.s.topic, 2):
                self.page.line("    • " + sentence)

    # -- the five shapes
    def labelled(self) -> None:
        """Seed 000: a workshop with labelled organizer and speaker lines."""
        s, page, rng = self.s, self.page, self.rng
        self.title_line()
        page.blank()
        self.date_and_room(utc=s.year >= 2019 or rng.random() < 0.5)
        page.blank()
        for i, person in enumerate(s.organizers, 1):
            self.organizer_line(i, person, locks=False)
        page.blank()
        additional = s.speakers[-1] if len(s.speakers) > 1 and rng.random() < 0.2 else None
        for i, person in enumerate(s.speakers[:-1] if additional else s.speakers, 1):
            self.group_region_line(person, f"Speaker {i}: ", "speaker", None)
        if additional is not None:
            # `Additional Speakers` with a `Name - Org (Region).` line.
            page.blank()
            page.line("Additional Speakers")
            page.blank()
            person = additional
            org = self.org(person)
            page.person_line(person, _spelling(rng, person), "", f" - {org.name} ({REGION_SHORT[person.region]}). ",
                             "speaker", None, region=person.region, affiliation=org.name)
        page.blank()
        self.role_blocks([("onsite_moderator", s.onsite, ""), ("online_moderator", s.online, ""),
                          ("rapporteur", s.rapporteurs, "")], "speaker", "plain")
        page.blank(2)
        self.format_line()
        self.format_description(s.speakers)
        page.blank()
        self.policy_section()
        page.blank()
        self.gain_line()
        page.blank(3)
        page.line(_paragraph(rng, s.topic, 5))
        page.blank()
        self.expected_outcomes()
        page.blank()
        self.hybrid()
        if rng.random() < 0.4:
            page.blank()
            self.deadline_report(s.speakers)

    def no_date(self) -> None:
        """Seed 004: a workshop with no date line, themes under the title, lock glyphs."""
        s, page, rng = self.s, self.page, self.rng
        self.title_line()
        page.blank(2)
        self.themes(rng.randint(1, 3))
        page.blank()
        for i, person in enumerate(s.organizers, 1):
            self.organizer_line(i, person, locks=rng.random() < 0.6)
        page.blank()
        for i, person in enumerate(s.speakers, 1):
            self.group_region_line(person, f"Speaker {i}: ", "speaker", None)
        page.blank()
        self.role_blocks([("onsite_moderator", s.onsite, ""), ("online_moderator", s.online, ""),
                          ("rapporteur", s.rapporteurs, "")], "speaker", "plain")
        page.blank(2)
        self.format_line()
        page.blank()
        self.policy_section()
        page.blank()
        self.gain_line()
        page.blank(3)
        page.line(_paragraph(rng, s.topic, 4))
        page.blank()
        self.expected_outcomes()
        page.blank()
        self.hybrid()

    def session(self) -> None:
        """Seed 001: no title, `Session`, lock glyphs, SDG goals and targets, a report."""
        s, page, rng = self.s, self.page, self.rng
        # Without a title or date, a reader knows nothing of year, type or number.
        self.rec.update(title=None, year=None, session_type=None, number=None)
        page.line("Session")
        for i, person in enumerate(s.organizers, 1):
            self.organizer_line(i, person, locks=True)
        for i, person in enumerate(s.speakers, 1):
            self.group_region_line(person, f"Speaker {i}: ", "speaker", None)
        if rng.random() < 0.3:
            self.role_blocks([("onsite_moderator", s.onsite, ""), ("online_moderator", s.online, ""),
                              ("rapporteur", s.rapporteurs, "")], "speaker", "plain", tight=True)
        fmt = rng.choice(["Round Table", "Panel", "Debate"])
        page.line("Roundtable" if fmt == "Round Table" and rng.random() < 0.5 else fmt)
        page.line(f"Duration (minutes): {s.minutes}")
        self.rec.update(format=fmt, duration_min=s.minutes)
        page.line("Format description: " + _paragraph(rng, s.topic, 3))
        questions = _fill(rng, QUESTIONS, s.topic, rng.randint(2, 3))
        labels = ["Inclusion", "Governance", "Stakeholder Engagement", "Capacity"]
        page.line(" ".join(f"{i}. {labels[i - 1]}: {q}" if i != 2 else f"{i}.{labels[i - 1]}: {q}"
                           for i, q in enumerate(questions, 1)))
        self.rec["policy_questions"].extend(f"{labels[i]}: {q}" for i, q in enumerate(questions))
        self.gain_line()
        self.sdgs(targets=True)
        page.line("Description:")
        description = _paragraph(rng, s.topic, 5)
        page.line(description)
        self.rec["description"] = description
        page.line(_paragraph(rng, s.topic, 3))
        self.hybrid()
        if rng.random() < 0.7:
            page.line("Report")
            page.line("Key Takeaways")
            takeaways = []
            for i, (head, body) in enumerate(zip(_fill(rng, TALK_TITLES, s.topic, 3),
                                                 _fill(rng, TAKEAWAYS, s.topic, 3)), 1):
                page.line(f"{i}. {head}")
                page.line(body)
                takeaways.append(f"{head} {body}")
            page.line("Call to Action")
            calls = []
            for i, body in enumerate(_fill(rng, CALLS, s.topic, 2), 1):
                head = f"Action Point {['One', 'Two', 'Three'][i - 1]}"
                page.line(f"{i}. {head}")
                page.line(body)
                calls.append(f"{head} {body}")
            self.rec["key_takeaways"].extend(takeaways)
            self.rec["calls_to_action"].extend(calls)

    def networking(self) -> None:
        """Seed 002: themes and organizing institutions under the header, two
        unlabelled `- Name (Org): group, region` blocks, moderators, a report."""
        s, page, rng = self.s, self.page, self.rng
        self.title_line()
        page.blank()
        self.date_and_room()
        page.blank()
        self.themes(rng.randint(1, 3))
        page.blank()
        if rng.random() < 0.5:
            page.line(self.rec["themes"][0])
            page.blank()
        hosts = []
        for person in s.organizers[:2]:
            org = self.org(person)
            if org not in hosts and _is_institution(org):
                hosts.append(org)
        if hosts:
            written = []
            for org in hosts:
                if org.acronym:
                    written.append(f"{org.name} ({org.acronym})")
                    self.rec["organization_acronyms"].setdefault(org.acronym, org.name)
                else:
                    written.append(org.name)
                self.rec["organizing_organizations"].append(org.name)
            page.line(" & ".join(written))
            page.blank()
        blocks = [("organizer", s.organizers), ("speaker", s.speakers)] if s.organizers else [("speaker", s.speakers)]
        for number, (role, people) in enumerate(blocks):
            if number:
                page.blank(2)
            rule = ("first-of-several-unlabelled-blocks-is-organizers" if role == "organizer"
                    else "later-unlabelled-block-is-speakers" if len(blocks) > 1
                    else "single-unlabelled-block-is-speakers")
            for i, person in enumerate(people):
                if i:
                    page.blank()
                org = self.org(person)
                written = org.acronym if org.acronym and rng.random() < 0.5 else org.name
                group = self.group_of(person)
                region_written = rng.choice(REGION_SPELLINGS[person.region])
                page.person_line(person, _spelling(rng, person), "- ", f" ({written}): {group}, {region_written}",
                                 role, rule, group=group, region=person.region, affiliation=written)
        page.blank()
        self.role_blocks([("onsite_moderator", s.onsite, ""), ("online_moderator", s.online, ""),
                          ("rapporteur", s.rapporteurs, "")], None, "bare")
        page.blank(2)
        self.sdgs(targets=False)
        page.blank()
        page.line("Targets: " + _paragraph(rng, s.topic, 2))
        page.blank(2)
        page.line(_paragraph(rng, s.topic, 3))
        page.blank(2)
        page.line(_paragraph(rng, s.topic, 4))
        page.blank(2)
        if rng.random() < 0.6:
            self.deadline_report(s.speakers)

    def open_forum(self) -> None:
        """Seed 003: questions under the header, organizing institutions,
        agenda-style speaker lines, `Delegate from` roles, SDG goals."""
        s, page, rng = self.s, self.page, self.rng
        self.title_line()
        page.blank()
        self.date_and_room()
        page.blank()
        for question in _fill(rng, QUESTIONS, s.topic, rng.randint(0, 2)):
            page.line(question)
            self.rec["policy_questions"].append(question)
        page.blank()
        self.format_line()
        page.blank(3)
        page.line(_paragraph(rng, s.topic, 6))
        page.blank()
        page.line(_paragraph(rng, s.topic, 2))
        page.blank(3)
        hosts = []
        for person in s.organizers[:2]:
            org = self.org(person)
            if org not in hosts and _is_institution(org):
                hosts.append(org)
        for org in hosts:
            if rng.random() < 0.3:
                page.line(f"Bureau of International Cooperation, {org.name}")
            else:
                page.line(org.name)
            page.blank()
            self.rec["organizing_organizations"].append(org.name)
        page.blank()
        speakers = s.speakers
        parts = [speakers[:1], speakers[1:len(speakers) // 2 + 1], speakers[len(speakers) // 2 + 1:]]
        headings = [rng.choice(AGENDA_SUBHEADINGS), f"Topic 1: {s.topic} Today", f"Topic 2: The Future of {s.topic}"]
        for heading, people in zip(headings, parts):
            if not people:
                continue
            if heading is not headings[0] or rng.random() < 0.5:
                page.line(heading)
            for person in people:
                self.agenda_line(person, "speaker", "person-with-job-title-in-agenda-is-speaker")
        delegate = hosts[0].name if hosts else None
        onsite: list = [delegate] if delegate and rng.random() < 0.6 else s.onsite
        rapporteurs: list = [delegate] if delegate and rng.random() < 0.5 else s.rapporteurs
        page.blank()
        self.role_blocks([("onsite_moderator", onsite, ""), ("online_moderator", s.online, ""),
                          ("rapporteur", rapporteurs, "")], "speaker", "agenda")
        page.blank(3)
        self.sdgs(targets=False)
        page.blank()
        page.line("Targets: " + _paragraph(rng, s.topic, 2))
        page.blank()
        if rng.random() < 0.7:
            takeaways = _fill(rng, TAKEAWAYS, s.topic, 2)
            calls = _fill(rng, CALLS, s.topic, 2)
            page.line("Key Takeaways (* deadline 2 hours after session)")
            for item in takeaways:
                page.blank()
                page.line(item)
            page.blank()
            page.line("Call to Action (* deadline 2 hours after session)")
            for item in calls:
                page.blank()
                page.line(item)
            self.rec["key_takeaways"].extend(takeaways)
            self.rec["calls_to_action"].extend(calls)


def _is_institution(org: Organization) -> bool:
    """An organization name a reader can tell from a theme (it has an institution word or an acronym)."""
    words = ("University", "Institute", "Centre", "Foundation", "Ministry", "Authority", "Agency", "Coalition",
             "Association", "Chamber", "School", "Commission", "Administration", "Academy", "Council")
    return any(w in org.name.split() for w in words)


# ---------------------------------------------------------------- sessions

def plan_session(index: int, seed: int, world: World) -> tuple[random.Random, _Session]:
    """What session `index` is (shape, year, people...), from the seed alone."""
    rng = random.Random(f"page-{seed}-{index}")
    shape = rng.choices(SHAPES, weights=SHAPE_WEIGHTS)[0]
    # Year from the index and number from the index: (year, number) is unique, so no two pages are one session.
    year = YEARS[index % len(YEARS)]
    if shape == "networking":
        kind_label, session_type = "Networking Session", "networking_session"
    elif shape == "open_forum":
        kind_label, session_type = "Open Forum", "open_forum"
    elif shape in ("labelled", "no_date"):
        kind_label, session_type = rng.choice(KINDS) if rng.random() < 0.3 else ("WS", "workshop")
        if shape == "no_date":
            kind_label, session_type = "WS", "workshop"
    else:
        kind_label, session_type = "WS", "workshop"
    number = index // len(YEARS) + 1
    topic = rng.choice(TOPICS)
    title = rng.choice(TITLE_TEMPLATES).format(topic=topic)
    month, day = MEETING_START[year]
    first_day = datetime(year, month, day)
    start = first_day + timedelta(days=rng.randint(0, 4), minutes=30 * rng.randint(0, 47))
    minutes = rng.choice([30, 45, 60, 60, 75, 90, 90, 120])
    n_org = rng.randint(1, 5) if shape != "open_forum" else rng.randint(1, 2)
    n_speak = rng.randint(2, 7) if shape != "open_forum" else rng.randint(3, 9)
    people = draw_people(rng, world, year, n_org + n_speak + 3)
    organizers = people[:n_org]
    speakers = people[n_org:n_org + n_speak]
    extra = people[n_org + n_speak:]
    # Organizers often moderate and report themselves (as on the seed pages).
    pool = organizers + extra

    def pick(k: int) -> list[Person]:
        return [rng.choice(pool)] if k else []

    onsite = pick(1)
    online = [p for p in pick(1 if rng.random() < 0.85 else 0) if p not in onsite]
    rapporteurs = [p for p in pick(1 if rng.random() < 0.8 else 0)]
    if shape == "networking" and rng.random() < 0.3:
        organizers = []  # a single unlabelled block: the speakers
    return rng, _Session(index, shape, year, kind_label, session_type, number, title, topic, start, minutes,
                         organizers, speakers, onsite, online, rapporteurs)


def generate_page(index: int, seed: int, world: World) -> tuple[str, str, dict, list[str]]:
    """(page id, page text, ground-truth record, person id per participant)."""
    rng, session = plan_session(index, seed, world)
    page_id = f"{index:06d}"
    page = Page(f"{page_id}.txt")
    getattr(_Writer(rng, world, session, page), session.shape)()
    text, record, person_ids = page.finish()
    return page_id, text, record, person_ids


def _write_range(args: tuple[int, int, int, str, int]) -> dict[str, list[str]]:
    start, stop, seed, out, sessions = args
    world = _world_for(seed, sessions)
    out_dir = Path(out)
    ids: dict[str, list[str]] = {}
    for index in range(start, stop):
        page_id, text, record, person_ids = generate_page(index, seed, world)
        (out_dir / f"{page_id}.txt").write_text(text, encoding="utf-8")
        (out_dir / f"{page_id}.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        ids[page_id] = person_ids
    return ids


_WORLDS: dict[tuple[int, int], World] = {}


def _world_for(seed: int, sessions: int) -> World:
    # One world per worker process (building it is the slow part for big corpora).
    key = (seed, sessions)
    if key not in _WORLDS:
        _WORLDS.clear()
        _WORLDS[key] = build_world(seed, sessions)
    return _WORLDS[key]


def generate_corpus(sessions: int, seed: int, out: str | Path, *, jobs: int = 1) -> Path:
    """Write `sessions` pages and their ground truth into `out`; returns `out`.

    >>> generate_corpus(10, 1, "/tmp/igf-synth")  # doctest: +SKIP
    """
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    chunk = 2000
    ranges = [(a, min(a + chunk, sessions), seed, str(out_dir), sessions) for a in range(0, sessions, chunk)]
    person_ids: dict[str, list[str]] = {}
    if jobs > 1 and len(ranges) > 1:
        with ProcessPoolExecutor(jobs) as pool:
            for ids in pool.map(_write_range, ranges):
                person_ids.update(ids)
    else:
        for part in ranges:
            person_ids.update(_write_range(part))
    meta = {"generator": "benchmarks/synth.py", "sessions": sessions, "seed": seed, "person_ids": person_ids}
    (out_dir / "_corpus.json").write_text(json.dumps(meta, sort_keys=True), encoding="utf-8")
    return out_dir


def iter_truth(out: str | Path) -> Iterator[tuple[Path, dict]]:
    """(page path, ground-truth record) for every generated page in `out`, in id order."""
    for path in sorted(Path(out).glob("*.txt")):
        yield path, json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, required=True, help="number of pages")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (output is the same for any value)")
    args = parser.parse_args(argv)
    if args.sessions < 1:
        parser.error("--sessions must be at least 1")
    generate_corpus(args.sessions, args.seed, args.out, jobs=args.jobs)
    print(f"wrote {args.sessions} pages and their ground truth to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
