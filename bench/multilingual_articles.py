"""News paragraphs for the per-language known-item bench (``bench/multilingual.py``),
written for it, on top of tests/fixtures/multilingual.py's articles.

``ARTICLES``: (id, title, body); the id starts with the language's code. ``NOUNS``: for
every article of the bench (fixture articles included), the nouns of its title, each
written as a reader would type it in another form than the title's where the language
inflects (case, number, a clitic or particle), as a dictionary form where it does not.
The rule (every title noun, no choosing) keeps the set from being picked to pass.

``UNSEEN``: languages the fixtures do not use (it, pt, nl, pl, el, he, vi, th), tried as a
new user would: reported apart, with their own misses.
"""

from __future__ import annotations

ARTICLES = [
    # Chinese
    ("zh3", "广州地铁新线路开通运营",
     "广州地铁十八号线周日正式开通运营，全长六十一公里。乘客从市中心到南沙区只需三十五分钟。地铁公司表示，开通首日客流量超过二十万人次。"),
    ("zh4", "暴雨导致河南多地交通中断",
     "河南省连日暴雨导致多条高速公路和铁路交通中断。气象部门发布红色预警，提醒居民减少外出。救援队伍已转移受灾群众三万余人。"),
    ("zh5", "新能源汽车销量持续增长",
     "中国汽车工业协会公布的数据显示，上月新能源汽车销量同比增长百分之三十五。分析人士认为，充电设施的完善和价格下降推动了消费。"
     "部分城市仍存在充电桩不足的问题。"),
    # Japanese
    ("ja3", "北海道で記録的な大雪",
     "北海道では週末から記録的な大雪が続き、札幌市内の積雪は一メートルを超えた。空港では三百便以上が欠航し、多くの旅行者が足止めされた。"
     "気象庁は引き続き警戒を呼びかけている。"),
    ("ja4", "政府が少子化対策の新たな予算案を決定",
     "政府は少子化対策を強化するため、三兆円規模の新たな予算案を閣議決定した。児童手当の拡充や保育所の整備が柱となる。"
     "野党は財源が不明確だと批判している。"),
    ("ja5", "京都の観光客が過去最多に",
     "京都市を訪れた外国人観光客は昨年、過去最多の八百万人に達した。人気の寺院ではバスの混雑が深刻になっている。"
     "市は観光客向けの急行バスを新たに運行する方針だ。"),
    # Korean
    ("ko3", "정부, 청년 주거 지원 확대",
     "정부는 청년층의 주거 부담을 덜기 위해 월세 지원 대상을 두 배로 늘리기로 했다. 지원금은 매달 최대 이십만 원이다. "
     "전문가들은 공급 확대 없이는 집값 안정이 어렵다고 지적했다."),
    ("ko4", "삼성전자, 반도체 공장 증설 계획 발표",
     "삼성전자는 평택에 새로운 반도체 공장을 짓겠다고 발표했다. 투자 규모는 약 삼십조 원에 이른다. "
     "회사 측은 인공지능용 메모리 수요가 빠르게 늘고 있다고 설명했다."),
    ("ko5", "제주도 관광객 감소에 상인들 울상",
     "올여름 제주도를 찾은 관광객이 작년보다 십오 퍼센트 줄었다. 비싼 숙박비와 항공료가 원인으로 꼽힌다. "
     "시장 상인들은 매출이 크게 떨어졌다고 호소했다."),
    # Arabic
    ("ar3", "افتتاح مستشفى جديد في مدينة الإسكندرية",
     "افتتح وزير الصحة مستشفى جديدا في مدينة الإسكندرية يضم خمسمائة سرير. وقال الوزير إن المستشفى سيخدم أكثر من مليون مواطن في "
     "المحافظة. ويعاني سكان المدينة منذ سنوات من نقص الأطباء في المستشفيات الحكومية."),
    ("ar4", "انخفاض منسوب المياه في نهر النيل",
     "حذر خبراء من انخفاض منسوب المياه في نهر النيل بعد موسم جاف طويل. ويخشى المزارعون من تأثير الجفاف على محصول القمح هذا العام. "
     "ودعت الوزارة إلى ترشيد استهلاك المياه في المنازل والحقول."),
    ("ar5", "المنتخب الوطني يتأهل إلى كأس العالم",
     "تأهل المنتخب الوطني لكرة القدم إلى نهائيات كأس العالم بعد فوزه في المباراة الأخيرة بهدفين مقابل هدف. واحتفل آلاف المشجعين في "
     "الشوارع حتى الصباح. وأشاد المدرب بروح اللاعبين وإصرارهم."),
    # Persian
    ("fa3", "زلزله در استان کرمان خسارت زد",
     "زلزله\u200cای به بزرگی پنج و نیم ریشتر صبح امروز استان کرمان را لرزاند. به گفته مسئولان هلال احمر، ده روستا آسیب دیده\u200cاند. "
     "تیم\u200cهای امداد برای کمک به مردم به منطقه اعزام شدند."),
    ("fa4", "کاهش ارزش ریال در بازار ارز",
     "ارزش ریال در بازار آزاد ارز امروز به پایین\u200cترین سطح خود رسید. فعالان بازار دلیل این کاهش را نگرانی از تحریم\u200cهای تازه "
     "می\u200cدانند. بانک مرکزی وعده داد که برای آرام کردن بازار اقدام کند."),
    ("fa5", "آلودگی هوا مدارس اصفهان را تعطیل کرد",
     "به دلیل آلودگی شدید هوا، همه مدارس اصفهان فردا تعطیل خواهند بود. شاخص کیفیت هوا در بیشتر مناطق شهر به وضعیت خطرناک رسیده است. "
     "پزشکان به سالمندان توصیه کردند از خانه خارج نشوند."),
    # Russian
    ("ru3", "В Сибири горят леса",
     "Лесные пожары в Сибири охватили более ста тысяч гектаров. Спасатели и добровольцы работают круглосуточно, но сильный ветер "
     "мешает тушению. Жители соседних сёл жалуются на густой дым."),
    ("ru4", "Центробанк сохранил ключевую ставку",
     "Центральный банк сохранил ключевую ставку на уровне шестнадцати процентов. Регулятор объяснил решение высокой инфляцией и "
     "ростом цен на продукты. Аналитики ожидают снижения ставки не раньше весны."),
    ("ru5", "Школы Петербурга переходят на новое расписание",
     "С первого сентября школы Петербурга начнут уроки на час позже. Родители и учителя разошлись во мнениях о нововведении. "
     "Городской комитет по образованию обещает подвести итоги эксперимента через год."),
    # Ukrainian
    ("uk3", "Львівські лікарі провели складну операцію",
     "Лікарі львівської лікарні вперше в Україні пересадили пацієнтові штучне серце. Операція тривала дев'ять годин. "
     "За словами хірургів, стан чоловіка стабільний, і він уже може самостійно дихати."),
    ("uk4", "В Одесі відновили роботу порту",
     "Одеський порт відновив роботу після двотижневої перерви. Перші судна із зерном вийшли в море у вівторок. "
     "Міністерство інфраструктури розраховує на експорт трьох мільйонів тонн збіжжя щомісяця."),
    ("uk5", "Студенти протестують проти підвищення плати за навчання",
     "Сотні студентів вийшли на протест біля будівлі міністерства освіти. Вони вимагають скасувати підвищення плати за навчання "
     "та гуртожитки. Міністр пообіцяв зустрітися з представниками студентських рад."),
    # German
    ("de3", "Hochwasser bedroht Dörfer an der Elbe",
     "Nach tagelangem Regen steigt der Pegel der Elbe weiter. In mehreren Dörfern bauen Feuerwehrleute und Freiwillige Deiche aus "
     "Sandsäcken. Der Landrat rief die Bewohner auf, Keller und Erdgeschosse zu räumen."),
    ("de4", "Mieten in Großstädten steigen weiter",
     "Die Mieten in deutschen Großstädten sind im vergangenen Jahr um durchschnittlich sechs Prozent gestiegen. Besonders teuer "
     "ist Wohnen in München und Frankfurt. Mieterverbände fordern eine strengere Mietpreisbremse."),
    ("de5", "Autobauer streicht tausende Stellen",
     "Ein großer Autobauer will in den nächsten drei Jahren mehrere tausend Stellen in seinen Werken abbauen. Als Grund nennt das "
     "Unternehmen die schwache Nachfrage nach Elektroautos. Die Betriebsräte kündigten Widerstand an."),
    # French
    ("fr3", "Les agriculteurs bloquent les autoroutes",
     "Des centaines d'agriculteurs ont bloqué plusieurs autoroutes autour de Paris avec leurs tracteurs. Ils dénoncent la baisse "
     "de leurs revenus et la concurrence des produits importés. Le ministre de l'Agriculture doit les recevoir jeudi."),
    ("fr4", "Une nouvelle ligne de tramway à Bordeaux",
     "La ville de Bordeaux a inauguré samedi une nouvelle ligne de tramway reliant la gare à l'aéroport. Le trajet dure désormais "
     "vingt-cinq minutes. La mairie espère réduire de moitié la circulation automobile dans le centre."),
    ("fr5", "Pénurie de médicaments dans les pharmacies",
     "De nombreuses pharmacies manquent d'antibiotiques et de médicaments contre la fièvre pour les enfants. Les pharmaciens "
     "accusent les laboratoires de privilégier les marchés plus rentables. L'agence du médicament promet des mesures d'urgence."),
    # Spanish
    ("es3", "Huelga de médicos en los hospitales de Madrid",
     "Los médicos de los hospitales públicos de Madrid comenzaron este lunes una huelga indefinida. Reclaman más personal y menos "
     "pacientes por consulta. La consejería de Sanidad asegura que los servicios mínimos están garantizados."),
    ("es4", "Las ciudades españolas restringen el tráfico",
     "Varias ciudades españolas han creado zonas de bajas emisiones para reducir la contaminación. Los conductores de coches "
     "antiguos deberán pagar multas si entran en el centro. Los comerciantes temen perder clientes."),
    ("es5", "Incendio forestal obliga a evacuar a miles de vecinos",
     "Un incendio forestal declarado en la sierra obligó a evacuar a más de tres mil vecinos durante la noche. Los bomberos "
     "trabajan con aviones y helicópteros para frenar las llamas. Las autoridades investigan si el fuego fue provocado."),
    # Turkish
    ("tr3", "Ankara'da toplu taşıma ücretlerine zam",
     "Ankara Büyükşehir Belediyesi otobüs ve metro ücretlerine yüzde otuz zam yaptı. Yeni tarife pazartesi gününden itibaren "
     "geçerli olacak. Öğrenciler zammın çok yüksek olduğunu söyledi."),
    ("tr4", "Karadeniz'de sel felaketi",
     "Karadeniz bölgesinde etkili olan şiddetli yağışlar sele neden oldu. Birçok köy yolu ulaşıma kapandı ve evleri su bastı. "
     "Kurtarma ekipleri mahsur kalan vatandaşları helikopterle tahliye etti."),
    ("tr5", "Üniversite sınavı sonuçları açıklandı",
     "Üniversite giriş sınavının sonuçları bugün açıklandı. Bu yıl iki milyondan fazla aday sınava girdi. "
     "Bakanlık, tercih döneminin gelecek hafta başlayacağını duyurdu."),
    # Hindi
    ("hi3", "मुंबई में भारी बारिश से जनजीवन प्रभावित",
     "मुंबई में रात भर हुई भारी बारिश के बाद कई इलाकों में पानी भर गया। लोकल ट्रेनें देर से चल रही हैं और कई उड़ानें रद्द कर दी गईं। "
     "नगर निगम ने लोगों से घर में रहने की अपील की है।"),
    ("hi4", "सरकार ने नई शिक्षा नीति की घोषणा की",
     "केंद्र सरकार ने स्कूलों के लिए नई शिक्षा नीति की घोषणा की है। इसके तहत छात्रों को मातृभाषा में पढ़ाई का विकल्प मिलेगा। "
     "शिक्षकों के संगठनों ने इस फैसले का स्वागत किया।"),
    ("hi5", "क्रिकेट टीम ने सीरीज़ जीती",
     "भारतीय क्रिकेट टीम ने आखिरी मैच में शानदार जीत के साथ सीरीज़ अपने नाम की। कप्तान ने गेंदबाज़ों के प्रदर्शन की तारीफ़ की। "
     "स्टेडियम में हज़ारों दर्शक मौजूद थे।"),
    # Languages the fixtures do not use
    ("it1", "Il governo approva la legge di bilancio",
     "Il Consiglio dei ministri ha approvato la legge di bilancio per il prossimo anno. La manovra prevede tagli alle tasse per "
     "le famiglie con figli. I sindacati giudicano insufficienti le risorse per la sanità."),
    ("it2", "Alluvione in Emilia-Romagna, migliaia di sfollati",
     "Le piogge torrenziali hanno fatto esondare diversi fiumi in Emilia-Romagna. Migliaia di persone hanno lasciato le loro case "
     "e molte strade sono chiuse. La protezione civile ha aperto centri di accoglienza nelle scuole."),
    ("pt1", "Governo anuncia aumento do salário mínimo",
     "O governo anunciou um aumento do salário mínimo a partir de janeiro. Os sindicatos consideram o reajuste insuficiente diante "
     "da inflação. Os empresários alertam para o impacto nas pequenas empresas."),
    ("pt2", "Seca afeta rios da Amazônia",
     "A seca histórica reduziu o nível dos rios da Amazônia ao menor patamar em décadas. Comunidades ribeirinhas ficaram isoladas "
     "sem acesso a barcos. O governo enviou alimentos e água potável às aldeias."),
    ("nl1", "Kabinet wil meer woningen bouwen",
     "Het kabinet wil de komende tien jaar een miljoen nieuwe woningen laten bouwen. Gemeenten krijgen extra geld om bouwgrond "
     "vrij te maken. Woningcorporaties vinden de plannen te weinig ambitieus."),
    ("pl1", "Rząd obniża ceny energii dla rodzin",
     "Rząd przyjął projekt ustawy, który zamrozi ceny energii dla gospodarstw domowych. Rodziny zapłacą za prąd tyle samo co w "
     "zeszłym roku. Ekonomiści ostrzegają, że koszt dla budżetu będzie wysoki."),
    ("el1", "Πυρκαγιά κοντά στην Αθήνα",
     "Μεγάλη πυρκαγιά ξέσπασε στα βόρεια προάστια της Αθήνας. Εκατοντάδες κάτοικοι απομακρύνθηκαν από τα σπίτια τους. "
     "Οι πυροσβέστες παλεύουν με τις φλόγες και τους ισχυρούς ανέμους."),
    ("he1", "הממשלה אישרה את תקציב המדינה",
     "הממשלה אישרה הלילה את תקציב המדינה לשנה הבאה. התקציב כולל הגדלה של ההוצאות על חינוך ובריאות. "
     "האופוזיציה טוענת שהתקציב יפגע במעמד הביניים."),
    ("vi1", "Hà Nội cấm xe máy vào trung tâm",
     "Thành phố Hà Nội sẽ cấm xe máy vào khu vực trung tâm từ năm 2030. Chính quyền cho biết quyết định này nhằm giảm ô nhiễm "
     "không khí. Nhiều người dân lo ngại về chi phí đi lại."),
    ("th1", "กรุงเทพฯ น้ำท่วมหนัก",
     "ฝนตกหนักทำให้น้ำท่วมหลายพื้นที่ในกรุงเทพฯ การจราจรติดขัดอย่างหนักตลอดทั้งคืน "
     "กรุงเทพมหานครเร่งระบายน้ำออกจากถนนสายหลัก"),
]

