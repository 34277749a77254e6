# Written once to make articles.json; kept for the record of what was trimmed (see README).
import json

A = []
def art(key, url, outlet, language, published, title, body):
    A.append({"key": key, "url": url, "outlet": outlet, "language": language,
              "published": published, "title": title, "body": body.strip()})

art("newarab-0323", "https://www.newarab.com/news/france-reopen-embassy-libya-monday-macron", "The New Arab", "en", "2021-03-23",
"France to reopen embassy in Libya Monday: Macron", """
France will next week reopen its embassy in the Libyan capital Tripoli, President Emmanuel Macron said on Tuesday, in a sign of a gradual return of stability to the country after years of conflict.
"From Monday our embassy in Tripoli will reopen and our ambassador can return to your territory," he told the visiting chairman of Libya's Presidential Council, Mohammad Menfi in Paris.
The embassy had been officially closed since July 2014.
Libya's new transitional executive emerged from a UN peace process that was launched in November in Tunis, then voted on in Geneva and confirmed by Libya's parliament on March 10.
Oil-rich Libya has been torn by civil war since a NATO-backed uprising led to the toppling and killing of dictator Muammar Gaddafi in 2011.
"I want here to show you all my support and that of France for the new Libyan unified authorities that emerged from the transition process," said Macron.
"We have a debt towards Libya and the Libyans for a decade of disorder," said Macron, adding that regional stability would be impossible without peace in Libya.
France and Macron have been bitterly critical of Turkey's military intervention in Libya, while rejecting claims that Paris had secretly favoured Libya's eastern strongman Khalifa Haftar in the conflict.
Macron insisted that a priority was the withdrawal of Turkish troops and pro-Ankara Syrian militias, as well as Russian mercenaries who are reportedly on the ground.
"We must do everything so that foreign forces who are on the ground in Libya leave as soon as possible," said Macron.
"Turkish and Russian fighters, those foreign fighters sent in by them or others, must leave Libya as soon as possible as only the Libyan armed forces are legitimate," he said.
""")
art("africanews-0323", "https://africanews.com/2021/03/28/france-welcomes-libya-s-pacification-and-reopens-its-embassy-monday", "Africanews", "en", "2021-03-23",
"France welcomes Libya's pacification and reopens its embassy Monday", """
France will next week reopen its embassy in the Libyan capital Tripoli, President Emmanuel Macron said on Tuesday, in a sign of a gradual return of stability to the country after years of conflict.
"From Monday our embassy in Tripoli will reopen and our ambassador can return to your territory," he told the visiting chairman of Libya's Presidential Council, Mohammad Menfi and his vice-president Moussa Al-Koni in Paris.
The French embassy in Libya's capital city was the target of a car bomb explosion in April 2013 and had been officially closed since July 2014.
Libya's new transitional executive emerged from a United Nations peace process that was launched in November in Tunis, then voted on in Geneva and confirmed by Libya's parliament on March 10.
Oil-rich Libya has been torn by civil war since a NATO-backed uprising led to the assassination of the revolutionary leader Muammar Muhammad Abu Minyar al-Gaddafi in 2011.
"I want here to show you all my support and that of France for the new Libyan unified authorities that emerged from the transition process," said Macron.
"We have a debt towards Libya and the Libyans for a decade of disorder," said Macron, adding that regional stability would be impossible without peace in Libya.
France and Macron have been bitterly critical of Turkey's military intervention in Libya while rejecting claims that Paris had secretly meddled in the country's politics.
""")
art("africaotr-0323", "https://africaotr.com/france-reopens-its-embassy-as-it-welcomes-libyas-pacification/", "Africa OTR", "en", "2021-03-23",
"France reopens its embassy as it welcomes Libya's pacification", """
France, President Emmanuel Macron said on Tuesday in a sign of the progressive restoration of the state's unity after years of war, will reopen its embassy in the Libyan capital, Tripoli, next week. The visiting President of the President's Council of Libya, Mohammad Menfi, said to his vice president Mosa Al-Koni in Paris that;
"Our embassy in Tripoli will be reopened from Monday and our ambassador will return to your territory."
A car bomb blast in April 2013 and official closures since July 2014 was launched at the Embassy in Libya's capital city.
A United Nations peace process, initiated in Tunis in November, then voted on in Geneva and approved by the Parliament of Libya on 10 March, was Libya's new transitional executive.
Since NATO-supplemented rebellion leading revolutionary Muammar Muhammad Abu Mineyar Gaddafi was assassinated in 2011, the oil-rich Libyan nation has been torn by civil war.
"I want you and France here to express my full respect for the new united Libyan authorities that emerged from the transition," Macron said.
Macron said that regional unity will be unlikely without peace in Libya: 'There's a decade of turmoil between the Libyans.
France and Macron denounced Turkish military actions in Libya bitterly, denying reports of the covert presence of Paris in foreign affairs.
""")
art("nationalpost-0323", "https://nationalpost.com/pmn/news-pmn/macron-says-france-to-reopen-embassy-in-tripoli-on-monday", "National Post (Reuters)", "en", "2021-03-23",
"Macron says France to reopen embassy in Tripoli on Monday", """
PARIS — French President Emmanuel Macron said on Tuesday that Paris would reopen its embassy in the Libyan capital Tripoli next Monday to show its support for the new authorities.
Speaking alongside Mohammed al-Menfi, the head of the Libyan presidency council, Macron said France and its European partners would back Libya's political efforts and called for Turkish and Russian forces to leave the country as soon as possible. (Reporting by John Irish; Editing by Kevin Liffey)
""")
art("ctimes-0323", "https://www.ctimesmag.com/post/macron-says-france-will-reopen-its-embassy-in-tripoli-on-monday", "Ctimes", "en", "2021-03-23",
"Macron says France will reopen its embassy in Tripoli on Monday", """
French President Emmanuel Macron said, Tuesday, that Paris will reopen its embassy in the Libyan capital, Tripoli, next Monday, to show its support for the new authorities.
Speaking alongside Mohammed al-Menfi, the head of the Libyan presidential council, Macron said France and its European partners would support Libya's political efforts and called for Turkish and Russian forces to leave the country as soon as possible.
""")
art("alarabiya-0323", "https://english.alarabiya.net/News/middle-east/2021/03/23/France-to-reopen-its-embassy-in-Libya-next-week-Macron", "Al Arabiya English", "en", "2021-03-23",
"France to reopen its embassy in Libya next week: Macron", """
France will reopen its embassy in the Libyan capital of Tripoli next week, French President Emmanuel Macron announced Tuesday.
"As of Monday, our embassy in Tripoli will reopen and our ambassador can return to your territory," Macron said after meeting the head of Libya's presidency council, Mohammed al-Menfi.
Macron said that there would be no peace in the Sahel region or the Mediterranean without stability in Libya.
He also called on Turkey and Russia to withdraw their forces from Libya "as soon as possible."
""")
art("meaffairs-0323", "https://middleeastaffairs.net/2021/03/23/france-to-reopen-its-embassy-in-libya-next-week-macron/", "Middle East Affairs", "en", "2021-03-23",
"France to reopen its embassy in Libya next week: Macron", """
France will reopen its embassy in the Libyan capital of Tripoli next week, French President Emmanuel Macron announced Tuesday.
"As of Monday, our embassy in Tripoli will reopen and our ambassador can return to your territory," Macron said after meeting the head of Libya's presidency council, Mohammed al-Menfi.
Macron said that there would be no peace in the Sahel region or the Mediterranean without stability in Libya.
He also called on Turkey and Russia to withdraw their forces from Libya "as soon as possible."
Al Arabiya
""")
art("alalam-0323", "https://alalam.ma/notes/فرنسا-تعيد-فتح-سفارته-في-هذا-البلد_b54983492.html", "Al Alam", "ar", "2021-03-23",
"فرنسا تعيد فتح سفارتها في هذا البلد", """
أعلن الرئيس الفرنسي إيمانويل ماكرون أن "بلاده ستُعيد فتح سفارتها في العاصمة الليبية طرابلس الإثنين، في مؤشر على عودة تدريجية للاستقرار إلى هذا البلد بعد نزاع استمرّ سنوات".
وقال ماكرون لرئيس المجلس الرئاسي الليبي محمد المنفي في باريس، "اعتباراً من الاثنين، سيعاد فتح سفارتنا في طرابلس ويمكن لسفيرتنا أن تعود إلى أراضيكم".
وأغلقت البعثة الدبلوماسية الفرنسية عام 2014 رغم أنها بقيت ناشطة.
""")
art("majaliss-0323", "https://majaliss.net/%D9%81%D8%B1%D9%86%D8%B3%D8%A7-%D8%AA%D9%8F%D8%B9%D9%8A%D8%AF-%D9%81%D8%AA%D8%AD-%D8%B3%D9%81%D8%A7%D8%B1%D8%AA%D9%87%D8%A7-%D9%81%D9%8A-%D9%84%D9%8A%D8%A8%D9%8A%D8%A7-%D8%A7%D9%84%D8%A7%D8%AB%D9%86/", "Majaliss", "ar", "2021-03-23",
"فرنسا تُعيد فتح سفارتها في ليبيا الاثنين", """
أعلن الرئيس الفرنسي إيمانويل ماكرون أن بلاده ستعيد فتح سفارتها في العاصمة الليبية طرابلس الإثنين، بعد استقباله رئيس المجلس الرئاسي الليبي محمد المنفي.
وقال ماكرون "اعتبارا من الاثنين، سيعاد فتح سفارتنا في طرابلس".
وأغلقت البعثة الدبلوماسية الفرنسية عام 2014 رغم أنها بقيت ناشطة.
""")
art("francetvinfo-0323", "https://www.francetvinfo.fr/monde/afrique/libye/libye-la-france-rouvrira-lundi-son-ambassade-a-tripoli-annonce-emmanuel-macron_4344565.html", "franceinfo", "fr", "2021-03-23",
"Libye : la France rouvrira lundi son ambassade à Tripoli, annonce Emmanuel Macron", """
La France rouvrira son ambassade à Tripoli (Libye) lundi 29 mars, a déclaré Emmanuel Macron mardi 23 mars. Plus tôt dans la journée, le chef de l'Etat avait reçu le chef du conseil présidentiel libyen Mohammed El-Menfi, signe de la normalisation et de la pacification du pays saluée par Paris. La représentation diplomatique française en Libye avait été fermée en 2014, tout en restant active. L'ambassadrice Béatrice Le Fraper du Hellen, qui assure la mission depuis Tunis, reviendra également dans la capitale libyenne, a précisé Emmanuel Macron.
"Nous avons une dette à l'égard de la Libye"
"Ce n'est pas simplement un soutien de mots ou de façade, c'est un soutien complet qui sera celui de la France", a promis le président français. Il a ajouté que "nous avons une dette à l'égard de la Libye et des Libyens, très claire, qui est une décennie de désordre" consécutive à la chute de Mouammar Kadhafi en 2011. Le dirigeant libyen avait été renversé par son peuple après une intervention militaire occidentale, ouvrant une période de chaos et de guerre dans le pays.
"Je remercie la France pour la réouverture de l'ambassade et son soutien pour le retour à la stabilité", a déclaré Mohammed El-Menfi, qui était accompagné de son vice-président Moussa Al-Koni. Après des années de guerre, le pays a entamé une nouvelle phase de transition avec la désignation d'un gouvernement intérimaire. Ce dernier a obtenu la confiance du Parlement, début mars, et a pour mission d'organiser des élections nationales en décembre. A la faveur de l'embellie politique, certains pays ont annoncé qu'ils allaient prochainement rouvrir leur ambassade à Tripoli, comme Malte et l'Egypte.
""")
art("tchad24-0323", "https://tchad24.tv/emmanuel-macron-annonce-la-reouverture-de-lambassade-de-france-en-libye", "Tchad24", "fr", "2021-03-24",
"Emmanuel Macron annonce la réouverture de l'ambassade de France en Libye", """
L'ambassade de France, fermée depuis 2014, devrait rouvrir ses portes lundi à Tripoli en Libye. Un évènement qui symbolise l'embellie politique, dans ce pays où un gouvernement unifié vient de prendre ses fonctions.
La France rouvrira son ambassade en Libye le 29 mars, a déclaré mardi 23 mars Emmanuel Macron après avoir reçu le président du conseil présidentiel libyen, Mohammed el-Menfi. La normalisation et pacification de la Libye a été saluée par la France, qui promet un « soutien complet » aux nouvelles autorités.
« Dès lundi, notre ambassade à Tripoli sera rouverte », a précisé le président français, alors que la représentation diplomatique avait été fermée en 2014, tout en restant active. L'ambassadrice Béatrice Le Fraper du Hellen, qui assure la mission depuis Tunis, reviendra également dans la capitale libyenne, a-t-il ajouté.
« Ce n'est pas simplement un soutien de mots ou de façade, c'est un soutien complet qui sera celui de la France », a promis le chef d'État, ajoutant que « nous avons une dette à l'égard de la Libye et des Libyens, très claire, qui est une décennie de désordre » consécutive à la chute de Mouammar Kadhafi en 2011, renversé par son peuple après une intervention militaire occidentale, ouvrant une période de chaos et de guerre dans le pays.
""")
art("actucameroun-0324", "https://actucameroun.com/2021/03/24/libye-la-france-rouvrira-lundi-son-ambassade-a-tripoli/", "Actu Cameroun", "fr", "2021-03-24",
"Libye : la France rouvrira lundi son ambassade à Tripoli", """
La France va ouvrir lundi prochain son ambassade à Tripoli en Libye, a annoncé mardi le président Emmanuel Macron recevant le président du conseil présidentiel libyen Mohammed el-Menfi.
«Dès lundi, notre ambassade à Tripoli sera rouverte», a déclaré le président, alors que la représentation diplomatique avait été fermée en 2014, tout en restant active. L'ambassadrice Béatrice Le Fraper du Hellen, qui assure la mission depuis Tunis, reviendra également dans la capitale libyenne, a-t-il ajouté.
Ce retour de la représentation diplomatique française à Tripoli est non seulement le signe de normalisation des relations entre la France et la Libye mais aussi de la rétablissement de la sécurité dans ce en proie à la guerre civile depuis 2014.
L'ambassade était fermée depuis le 30 juillet 2014 face à la dégradation de la situation sécuritaire. Le président français a par ailleurs déclaré que la France mettrait le dossier libyen sur la table lors du sommet européen jeudi.
«C'est un agenda immense, politique, démocratique, militaire et sécuritaire, économique (…) Notre responsabilité c'est d'avoir une unité européenne pour y parvenir. Je ferai absolument tout pour qu'avec nos amis italiens, allemands, l'ensemble des membres de l'UE (…) nous agissions en Européens tous ensemble au service de cet agenda», a promis Emmanuel Macron.
""")
art("zonebourse-0323", "https://www.zonebourse.com/cours/action/AL-GROUP-LIMITED-64309853/actualite/La-France-rouvrira-lundi-son-ambassade-en-Libye-Macron-32766733/", "Zonebourse (Reuters)", "fr", "2021-03-23",
"La France rouvrira lundi son ambassade en Libye, dit Macron", """
PARIS, 23 mars (Reuters) - Emmanuel Macron a annoncé mardi que la France rouvrirait lundi prochain son ambassade dans la capitale libyenne Tripoli, une démarche destinée à soutenir les nouvelles autorités après l'entrée en fonction d'un gouvernement d'union nationale ce mois-ci.
Alors que la Libye était divisée en deux, avec deux administrations distinctes dirigeant l'est et l'ouest du pays, l'accord scellé le mois dernier à Genève sur la formation d'un gouvernement national intérimaire ouvre la voie à une transition démocratique du pouvoir après une décennie de chaos.
"Nous ferons tout ce qui est en notre pouvoir pour défendre cette souveraineté et un agenda au service de la Libye", a déclaré Emmanuel Macron en présence de Mohamed al Menfi, le président du Conseil libyen de la présidence, qui effectuait sa première visite à l'étranger depuis sa prise de fonction.
"Notre ambassade à Tripoli rouvrira lundi et notre ambassadeur sera de retour sur votre territoire", a ajouté le président français.
Paris avait fermé son ambassade à Tripoli en juillet 2014 et évacué une cinquantaine de ressortissants français et britanniques à la suite de combats dans la capitale libyenne. Depuis, pour des raisons de sécurité, l'ambassadeur français remplissait ses fonctions depuis Tunis.
""")
art("alarabiya-0329", "https://english.alarabiya.net/News/north-africa/2021/03/29/France-reopens-Libya-embassy-closed-for-seven-years-following-insecurity", "Al Arabiya English (AFP)", "en", "2021-03-29",
"France reopens Libya embassy closed for seven years following insecurity", """
France on Monday reopened its embassy in Libya after a seven-year closure as insecurity swept the country following its 2011 revolution, in another sign of a gradual return of stability.
Its representative resumed operations behind a tall compound wall in a new building on the outskirts of Tripoli.
French President Emmanuel Macron announced the reopening last week after talks in Paris with the head of Libya's newly installed presidential council, Mohamed al-Manfi.
Libya descended into chaos after dictator Muammar Gaddafi was toppled and killed in a NATO-backed uprising a decade ago, leaving multiple forces vying for power.
Most diplomats and other foreigners left the North African country after repeated attacks and kidnappings, notably an Islamist assault on the US consulate in the eastern city of Benghazi in September 2012 that killed ambassador Chris Stevens and three other Americans.
The French embassy was targeted in an April 2013 car bombing that wounded two gendarmes, after which it was moved to a hotel before relocating in July 2014 to Tunis, like most other foreign missions.
""")
art("allbalcad-0329", "http://allbalcad.net/2021/03/29/france-reopens-libya-embassy-after-7-year-closure/", "Allbalcad", "en", "2021-03-29",
"France reopens Libya embassy after 7-year closure", """
France has reopened its embassy in Libya after a seven-year closure as insecurity swept the country following its 2011 revolution in another sign of a gradual return of stability.
Its representative resumed operations on Monday behind a tall compound wall in a new building on the outskirts of Tripoli.
French President Emmanuel Macron announced the reopening last week after talks in Paris with the head of Libya's newly installed presidential council, Mohamed al-Manfi. Libya descended into chaos after dictator Muammar Gaddafi was toppled and killed in a NATO-backed uprising about 10 years ago, leaving multiple forces vying for power.
Most diplomats and other foreigners left the North African country after repeated attacks and kidnappings, notably an assault on the US consulate in the eastern city of Benghazi in September 2012 that killed American ambassador Chris Stevens and three other Americans.
The French embassy was targeted in an April 2013 car bombing that wounded two gendarmes, after which it was moved to a hotel before relocating in July 2014 to Tunis, like most other foreign missions.
Fighting only came to a halt last year, and a formal ceasefire in October was followed by the establishment of a new Government of National Unity (GNU).
Italy already returned its embassy to Tripoli in 2017, while several other countries, such as Egypt, Greece and Malta, are to follow France's lead.
""")
art("lywitness-0330", "https://lywitness.com/21892/", "Libya Witness", "ar", "2021-03-30",
"السفارة الفرنسية تعيد فتح أبوابها في طرابلس", """
أعادت فرنسا أمس الإثنين، فتح سفارتها في العاصمة الليبية طرابلس بعد إغلاقها عام 2014 لدواع أمنية.
استأنفت السفارة نشاطها منتصف النهار في مبنى جديد محاط بجدار خرساني في ضواحي العاصمة.
وكان الرئيس الفرنسي إيمانويل ماكرون، أعلن الثلاثاء الماضي، إعادة فتح السفارة خلال استقباله رئيس المجلس الرئاسي الليبي، محمد المنفي، بالعاصمة الفرنسية باريس.
وكانت سفارة فرنسا في طرابلس تعرضت لهجوم في أبريل 2013 بعد استهدافها بواسطة سيارة مفخخة أسفر عن إصابة عنصرين من الحماية الفرنسية.
عقب ذلك، انتقلت السفارة إلى فندق في العاصمة قبل أن تغادر البلد في يوليو 2014 لتستقر في تونس المجاورة على غرار أغلب السفارات الأجنبية.
""")
art("magicfm-0324", "https://www.magicfm.ng/france-reopens-embassy-in-libya-after-seven-years/", "Magic FM", "en", "2021-03-24",
"France reopens embassy in Libya after seven years", """
President Emmanuel Macron says France will reopen its embassy in the Libyan capital Tripoli next Monday to show its support for the North African country's new unity government.
Libya's unity government led by Prime Minister Abdul Hamid Dbeibah took office on March 16 from two rival administrations that ruled its eastern and western regions, completing a smooth transition of power after 10 years of violence and chaos.
Paris closed its embassy after evacuating some 50 French and British nationals as fighting broke out in Tripoli in July 2014. It based its ambassador in neighbouring Tunis, the capital of Tunisia.
Menfi was making his first overseas visit since taking his post, which was created following a UN-brokered process.
Prime Minister Dbeibah and an interim three-member presidency council were selected at UN-sponsored talks in February.
""")
art("axadle-0329", "https://axadletimes.com/ax-eye-on-africa/ax-north-africa/france-will-reopen-its-embassy-in-libya-after-seven-years.html", "Axadle Times", "en", "2021-03-29",
"France will reopen its embassy in Libya after seven years", """
France resumed its embassy in the Libyan capital Tripoli on Monday after a seven-year closure.
"The embassy reopened in Tripoli on March 29, 2021," said a tweet from the diplomatic mission.
Last week, Mohammad Menfi, head of the Libyan Presidency, announced during a press conference during his visit to Paris that the French embassy in Tripoli would be resumed.
In July 2014, amid unrest following the 2011 ouster of strongman Moammar Gadhafi, the embassy closed its doors in Tripoli, but continued its work from Paris.
Since then, France has supported Libyan warlord Khalifa Haftar's militia with weapons and ammunition.
In July 2016, the French Ministry of Defense announced the deaths of three of its soldiers in the northeastern city of Benghazi, which is under Haftar's control.
On February 5, Libyan delegates elected Menfi as head of a three-member presidential council and Abdul Hamid Dbeibeh, the new prime minister.
Elections in the North African country are scheduled for December.
""")
art("borneo-2019-01", "https://borneobulletin.com.bn/2019/01/two-days-of-clashes-near-libya-capital-leave-10-dead/", "Borneo Bulletin (AFP)", "en", "2019-01-17",
"Two days of clashes near Libya capital leave 10 dead", """
TRIPOLI (AFP) – Two days of clashes between rival militias near Libya's capital Tripoli have left 10 people dead and 41 wounded, the Health Ministry said on Thursday.
Fighting between armed groups erupted on Wednesday despite a truce deal four months ago that had halted deadly battles in the city.
A medical source told AFP that fierce clashes hit an area some 50 kilometres south of Tripoli on Thursday, after fighting around an airport 25 kilometres from the capital the previous day.
The violence has pitted the Tripoli Protection Force, an alliance of militias from the city, against the Seventh Brigade group from the town of Tarhuna.
The Health Ministry said that there were women and children among the wounded.
Tripoli was plagued by militia clashes that killed at least 117 people and wounded more than 400 between late August and late September.
""")
art("reuters-2019-01", "https://www.reuters.com/article/us-libya-security/death-toll-in-militia-clashes-in-libyas-capital-rises-to-10-idUSKCN1PB2TV", "Reuters", "en", "2019-01-17",
"Death toll in militia clashes in Libya's capital rises to 10", """
TRIPOLI (Reuters) - The death toll from clashes between rival militias in the Libyan capital Tripoli has risen to 10 killed and 41 wounded, the health ministry said on Thursday.
Fighting broke out this week between rival armed groups in the south of the capital, breaching a shaky ceasefire brokered by the United Nations in September which had ended four weeks of violence.
The ministry said women and children were also among the casualties.
Two residents told Reuters by phone that heavy gunfire had not ceased for 72 hours in Tripoli's southern suburb of Qaser Bin Ghashir, location of city's international airport which was destroyed in a previous bout of clashes in 2014.
The most recent fighting broke out between a coalition of Tripoli militias, known as the Tripoli Protection Force (TPF), and the 7th Brigade, or Kaniyat, from Tarhouna, a town 65 km (45 miles) southeast of Tripoli.
The Force said in a statement that it controlled Qaser Bin Qashir, posting on the internet pictures of masked fighters and armored vehicles in the streets of the area.
Reuters was not able to verify this independently.
Libya's streets have been controlled by armed groups since the fall of dictator Muammar Gaddafi in a 2011 rebellion backed by NATO air strikes. The country now has competing governments operating in the east and west.
""")
art("startribune-2018-09", "http://www.startribune.com/libya-s-latest-militia-on-militia-fighting-leaves-10-dead/494030821/", "Star Tribune (AP)", "en", "2018-09-22",
"Libya's latest militia-on-militia fighting leaves 10 dead", """
BENGHAZI, Libya — Libyan authorities say the latest bout of fighting between rival militias in the capital Tripoli has left 10 people dead.
In a statement Saturday, the medical authorities said 59 people were also wounded when fighting erupted the previous day, taking the death toll to 106 since armed conflict first began there late last month. Friday's fighting further strained a cease-fire that has been in force since Sept. 4.
They said a total of 18 people remain missing.
Libya slid into chaos after the 2011 uprising that overthrew longtime dictator Moammar Gadhafi and led to his death. It's governed by rival authorities, based in Tripoli and the country's east, each backed by an array of militias.
""")
art("ministryinfo-2020-02", "https://ministryinfo.gov.lb/en/43113", "Lebanese Ministry of Information", "en", "2020-02-24",
"UNSMIL: draft permanent ceasefire agreement to be presented to Sarraj and Haftar", """
Today, the United Nations Support Mission in Libya (UNSMIL) revealed that the two parties to the Joint 5+5 Military Committee will present a draft permanent ceasefire agreement to Fayez Al-Sarraj, head of the internationally recognized Government of National Accord, and retired Field Marshal Khalifa Haftar, noting that a new meeting will be held between the next month at the headquarters of the international organization in Geneva.
In a statement, the UNSMIL indicated that "the two parties agreed that a draft agreement will be presented for further consultation before the resumption of talks and the accomplishment of the terms of reference and tasks of the sub-committees necessary to implement the desired agreement", renewing its call for both parties to fully comply with the current truce and stressing the need to protect civilians and their property and vital facilities.
The UN mission noted that the second round of negotiations between the two sides ended yesterday, Sunday, in light of the United Nations efforts to reach a sustainable ceasefire agreement and restore security and stability to the Libyan civilian areas, noting that the work of this committee represents one of the three files that the mission is working on, aside from the economic and political tracks, based on UN Security Council Resolution No. 2510 for the current year, which called on the two sides to reach a permanent ceasefire agreement.
""")
art("afrigate-2020-02", "https://afrigatenews.net/article/البعثة-الأممية-تكشف-كواليس-الجولة-الثانية-من-المحادثات-العسكرية-5-5", "Afrigate News", "ar", "2020-02-24",
"البعثة الأممية تكشف كواليس الجولة الثانية من المحادثات العسكرية 5+5", """
أعلنت البعثة الأممية للدعم في ليبيا، انتهاء الجولة الثانية من محادثات اللجنة العسكرية المشتركة 5+5 للوصول إلى اتفاق وقف مستدام لإطلاق النار وإعادة الأمن والاستقرار إلى المناطق المدنية، والتي عقدت في قصر الأمم في جنيف بحضور ومشاركة ممثل الامين العام للأمم المتحدة / رئيس بعثة الامم المتحدة للدعم في ليبيا غسان سلامة.
وأوضحت البعثة، في بيان أصدرته اليوم الاثنين، أن عمل هذه اللجنة يشكل أحد المسارات الثلاث التي تعمل عليها البعثة الى جانب المسارين الاقتصادي والسياسي، واستناداً الى قرار مجلس الامن 2510 )2020 (والذي دعا الطرفان الى التوصل الى اتفاق لوقف دائم لإطلاق النار، معربة عن شكرها للطرفين على الجدية والرغبة الصادقة والروح المهنية العالية التي تميزت بها المباحثات.
وأشار البيان إلى أن البعثة عملت خلال هذه الجولة مع الطرفين على اعداد مسودة اتفاق لوقف دائم لإطلاق النار وتسهيل العودة الآمنة للمدنيين الى مناطقهم مع وجود آلية مراقبة مشتركة تقودها وتشرف عليها كل من بعثة الامم المتحدة للدعم في ليبيا واللجنة العسكرية المشتركة 5+5، مبينا أنه تم الاتفاق على أن يتم عرض مسودة الاتفاق على قيادتيهما لمزيد من التشاور، وعلى أن يلتقي الطرفان مجدداً في الشهر القادم في جنيف لاستئناف المباحثات.
""")
json.dump(A, open("articles.json", "w"), ensure_ascii=False, indent=1)
print(len(A))
