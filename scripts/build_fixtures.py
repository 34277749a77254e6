# ruff: noqa: E501  (the curated tables read one row per line)
"""Build fixtures/*.json from seeds/ and the curated tables below.

Run:  .venv/bin/python scripts/build_fixtures.py [--check]

It starts its own throwaway embedded PostgreSQL (never touches the development database),
imports seeds/ with the project's own importer, adds the curated entities, aliases,
mentions and claims written below, and dumps everything with natural keys. Spans are never
typed by hand: each mention is its surface text, found in the body after the previous
mention of the same article (so the tables read in text order), and each claim is its exact
text (with an occurrence index when it repeats). Any surface that is not found stops the
build. With --check it also prints where the matcher disagrees with the curation.

Curation rules: names and name-like references are mentions ("Washington" for the US
government, "the embassy" for the US Embassy in Libya, "the Libyan side" for the GNA);
pronouns and demonyms ("American", "الأمريكية") are not. A span never includes a leading
"the". Arabic spans leave out a proclitic conjunction or preposition (و ف ب ل ك) and keep
the name's own ال; where ل + ال fuse into لل (للأمم) the span is the bare stem (أمم),
as archive.text.matcher does. Roles: actor = who acts or speaks, subject = who or what is
acted upon or talked about, place = where it happens, other = attributive ("US envoy").
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# --- entities ----------------------------------------------------------------------------
# slug: (kind, canonical name, description, wikidata id or "", {language: [names]})
# Wikidata ids only where certain; the rest are left for an analyst to confirm.
PER, ORG, LOC = "person", "organization", "place"
# fmt: off
ENTITIES = {
    'fayez-al-sarraj': (PER, 'Fayez al-Sarraj', 'Libyan politician; Prime Minister of the Government of National Accord and head of the Presidential Council (2016–2021).', '', {'en': ['Fayez al-Sarraj', 'Fayez Serraj', 'Sarraj', 'al-Sarraj'], 'ar': ['فايز السراج', 'السراج']}),
    'muammar-gaddafi': (PER, 'Muammar Gaddafi', 'Ruler of Libya from 1969 until he was toppled and killed in 2011.', 'Q19878', {'en': ['Muammar Gaddafi', 'Moamer Kadhafi', 'Muammar Qaddafi', 'Gaddafi', 'Kadhafi'], 'ar': ['معمر القذافي', 'معمر القذافى', 'القذافي', 'القذافى']}),
    'stephanie-williams': (PER, 'Stephanie Williams', "US diplomat; chargé d'affaires of the US Embassy in Libya in 2018.", '', {'en': ['Stephanie Williams', 'Williams'], 'ar': ['ستيفاني وليامز', 'ستيفانى وليامز', 'وليامز']}),
    'thomas-waldhauser': (PER, 'Thomas Waldhauser', 'US Marine Corps general; commander of US Africa Command (AFRICOM), 2016–2019.', '', {'en': ['Thomas Waldhauser', 'Waldhauser'], 'ar': ['توماس وولدهاوسر', 'وولدهاوسر']}),
    'chris-stevens': (PER, 'Chris Stevens', 'US ambassador to Libya, killed in the attack on the US mission in Benghazi in 2012.', '', {'en': ['Chris Stevens', 'J. Christopher Stevens'], 'ar': ['كريس ستيفنز']}),
    'ghassan-salame': (PER, 'Ghassan Salamé', 'Lebanese academic; UN Special Envoy for Libya (2017–2020).', '', {'en': ['Ghassan Salamé', 'Ghassan Salame', 'Salamé', 'Salame'], 'ar': ['غسان سلامة']}),
    'emmanuel-macron': (PER, 'Emmanuel Macron', 'President of France since 2017; hosted the Paris meeting on Libya in May 2018.', 'Q3052772', {'en': ['Emmanuel Macron', 'Macron'], 'ar': ['إيمانويل ماكرون', 'ماكرون']}),
    'abdul-hamid-dbeibah': (PER, 'Abdul Hamid Dbeibah', 'Libyan businessman and politician; Prime Minister of the Government of National Unity since 2021.', '', {'en': ['Abdul Hamid Dbeibah', 'Abdulhamid Dbeibah', 'Dbeibah'], 'ar': ['عبد الحميد الدبيبة', 'الدبيبة']}),
    'celeste-wallander': (PER, 'Celeste Wallander', 'US Assistant Secretary of Defense for International Security Affairs.', '', {'en': ['Celeste Wallander', 'Wallander'], 'ar': ['سيليست والاندر']}),
    'john-w-brennan': (PER, 'John W. Brennan', 'US Air Force general; Deputy Commander of US Africa Command (not the former CIA director).', '', {'en': ['John W. Brennan', 'John Brennan'], 'ar': ['جون برينان']}),
    'jeremy-berndt': (PER, 'Jeremy Berndt', "US diplomat; chargé d'affaires of the US Embassy in Libya.", '', {'en': ['Jeremy Berndt', 'Berndt'], 'ar': ['جيريمي برندت']}),
    'khalifa-haftar': (PER, 'Khalifa Haftar', 'Libyan field marshal; commander of the eastern-based Libyan National Army.', '', {'en': ['Khalifa Haftar', 'Khalifa Hafter', 'Haftar'], 'ar': ['خليفة حفتر', 'حفتر']}),
    'mohammed-al-haddad': (PER, 'Mohammed al-Haddad', 'Libyan lieutenant general; Chief of Staff of the Libyan Army (Tripoli).', '', {'en': ['Mohammed al-Haddad', 'Mohammed Al-Haddad', 'Mohamed al-Haddad'], 'ar': ['محمد الحداد']}),
    'government-of-national-accord': (ORG, 'Government of National Accord', "Libya's UN-backed government in Tripoli (2016–2021), formed under the Skhirat agreement.", '', {'en': ['Government of National Accord', 'GNA', 'National Accord government', 'Al-Wefaq government', 'national reconciliation government'], 'ar': ['حكومة الوفاق الوطني', 'حكومة الوفاق الوطنى', 'حكومة الوفاق']}),
    'government-of-national-unity': (ORG, 'Government of National Unity', "Libya's Tripoli-based government since 2021, led by Abdul Hamid Dbeibah.", '', {'en': ['Government of National Unity', 'GNU'], 'ar': ['حكومة الوحدة الوطنية']}),
    'presidential-council': (ORG, 'Presidential Council', "Libya's collective head of state; under the Skhirat agreement it headed the Government of National Accord.", '', {'en': ['Presidential Council'], 'ar': ['المجلس الرئاسي', 'المجلس الرئاسى']}),
    'presidential-guard': (ORG, 'Presidential Guard', 'Libyan force protecting the Presidential Council and state institutions in Tripoli.', '', {'en': ['Presidential Guard'], 'ar': ['الحرس الرئاسي', 'الحرس الرئاسى']}),
    'libyan-coast-guard': (ORG, 'Libyan Coast Guard', "Libya's coast guard.", '', {'en': ['Libyan Coast Guard', 'Coast Guard'], 'ar': ['حرس السواحل', 'خفر السواحل الليبي']}),
    'libyan-interior-ministry': (ORG, 'Libyan Interior Ministry', 'Ministry of Interior of the Tripoli-based government.', '', {'en': ['Libyan Interior Ministry', 'Interior Ministry', 'Ministry of Interior'], 'ar': ['وزارة الداخلية الليبية', 'وزارة الداخلية']}),
    'libyan-army': (ORG, 'Libyan Army', 'The armed forces under the Tripoli government and their General Staff.', '', {'en': ['Libyan Army', 'Libyan army', 'General Staff'], 'ar': ['الجيش الليبي', 'رئاسة الأركان العامة']}),
    'libyan-national-army': (ORG, 'Libyan National Army', 'Eastern-based armed forces led by Khalifa Haftar.', '', {'en': ['Libyan National Army', 'LNA', 'National Army'], 'ar': ['الجيش الوطني الليبي', 'الجيش الوطني']}),
    'united-nations': (ORG, 'United Nations', 'The intergovernmental organization; it backed the Government of National Accord.', 'Q1065', {'en': ['United Nations', 'UN'], 'ar': ['الأمم المتحدة', 'الامم المتحدة']}),
    'un-security-council': (ORG, 'UN Security Council', 'The United Nations Security Council.', 'Q37470', {'en': ['UN Security Council', 'Security Council', 'United Nations Security Council'], 'ar': ['مجلس الأمن الدولي', 'مجلس الأمن']}),
    'nato': (ORG, 'NATO', 'The North Atlantic Treaty Organization; it backed the 2011 uprising in Libya.', 'Q7184', {'en': ['NATO', 'North Atlantic Treaty Organization'], 'ar': ['حلف شمال الأطلسي', 'حلف شمال الأطلسى', 'الناتو']}),
    'africom': (ORG, 'US Africa Command', 'United States Africa Command (AFRICOM), the US military command for Africa.', '', {'en': ['US Africa Command', 'United States Africa Command', 'AFRICOM', 'US forces in Africa'], 'ar': ['القيادة العسكرية الأمريكية لإفريقيا', 'القيادة العسكرية الأمريكية لأفريقيا', 'أفريكوم']}),
    'us-armed-forces': (ORG, 'US Armed Forces', 'The military forces of the United States.', '', {'en': ['US Armed Forces', 'US army', 'US military'], 'ar': ['القوات المسلحة الأمريكية', 'الجيش الأمريكي']}),
    'us-embassy-libya': (ORG, 'US Embassy in Libya', 'The embassy of the United States to Libya.', '', {'en': ['US Embassy in Libya', 'US embassy in Libya', 'American embassy in Libya'], 'ar': ['السفارة الأمريكية في ليبيا', 'السفارة الأمريكية لدى ليبيا']}),
    'al-qaeda': (ORG, 'Al-Qaeda', 'Jihadist organization.', 'Q34490', {'en': ['Al-Qaeda', 'al-Qaeda', 'Al Qaeda'], 'ar': ['تنظيم القاعدة', 'القاعدة']}),
    'islamic-state': (ORG, 'Islamic State', 'Jihadist group (ISIS); held Sirte in 2015–2016.', '', {'en': ['Islamic State', 'ISIS', 'ISIL'], 'ar': ['الدولة الإسلامية', 'تنظيم الدولة الإسلامية', 'داعش']}),
    'facebook': (ORG, 'Facebook', 'Social network on which the Government of National Accord posted its statements.', 'Q355', {'en': ['Facebook'], 'ar': ['فيسبوك', 'فيس بوك']}),
    'libya': (LOC, 'Libya', 'Country in North Africa.', 'Q1016', {'en': ['Libya'], 'ar': ['ليبيا']}),
    'united-states': (LOC, 'United States', 'The United States of America, as a country and as its government ("Washington").', 'Q30', {'en': ['United States', 'US', 'U.S.', 'Washington', 'United States of America'], 'ar': ['الولايات المتحدة', 'الولايات المتحدة الأمريكية', 'واشنطن']}),
    'tripoli': (LOC, 'Tripoli', 'Capital of Libya.', 'Q3579', {'en': ['Tripoli'], 'ar': ['طرابلس']}),
    'benghazi': (LOC, 'Benghazi', 'City in eastern Libya.', '', {'en': ['Benghazi'], 'ar': ['بنغازي', 'بنغازى']}),
    'sirte': (LOC, 'Sirte', 'Coastal city in central Libya, east of Tripoli.', '', {'en': ['Sirte', 'Sirt'], 'ar': ['سرت']}),
    'paris': (LOC, 'Paris', 'Capital of France.', 'Q90', {'en': ['Paris'], 'ar': ['باريس']}),
    'skhirat': (LOC, 'Skhirat', 'Town in Morocco where the Libyan Political Agreement was signed in 2015.', '', {'en': ['Skhirat'], 'ar': ['الصخيرات']}),
    'north-africa': (LOC, 'North Africa', 'The northern region of Africa.', '', {'en': ['North Africa'], 'ar': ['شمال أفريقيا', 'شمال إفريقيا']}),
}
# fmt: on

# fmt: off
SOURCES = {
    'AFP': {'url': 'https://www.afp.com/', 'country': 'France', 'language': ''},
    'AFP (Arabic)': {'url': 'https://www.afp.com/ar', 'country': 'France', 'language': 'ar'},
    'Libya Observer': {'url': 'https://www.libyaobserver.ly/', 'country': 'Libya', 'language': 'en'},
}
# fmt: on

STORIES = {
    "us-libya-cooperation-2018": (
        "Libyan government meets US delegation (2018)",
        "Fayez al-Sarraj's Government of National Accord meets Stephanie Williams and Thomas "
        "Waldhauser in Tripoli, days after the Paris meeting on elections; AFP in English and "
        "Arabic.",
    ),
    "us-defense-delegation-visit": (
        "US defence delegation visits Dbeibah and Haftar",
        "Celeste Wallander, John W. Brennan and Jeremy Berndt meet the GNU, the Chief of Staff "
        "and Khalifa Haftar: counterterrorism, borders, military unification.",
    ),
    "us-libya-militias-2020": (
        "US experts and the GNA on dismantling militias (January 2020)",
        "The US Embassy in Libya convenes US experts and the Government of National Accord on "
        "steps against militias; two outlets' coverage.",
    ),
}

# --- mentions, in text order: (surface, entity, role) ---------------------------------------
A, S, PL, OT = "actor", "subject", "place", "other"
# fmt: off
MENTIONS = {
    'libyan-government-meets-us-delegation': [
        ('Libya', 'libya', OT),
        ('UN', 'united-nations', OT),
        ('US', 'united-states', S),
        ('Tripoli', 'tripoli', PL),
        ('Fayez al-Sarraj', 'fayez-al-sarraj', A),
        ('US', 'united-states', OT),
        ('Stephanie Williams', 'stephanie-williams', S),
        ('Thomas Waldhauser', 'thomas-waldhauser', S),
        ('US forces in Africa', 'africom', OT),
        ('Libyan side', 'government-of-national-accord', A),
        ('Washington', 'united-states', S),
        ('Facebook', 'facebook', OT),
        ('Libya', 'libya', OT),
        ('Government of National Accord', 'government-of-national-accord', A),
        ('GNA', 'government-of-national-accord', A),
        ('Libya', 'libya', S),
        ('NATO', 'nato', A),
        ('Moamer Kadhafi', 'muammar-gaddafi', S),
        ('US', 'united-states', OT),
        ('Chris Stevens', 'chris-stevens', S),
        ('Benghazi', 'benghazi', PL),
        ('United States', 'united-states', A),
        ('Williams', 'stephanie-williams', A),
        ('United States', 'united-states', A),
        ('Libya', 'libya', S),
        ('US', 'united-states', OT),
        ('Sarraj', 'fayez-al-sarraj', A),
        ('Paris', 'paris', PL),
        ('Libya', 'libya', S),
        ('Williams', 'stephanie-williams', A),
        ('US', 'united-states', OT),
        ('Libya', 'libya', S),
        ('United States', 'united-states', A),
        ('Williams', 'stephanie-williams', A),
        ('Libya', 'libya', OT),
        ('Islamic State', 'islamic-state', A),
        ('Sirte', 'sirte', S),
        ('Tripoli', 'tripoli', PL),
        ('GNA', 'government-of-national-accord', A),
        ('US army', 'us-armed-forces', OT),
        ('Waldhauser', 'thomas-waldhauser', A),
        ('Tripoli', 'tripoli', PL),
        ('Libya', 'libya', PL),
        ('Facebook', 'facebook', OT),
        ('AFRICOM', 'africom', A),
        ('GNA', 'government-of-national-accord', OT),
        ('US forces in Africa', 'africom', OT),
        ('Al-Qaeda', 'al-qaeda', S),
        ('US', 'united-states', A),
        ('Libya', 'libya', PL),
        ('Sarraj', 'fayez-al-sarraj', OT),
    ],
    'al-hukuma-al-libiya-tajtamie-bi-wafd-amriki': [
        ('حكومة الوفاق الوطنى', 'government-of-national-accord', A),
        ('الأمم المتحدة', 'united-nations', OT),
        ('طرابلس', 'tripoli', PL),
        ('الولايات المتحدة', 'united-states', S),
        ('حكومة الوفاق', 'government-of-national-accord', OT),
        ('فايز السراج', 'fayez-al-sarraj', A),
        ('القيادة العسكرية الأمريكية لإفريقيا', 'africom', OT),
        ('أفريكوم', 'africom', OT),
        ('توماس وولدهاوسر', 'thomas-waldhauser', S),
        ('ستيفانى وليامز', 'stephanie-williams', S),
        ('حكومة الوفاق', 'government-of-national-accord', A),
        ('فيسبوك', 'facebook', OT),
        ('أفريكوم', 'africom', S),
        ('حرس الرئاسى', 'presidential-guard', S),
        ('حرس السواحل', 'libyan-coast-guard', S),
        ('وزارة الداخلية', 'libyan-interior-ministry', S),
        ('طرابلس', 'tripoli', PL),
        ('ليبيا', 'libya', S),
        ('حلف شمال الأطلسى', 'nato', A),
        ('معمر القذافى', 'muammar-gaddafi', S),
        ('كريس ستيفنز', 'chris-stevens', S),
        ('بنغازى', 'benghazi', PL),
        ('واشنطن', 'united-states', A),
        ('ليبيا', 'libya', S),
        ('معمر القذافى', 'muammar-gaddafi', S),
        ('الولايات المتحدة', 'united-states', A),
        ('ليبيا', 'libya', S),
        ('طرابلس', 'tripoli', PL),
        ('السراج', 'fayez-al-sarraj', A),
        ('باريس', 'paris', PL),
        ('باريس', 'paris', PL),
        ('إيمانويل ماكرون', 'emmanuel-macron', A),
        ('وليامز', 'stephanie-williams', A),
        ('ليبيا', 'libya', S),
        ('الولايات المتحدة', 'united-states', A),
        ('واشنطن', 'united-states', A),
        ('أمم المتحدة', 'united-nations', OT),
        ('ليبيا', 'libya', OT),
        ('غسان سلامة', 'ghassan-salame', S),
        ('توماس وولدهاوسر', 'thomas-waldhauser', A),
        ('ليبيا', 'libya', PL),
        ('حكومة الوفاق', 'government-of-national-accord', OT),
        ('فيسبوك', 'facebook', OT),
        ('حكومة الوفاق', 'government-of-national-accord', OT),
    ],
    'dbeibah-discusses-cooperation-with-us-delegation': [
        ('Government of National Unity', 'government-of-national-unity', OT),
        ('GNU', 'government-of-national-unity', OT),
        ('Abdul Hamid Dbeibah', 'abdul-hamid-dbeibah', A),
        ('United States', 'united-states', S),
        ('Libya', 'libya', S),
        ('United States', 'united-states', S),
        ('US', 'united-states', OT),
        ('Celeste Wallander', 'celeste-wallander', A),
        ('US Africa Command', 'africom', OT),
        ('AFRICOM', 'africom', OT),
        ('John W. Brennan', 'john-w-brennan', A),
        ('US Embassy in Libya', 'us-embassy-libya', OT),
        ('Jeremy Berndt', 'jeremy-berndt', A),
        ('Government of National Unity', 'government-of-national-unity', A),
        ('Libya', 'libya', S),
        ('GNU', 'government-of-national-unity', A),
        ('North Africa', 'north-africa', PL),
        ('Libyan Army', 'libyan-army', OT),
        ('Mohammed Al-Haddad', 'mohammed-al-haddad', S),
        ('Libyan army', 'libyan-army', S),
        ('General Staff', 'libyan-army', A),
        ('Tripoli', 'tripoli', PL),
        ('US', 'united-states', OT),
        ('Khalifa Haftar', 'khalifa-haftar', S),
        ('Benghazi', 'benghazi', PL),
        ('Libya', 'libya', PL),
    ],
    'us-experts-libyan-officials-hold-security-meetings': [
        ('US embassy in Libya', 'us-embassy-libya', A),
        ('US', 'united-states', OT),
        ('Presidential Council', 'presidential-council', OT),
        ('Libya', 'libya', PL),
        ('embassy', 'us-embassy-libya', A),
        ('US', 'united-states', A),
        ('Presidential Council', 'presidential-council', S),
        ('Libya', 'libya', S),
        ('US', 'united-states', A),
        ('Libya', 'libya', PL),
        ('UN', 'united-nations', OT),
        ('embassy', 'us-embassy-libya', A),
        ('Libyan Interior Ministry', 'libyan-interior-ministry', A),
        ('Tripoli', 'tripoli', S),
        ('Interior Ministry', 'libyan-interior-ministry', A),
        ('Security Council', 'un-security-council', OT),
        ('Skhirat', 'skhirat', PL),
        ('Presidential Council', 'presidential-council', OT),
        ('Libya', 'libya', PL),
    ],
    'libyan-american-agreement-to-stop-militia-activity': [
        ('American embassy in Libya', 'us-embassy-libya', A),
        ('National Accord government', 'government-of-national-accord', OT),
        ('Libya', 'libya', PL),
        ('embassy', 'us-embassy-libya', A),
        ('National Accord government', 'government-of-national-accord', OT),
        ('Libya', 'libya', PL),
        ('Washington', 'united-states', A),
        ('National Accord government', 'government-of-national-accord', S),
        ('United States', 'united-states', A),
        ('Libya', 'libya', PL),
        ('Muammar Gaddafi', 'muammar-gaddafi', S),
        ('Libya', 'libya', S),
        ('Tripoli', 'tripoli', PL),
        ('national reconciliation government', 'government-of-national-accord', S),
        ('Fayez al-Sarraj', 'fayez-al-sarraj', OT),
        ('national army', 'libyan-national-army', OT),
        ('Khalifa Haftar', 'khalifa-haftar', OT),
        ('National Army', 'libyan-national-army', A),
        ('Tripoli', 'tripoli', S),
        ('Al-Wefaq government', 'government-of-national-accord', S),
        ('Haftar', 'khalifa-haftar', A),
        ('Tripoli', 'tripoli', S),
    ],
}
# fmt: on

# --- claims: (exact text, speaker or None, kind, [about], date or None, note) ----------------
# Quotes are spanned inside their quotation marks. Dates only where the text supports a day:
# 003 and 004 report the embassy statement of Friday 3 January 2020; 004 dates Haftar's
# announcement "December 12" (2019, before the January 2020 article). 000/001 give no day.
Q, PA, FI, AL, CO = "direct_quote", "paraphrase", "figure", "allegation", "commitment"
FRIDAY = dt.date(2020, 1, 3)
NO_DAY_2018 = "2018; the text gives no day."
# fmt: off
CLAIMS = {
    'libyan-government-meets-us-delegation': [
        ('called for "further cooperation" with the US', 'government-of-national-accord', PA, ['united-states'], None, NO_DAY_2018),
        ('it wanted to expand economic and development cooperation with Washington', 'government-of-national-accord', PA, ['united-states'], None, 'In a Facebook statement.'),
        ('the United States has spent $635 million supporting the country', 'stephanie-williams', FI, ['united-states', 'libya'], None, 'Since the 2011 uprising.'),
        ('Over the last year, the United States has increased bilateral assistance to Libya to improve airport security, border security, policing, prison management, and demining capacity', 'stephanie-williams', Q, ['united-states', 'libya'], None, 'In a statement.'),
        ('agreeing to unify parallel institutions and hold elections in December', 'fayez-al-sarraj', CO, ['libya'], None, 'With three other Libyan leaders in Paris.'),
        ("US support alone would not solve the country's problems", 'stephanie-williams', PA, ['united-states', 'libya'], None, ''),
        ('The only lasting solution for Libya is to overcome its political impasse', 'stephanie-williams', Q, ['libya'], None, ''),
        ('The United States believes that elections should occur as soon as possible, but must be well prepared to avoid further instability', 'stephanie-williams', Q, ['united-states', 'libya'], None, ''),
        ('the hunt for terrorist goes on', 'thomas-waldhauser', Q, ['libya'], None, "As the GNA's Facebook post reports it."),
        ('AFRICOM forces intercepts and pursues the gatherings of these terrorists, which they target in total coordination with the GNA', 'thomas-waldhauser', Q, ['africom', 'government-of-national-accord'], None, ''),
        ("was coordinated with Sarraj's government", None, AL, ['united-states', 'government-of-national-accord', 'al-qaeda'], None, 'Unnamed officials, on the late-March US strike on an Al-Qaeda operative.'),
    ],
    'al-hukuma-al-libiya-tajtamie-bi-wafd-amriki': [
        ('توسيع التعاون', 'government-of-national-accord', Q, ['united-states'], None, NO_DAY_2018),
        ('أشادت بدعم أفريكوم للحرس الرئاسى وحرس السواحل وأجهزة وزارة الداخلية', 'government-of-national-accord', Q, ['africom', 'presidential-guard', 'libyan-coast-guard', 'libyan-interior-ministry'], None, 'Facebook statement.'),
        ('دعت إلى توسيع مجالات التعاون لتشمل الاقتصاد والتنمية', 'government-of-national-accord', Q, ['united-states'], None, 'Facebook statement.'),
        ('واشنطن أنفقت 635 مليون دولار لدعم ليبيا', 'stephanie-williams', FI, ['united-states', 'libya'], None, 'The $635 million of the English original.'),
        ('خلال العام الماضى زادت الولايات المتحدة المساعدة الثنائية لليبيا لتحسين أمن المطارات والحدود والحفاظ على النظام وإدارة السجون وبناء القدرات الليبية فى مجال إزالة الألغام', 'stephanie-williams', Q, ['united-states', 'libya'], None, ''),
        ('أعلن الأطراف الأربعة الرئيسيون فى النزاع الليبى التزامهم العمل معا لتنظيم انتخابات تشريعية ورئاسية فى العاشر من ديسمبر', 'fayez-al-sarraj', CO, ['libya'], None, 'The four main parties, Sarraj among them, in Paris.'),
        ('خطوة رئيسية نحو المصالحة', 'emmanuel-macron', Q, ['libya'], None, 'On the Paris meeting.'),
        ('الدعم الأمريكى وحده لن يحل مشاكل البلاد', 'stephanie-williams', PA, ['united-states', 'libya'], None, ''),
        ('الحل الدائم الوحيد لليبيا هو تجاوز المأزق السياسى', 'stephanie-williams', Q, ['libya'], None, ''),
        ('الولايات المتحدة تعتقد أن الانتخابات يجب أن تجرى فى أسرع وقت ممكن لكن يجب الإعداد لها بشكل جيد لتجنب مزيد من عدم الاستقرار', 'stephanie-williams', Q, ['united-states', 'libya'], None, ''),
        ('دعم واشنطن للمبعوث الخاص للأمم المتحدة لليبيا غسان سلامة', 'stephanie-williams', CO, ['united-states', 'ghassan-salame', 'united-nations'], None, ''),
        ('مطاردة الإرهابيين مستمرة', 'thomas-waldhauser', Q, ['libya'], None, "As the GNA's Facebook page reports it."),
        ('عمليات مطاردة فلول الإرهاب مستمرة', 'thomas-waldhauser', Q, ['libya'], None, ''),
        ('قواته تقوم برصد ومتابعة تجمعاتهم واستهدافها بالتعاون والتنسيق الكامل مع حكومة الوفاق', 'thomas-waldhauser', PA, ['africom', 'government-of-national-accord'], None, ''),
    ],
    'dbeibah-discusses-cooperation-with-us-delegation': [
        ('the attendees discussed cooperation in the fields of combating terrorism, developing military capabilities, monitoring borders, supporting Libyan military training programs, and developing border monitoring systems, in a way that enhances Libya’s capabilities in confronting security threats', 'government-of-national-unity', PA, ['united-states', 'libya'], None, 'The text gives no date.'),
        ('the two sides stressed the need to protect these resources and ensure their continued flow in a way that serves the interests of the Libyan people and enhances economic stability', None, PA, ['government-of-national-unity', 'united-states', 'libya'], None, 'The two sides: the GNU and the US delegation.'),
        ('the two parties reaffirmed their commitment to enhancing security cooperation in a way that achieves joint interests and contributes to supporting stability in the region', 'government-of-national-unity', CO, ['united-states', 'north-africa'], None, 'As the GNU reports it.'),
        ('the Chief of Staff pointed out the depth of relations between the two countries, and their support for the steps toward unifying the military institution to achieve a secure future characterized by economic prosperity and regional stability', 'mohammed-al-haddad', PA, ['libya', 'united-states', 'libyan-army'], None, 'According to the General Staff.'),
    ],
    'us-experts-libyan-officials-hold-security-meetings': [
        ("it had convened a meeting of US government experts and representatives of the Presidential Council's government to determine concrete steps to eliminate militias, one of the fundamental issues underlying the conflict in Libya", 'us-embassy-libya', PA, ['government-of-national-accord', 'libya'], FRIDAY, ''),
        ("the US appreciates Presidential Council government's readiness to address this issue and will remain closely engaged with all Libyan partners as they implement measures to dislodge these violent groups", 'us-embassy-libya', CO, ['united-states', 'government-of-national-accord'], FRIDAY, ''),
        ('These talks come at a time when toxic foreign intervention threatens to undermine the sovereignty and territorial integrity of Libya and escalate the situation into a wider regional conflict.', 'us-embassy-libya', Q, ['libya'], FRIDAY, ''),
        ('the US remains convinced that long-term stability can only be achieved through an end to the conflict, return to political negotiation, and the establishment of a unified government capable of providing security and prosperity to the Libyan people as well as preventing terrorists from finding refuge in Libya', 'us-embassy-libya', PA, ['united-states', 'libya'], FRIDAY, ''),
        ('These talks should serve as a basis for future discussions among all Libyan parties over ways to reduce the core drivers of the ongoing Libyan conflict and support UN-led negotiations.', 'us-embassy-libya', Q, ['libya', 'united-nations'], FRIDAY, ''),
        ('reiterated the need to dismantle all illegal armed groups', 'libyan-interior-ministry', PA, ['libya'], None, "'Meanwhile': no date of its own."),
        ('the armed groups threatening the stability and security of Tripoli and terrifying civilians as well as trying to carry a coup on legitimacy are doing some forms of terrorism', 'libyan-interior-ministry', AL, ['tripoli'], None, ''),
        ("it is committed to the Security Council resolutions that back the Libyan Political Agreement of Skhirat from which the Presidential Council's government was formed and thus is now defending the civilians and state institutions against those who wish to bring back the military rule in Libya", 'libyan-interior-ministry', CO, ['un-security-council', 'government-of-national-accord', 'libya'], None, ''),
    ],
    'libyan-american-agreement-to-stop-militia-activity': [
        ('hosted a meeting of American government experts and representatives of the National Accord government to determine concrete steps to dismantle the militias.', 'us-embassy-libya', Q, ['government-of-national-accord', 'libya'], FRIDAY, 'Statement published Friday night – Saturday.'),
        ('is one of the main issues underlying the conflict in Libya.', 'us-embassy-libya', Q, ['libya'], FRIDAY, 'On the militias.'),
        ('readiness of the National Accord government to address this issue,', 'united-states', Q, ['government-of-national-accord'], FRIDAY, "The embassy's statement, attributed to Washington."),
        ('close contact with all Libyan partners while they implement measures to displace these groups.', 'united-states', Q, ['libya'], FRIDAY, ''),
        ('long-term stability can only be achieved by ending the conflict and returning to political negotiation, and creating a unified government capable of providing security and preventing terrorists from seeking refuge in Libya.', 'united-states', Q, ['libya'], FRIDAY, ''),
        ('the "decisive battle" would begin and progress toward the "heart of Tripoli"', 'khalifa-haftar', CO, ['tripoli', 'government-of-national-accord'], dt.date(2019, 12, 12), "Haftar's announcement of December 12."),
    ],
}
# fmt: on

# The same claim reported in another article of the story: (article, claim index) → first.
# fmt: off
SAME_AS = {
    ('al-hukuma-al-libiya-tajtamie-bi-wafd-amriki', 0): ('libyan-government-meets-us-delegation', 0),
    ('al-hukuma-al-libiya-tajtamie-bi-wafd-amriki', 3): ('libyan-government-meets-us-delegation', 2),
    ('al-hukuma-al-libiya-tajtamie-bi-wafd-amriki', 4): ('libyan-government-meets-us-delegation', 3),
    ('al-hukuma-al-libiya-tajtamie-bi-wafd-amriki', 5): ('libyan-government-meets-us-delegation', 4),
    ('al-hukuma-al-libiya-tajtamie-bi-wafd-amriki', 7): ('libyan-government-meets-us-delegation', 5),
    ('al-hukuma-al-libiya-tajtamie-bi-wafd-amriki', 8): ('libyan-government-meets-us-delegation', 6),
    ('al-hukuma-al-libiya-tajtamie-bi-wafd-amriki', 9): ('libyan-government-meets-us-delegation', 7),
    ('al-hukuma-al-libiya-tajtamie-bi-wafd-amriki', 11): ('libyan-government-meets-us-delegation', 8),
    ('al-hukuma-al-libiya-tajtamie-bi-wafd-amriki', 13): ('libyan-government-meets-us-delegation', 9),
    ('libyan-american-agreement-to-stop-militia-activity', 0): ('us-experts-libyan-officials-hold-security-meetings', 0),
    ('libyan-american-agreement-to-stop-militia-activity', 2): ('us-experts-libyan-officials-hold-security-meetings', 1),
    ('libyan-american-agreement-to-stop-militia-activity', 4): ('us-experts-libyan-officials-hold-security-meetings', 3),
}
# fmt: on

BUILT = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
ARABIC = re.compile(r"[\u0600-\u06ff]")


def pattern(text: str) -> str:
    """`text` as a regex in which a space also matches the no-break spaces of the seeds."""
    return r"\s".join(re.escape(part) for part in text.split(" "))


def find_after(body: str, surface: str, cursor: int) -> tuple[int, int]:
    """Span of `surface` at or after `cursor`, on word edges (Arabic: a proclitic may precede)."""
    left = "" if ARABIC.search(surface) else r"(?<!\w)"
    m = re.compile(left + pattern(surface) + r"(?!\w)").search(body, cursor)
    if not m:
        raise SystemExit(f"not found after {cursor}: {surface!r}\n{body[cursor : cursor + 200]!r}")
    return m.span()


def build() -> None:
    from django.db import transaction

    from archive.ingest.importing import import_manifests
    from archive.models import Alias, Article, Claim, Entity, Mention, Source, Story

    result = import_manifests([ROOT / "seeds"])
    if not result.ok:
        raise SystemExit("\n".join(map(str, result.problems)))
    with transaction.atomic():
        Mention.objects.all().delete()  # suggestions made at import (none: no aliases yet)
        for name, values in SOURCES.items():
            Source.objects.filter(name=name).update(**values)
        for slug, (title, description) in STORIES.items():
            Story.objects.filter(slug=slug).update(title=title, description=description)
        entities = {}
        for slug, (kind, name, description, wikidata, aliases) in ENTITIES.items():
            entity = Entity.objects.create(
                slug=slug, kind=kind, name=name, description=description, wikidata_id=wikidata
            )
            entities[slug] = entity
            assert aliases.get("en") and aliases.get("ar"), slug
            for language, names in aliases.items():
                for alias in names:
                    Alias.objects.create(entity=entity, name=alias, language=language)
        articles = {a.slug: a for a in Article.objects.all()}
        for slug, rows in MENTIONS.items():
            body, cursor = articles[slug].body, 0
            for surface, entity, role in rows:
                start, end = find_after(body, surface, cursor)
                Mention.objects.create(
                    article=articles[slug],
                    entity=entities[entity],
                    start=start,
                    end=end,
                    text=body[start:end],
                    role=role,
                    status="confirmed",
                )
                cursor = end
        claims = {}
        for slug, rows in CLAIMS.items():
            body = articles[slug].body
            for i, (text, speaker, kind, about, date, note) in enumerate(rows):
                found = list(re.finditer(pattern(text), body))
                if len(found) != 1:
                    raise SystemExit(f"{slug}: claim text found {len(found)} times: {text!r}")
                start, end = found[0].span()
                claim = Claim.objects.create(
                    article=articles[slug],
                    start=start,
                    end=end,
                    text=body[start:end],
                    speaker=entities[speaker] if speaker else None,
                    kind=kind,
                    date=date,
                    note=note,
                    status="confirmed",
                )
                claim.about.set([entities[e] for e in about])
                claims[slug, i] = claim
        for key, first in SAME_AS.items():
            Claim.objects.filter(pk=claims[key].pk).update(same_as=claims[first])
        # Fixed times, so that rebuilding the fixtures only shows real changes in a diff.
        for model in (Article, Mention, Claim):
            model.objects.update(created=BUILT, updated=BUILT)


def check() -> None:
    """Print where the matcher and the curation disagree (a review aid)."""
    from archive.models import Article, Mention
    from archive.services.suggestions import build_matcher

    matcher = build_matcher()
    slugs = dict(Mention.objects.values_list("entity_id", "entity__slug").distinct())
    for article in Article.objects.order_by("pk"):
        gold = {
            (m.start, m.end, m.entity_id)
            for m in Mention.objects.filter(article=article, status="confirmed")
        }
        found = {(m.start, m.end, m.entity_id) for m in matcher.find(article.body)}
        for label, rows in (("only curated", gold - found), ("only matcher", found - gold)):
            for s, e, ent in sorted(rows):
                print(
                    f"{article.slug[:30]:30} {label:13} {article.body[s:e]!r} → {slugs.get(ent, ent)}"
                )


FIXTURES = [
    ("01_sources.json", ["archive.source"]),
    ("02_stories.json", ["archive.story"]),
    ("03_articles.json", ["archive.article"]),
    ("04_entities.json", ["archive.entity", "archive.alias"]),
    ("05_annotations.json", ["archive.mention", "archive.claim", "archive.claimsubject"]),
]


def dump() -> None:
    from django.core.management import call_command

    out = ROOT / "fixtures"
    out.mkdir(exist_ok=True)
    for name, models in FIXTURES:
        call_command(
            "dumpdata",
            *models,
            natural_foreign=True,
            natural_primary=True,
            indent=1,
            output=str(out / name),
            verbosity=0,
        )
        print(f"wrote fixtures/{name}")


def main() -> None:
    if os.environ.get("DATABASE_URL"):
        raise SystemExit("Unset DATABASE_URL: this script builds in its own throwaway database.")
    with tempfile.TemporaryDirectory(prefix="fixtures-pg-") as tmp:
        os.environ["EMBEDDED_PGDATA"] = tmp
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        os.environ.setdefault("DJANGO_DEBUG", "1")
        try:
            import django

            django.setup()
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            build()
            if "--check" in sys.argv:
                check()
            dump()
        finally:
            from config import embedded

            embedded.stop(Path(tmp))


if __name__ == "__main__":
    main()