# Title nouns in another form (what a reader types), per article.
NOUNS = {
    "zh1": ["北京", "政府", "空气", "污染", "计划"], "zh2": ["上海", "港口", "货运量"],
    "zh3": ["广州", "地铁", "线路"], "zh4": ["暴雨", "河南", "交通"], "zh5": ["新能源", "汽车", "销量"],
    # Japanese: the nouns, and the title's verbs in their dictionary form.
    "ja1": ["東京", "地震", "訓練"], "ja2": ["大阪", "電力会社", "電気料金", "値上げする", "発表する"],
    "ja3": ["北海道", "大雪", "記録"], "ja4": ["政府", "少子化", "予算案", "決定する"], "ja5": ["京都", "観光客", "過去"],
    # Korean: the nouns with another particle than the article's.
    "ko1": ["서울에서", "대중교통을", "요금이"], "ko2": ["부산에서", "해운대의", "태풍이"], "ko3": ["정부가", "청년들", "주거를"],
    "ko4": ["삼성전자가", "반도체를", "공장이"], "ko5": ["제주도에서", "관광객이", "상인들이"],
    "ar1": ["حكومة", "خطة", "طاقة"], "ar2": ["سعر", "خبز", "سوق"], "ar3": ["مستشفيات", "مدينة", "الاسكندرية"],
    "ar4": ["مياه", "النهر", "نيل"], "ar5": ["منتخب", "كأس", "عالم"],
    "fa1": ["قیمت\u200cها", "بنزین", "تهران"], "fa2": ["نمایشگاه\u200cها", "کتاب\u200cها", "تهران"],
    "fa3": ["زلزله\u200cها", "استان", "کرمان"], "fa4": ["ارزش", "ریال", "بازارها"], "fa5": ["آلودگی", "هوا", "مدرسه"],
    "ru1": ["правительства", "поддержка", "бизнес"], "ru2": ["Москва", "линии", "метро"], "ru3": ["Сибирь", "лесов"],
    "ru4": ["Центробанка", "ставка"], "ru5": ["школа", "Петербург", "расписания"],
    "uk1": ["Київ", "мости", "Дніпра"], "uk2": ["фермерів", "ціна", "зерна"], "uk3": ["лікаря", "операції"],
    "uk4": ["Одеса", "роботи", "порт"], "uk5": ["студентів", "підвищенню", "плату", "навчанню"],
    "de1": ["Bundesregierungen", "Klimaschutzgesetze"], "de2": ["Bahnstreiks", "Fernverkehrs"],
    "de3": ["Hochwassers", "Dorf", "Elbe"], "de4": ["Miete", "Großstadt"], "de5": ["Autobauers", "Stelle"],
    "fr1": ["gouvernements", "réformes", "retraite"], "fr2": ["incendie", "forêts", "France"],
    "fr3": ["agriculteur", "autoroute"], "fr4": ["lignes", "tramways", "Bordeaux"], "fr5": ["pénuries", "médicament", "pharmacie"],
    "es1": ["Gobiernos", "planes", "sequías"], "es2": ["récords", "turista", "playa"],
    "es3": ["huelgas", "médico", "hospital", "Madrid"], "es4": ["ciudad", "tráficos"], "es5": ["incendios", "vecino"],
    "tr1": ["Merkez", "Bankasının", "faizi", "oranı"], "tr2": ["İstanbul", "depremde", "tatbikatlar"],
    "tr3": ["Ankara", "ücretler", "zamlar"], "tr4": ["Karadeniz", "seller", "felaketler"], "tr5": ["üniversiteler", "sınavlar", "sonuç"],
    "hi1": ["दिल्ली", "प्रदूषण", "स्तरों"], "hi2": ["मानसून", "किसान", "राहत"], "hi3": ["मुंबई", "बारिशों", "जनजीवन"],
    "hi4": ["सरकार", "शिक्षा", "नीतियों"], "hi5": ["क्रिकेट", "टीमों", "सीरीज़"],
    "it1": ["governi", "leggi", "bilanci"], "it2": ["alluvioni", "sfollato"], "pt1": ["governos", "aumentos", "salários"],
    "pt2": ["secas", "rio", "Amazônia"], "nl1": ["kabinetten", "woning"], "pl1": ["rządu", "cena", "energię", "rodziny"],
    "el1": ["πυρκαγιές", "Αθήνα"], "he1": ["ממשלה", "תקציב", "מדינה"], "vi1": ["Hà Nội", "xe máy", "trung tâm"],
    "th1": ["กรุงเทพฯ", "น้ำท่วม"],
}
UNSEEN = ("it", "pt", "nl", "pl", "el", "he", "vi", "th")
