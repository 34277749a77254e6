"""The name tables the generator draws from, in two scripts: given names, the syllables of
made-up family and place names, and the words of ministries, parties, organizations and
outlets. Data only: :mod:`benchmarks.corpus.entities` puts them together."""

# (Latin spellings, the first canonical; Arabic)
GIVEN_NAMES = [
    (["Muhammad", "Mohamed", "Mohammed"], "محمد"),
    (["Ahmed", "Ahmad"], "أحمد"),
    (["Ali"], "علي"),
    (["Omar", "Umar"], "عمر"),
    (["Khalid", "Khaled"], "خالد"),
    (["Abdullah", "Abdallah"], "عبد الله"),
    (["Mustafa", "Moustafa", "Mostafa"], "مصطفى"),
    (["Ibrahim", "Ebrahim"], "إبراهيم"),
    (["Youssef", "Yusuf", "Yousef"], "يوسف"),
    (["Hassan", "Hasan"], "حسن"),
    (["Hussein", "Husayn", "Hussain"], "حسين"),
    (["Salem", "Salim"], "سالم"),
    (["Faraj", "Farag"], "فرج"),
    (["Abdelrahman", "Abdul Rahman", "Abdurrahman"], "عبد الرحمن"),
    (["Mahmoud", "Mahmud"], "محمود"),
    (["Fathi", "Fathy"], "فتحي"),
    (["Nouri", "Nuri"], "نوري"),
    (["Aguila", "Agila", "Aqila"], "عقيلة"),
    (["Tarek", "Tariq"], "طارق"),
    (["Saleh", "Salih"], "صالح"),
    (["Jamal", "Gamal"], "جمال"),
    (["Osama", "Usama"], "أسامة"),
    (["Walid", "Waleed"], "وليد"),
    (["Imad", "Emad"], "عماد"),
    (["Fatima", "Fatma"], "فاطمة"),
    (["Aisha", "Aicha"], "عائشة"),
    (["Mariam", "Maryam"], "مريم"),
    (["Salwa"], "سلوى"),
    (["Najla", "Najlaa"], "نجلاء"),
    (["Huda", "Hoda"], "هدى"),
    (["Amal"], "أمل"),
    (["Zainab", "Zeinab"], "زينب"),
    (["Khadija", "Khadidja"], "خديجة"),
    (["Ramadan", "Ramadhan"], "رمضان"),
    (["Bashir", "Basheer"], "بشير"),
    (["Suleiman", "Sulaiman", "Slimane"], "سليمان"),
    (["Idris", "Idriss"], "إدريس"),
    (["Milad", "Meelad"], "ميلاد"),
    (["Abdelhakim", "Abdul Hakim"], "عبد الحكيم"),
    (["Khalifa", "Khalifah"], "خليفة"),
]

# Syllables: (Latin spellings, Arabic letters). Short vowels are not written in Arabic.
CONSONANTS = [
    (["b"], "ب"), (["t"], "ت"), (["j", "dj", "g"], "ج"), (["h"], "ح"), (["kh"], "خ"),
    (["d"], "د"), (["r"], "ر"), (["z"], "ز"), (["s"], "س"), (["sh", "ch"], "ش"),
    (["s"], "ص"), (["t"], "ط"), (["gh"], "غ"), (["f"], "ف"), (["q", "g", "k"], "ق"),
    (["k"], "ك"), (["l"], "ل"), (["m"], "م"), (["n"], "ن"), (["w"], "و"), (["y"], "ي"),
    (["dh", "z"], "ذ"),
]  # fmt: skip
VOWELS = [
    (["a"], ""), (["a", "aa"], "ا"), (["i", "e"], ""), (["i", "ee"], "ي"), (["u", "o"], ""),
    (["u", "ou", "oo"], "و"),
]  # fmt: skip
ENDINGS = [(["", ""], ""), (["iya", "iyah"], "ية"), (["a", "ah"], "ة"), (["i"], "ي")]

PLACE_PREFIXES = [
    ("", ""), ("", ""), ("", ""), ("Bir ", "بئر "), ("Wadi ", "وادي "), ("Ain ", "عين "),
    ("Ras ", "رأس "), ("Bani ", "بني "), ("Sidi ", "سيدي "), ("Qasr ", "قصر "),
]  # fmt: skip

MINISTRIES = [
    ("Interior", "الداخلية"), ("Defence", "الدفاع"), ("Health", "الصحة"),
    ("Foreign Affairs", "الخارجية"), ("Finance", "المالية"), ("Oil", "النفط"),
    ("Education", "التعليم"), ("Justice", "العدل"), ("Economy", "الاقتصاد"),
    ("Transport", "المواصلات"), ("Local Government", "الحكم المحلي"), ("Planning", "التخطيط"),
]  # fmt: skip
PARTY_WORDS = [
    ("Unity", "الوحدة"), ("Justice", "العدالة"), ("Renewal", "التجديد"),
    ("Future", "المستقبل"), ("Reform", "الإصلاح"), ("Homeland", "الوطن"),
]  # fmt: skip
# ({X} is a generated name: place or family; Latin then Arabic template)
ORG_TEMPLATES = [
    ("{X} Military Council", "المجلس العسكري {X}", "place"),
    ("{X} Municipal Council", "المجلس البلدي {X}", "place"),
    ("{X} Shura Council", "مجلس شورى {X}", "place"),
    ("{X} Oil Company", "شركة {X} للنفط", "place"),
    ("{X} Port Authority", "مصلحة ميناء {X}", "place"),
    ("University of {X}", "جامعة {X}", "place"),
    ("{X} Brigade", "كتيبة {X}", "family"),
    ("{X} Battalion", "سرية {X}", "family"),
    ("{X} Foundation", "مؤسسة {X}", "family"),
]
OUTLET_NOUNS = [
    ("Herald", "صحيفة"), ("Tribune", "بوابة"), ("Observer", "وكالة"), ("Gazette", "قناة"),
    ("Times", "أخبار"), ("Post", "صوت"), ("Monitor", "منبر"), ("Dispatch", "موقع"),
]  # fmt: skip
