"""Japanese safety patterns: the data the policies in `safety/` match Japanese text with.

The policies and what each refuses or answers on purpose are described with the
English patterns (`safety/rules/languages/en/`) and in docs/languages.md; the
Japanese rules follow the same clauses. They match on substrings of the text in
NFKC with whitespace removed (`safety.normalize.normalize_japanese`), and run
only when a text has kana or kanji. Japanese judgements often end in そう /
っぽい / に見える, so money, status and habits are matched with those endings.
"""

from __future__ import annotations

import re

from safety.normalize import contains_japanese, normalize_japanese
from safety.rules.common import Rule, rule
from safety.rules.language import GeneratedTextRules, LanguageRules
from safety.types import DisclaimerCategory

# Person words: a question about a depicted person names one of these.
PERSON_JA = (
    r"(?:この人|その人|あの人|この男|その男|あの男|この女|その女|あの女|人|男性|女性|男の人|女の人|男の子|女の子|子ども|子供|この子|その子|彼女|彼"
    r"|赤ちゃん|おじいさん|おばあさん|おじさん|おばさん|お客さん|店員|家族|友達|夫|妻|母|父|兄|姉|弟|妹"
    r"|少年|少女|青年|老人|方)"
)

# A depicted person in Japanese, without the ambiguous single characters of PERSON_JA
# (方 "way", 母 in "母の薬").
_PERSON_STRICT_JA = (
    r"(?:(?:この|その|あの|写真の|画像の)(?:人|男性|女性|男の人|女の人|方|子|男|女)|彼女|彼)"
)
_ROLE_JA = (
    r"(?:上司|同僚|部下|先輩|後輩|夫|妻|主人|旦那|奥さん|嫁|母|父|母親|父親|お母さん|お父さん|兄|姉"
    r"|弟|妹|息子|娘|子ども|子供|祖母|祖父|孫|おじ|おば|いとこ|親戚|家族|友達|友人|彼氏|彼女|恋人"
    r"|婚約者|元カレ|元カノ|先生|隣人|近所の人|同級生|クラスメート|運転手|ドライバー|担当者|配達員"
    r"|大家|管理人|社長|店長)"
)
IDENTITY_JA: tuple[Rule, ...] = (
    # 誰 / だれ / どなた, but not "誰から" (from whom), "誰宛" (to whom), "誰が書いた".
    # 誰か (someone) and 誰も (nobody) are not "who".
    rule(
        "who_ja",
        r"(?:誰|だれ|どなた)(?!か[をにがとのへ]|も|から|宛|あて|へ|が書|の本|の作品|に送|が作)",
    ),
    rule("name_ja", rf"{PERSON_JA}の(?:名前|氏名|フルネーム)"),
    rule("celebrity_ja", r"有名人|有名な人|有名な方|芸能人|セレブ|俳優|女優|歌手|政治家|アイドル"),
    rule("same_person_ja", r"同じ人|同一人物"),
    rule("true_identity_ja", r"正体|身元|素性"),
    rule(
        "profile_ja", r"(?:インスタ|フェイスブック|sns|プロフィール|ツイッター).*(?:探|調べ|見つけ)"
    ),
    rule("face_recognition_ja", r"顔(?:を|で)?(?:認識|認証|特定|判別)|人物を特定"),
    rule(
        "is_this_name_ja",
        # A whole kanji/katakana run before the honorific, and not a common noun that takes
        # さん ("妊婦さん", "店員さん": those are not names).
        r"(?<![一-龥ァ-ヶー])(?!(?:妊婦|奥|店員|お?客|運転手|看護師|医者|歯医者|大家|駅員|警官|警察官"
        r"|配達員|お母|お父|お姉|お兄|お医者)さん)[一-龥ァ-ヶー]{1,6}(?:さん|様|くん|君|ちゃん|氏)"
        r"(?:です|でしょう|か)",
    ),
    # "(この人は)私の上司ですか": a depicted person mapped to a role or relationship.
    rule(
        "role_ja",
        rf"(?:私|わたし|僕|ぼく|俺|おれ|うち|自分|[一-龥ァ-ヶー]{{1,6}}(?:さん|くん|ちゃん))の"
        rf"[^、。]{{0,4}}?{_ROLE_JA}(?:さん)?(?:です|でしょう|じゃ|では|か|かな|[?？]|$)",
    ),
    rule(
        "familiar_ja",
        rf"{_PERSON_STRICT_JA}.{{0,40}}(?:見覚え|見たことが?ある|会ったことが?ある|知り合い|知ってる人"
        r"|知っている人)|(?:この|その|あの)(?:人|男性|女性|男の人|女の人|方)(?:を|って)?"
        r"(?:知ってる|知っています|知ってます)",
    ),
    rule(
        "search_ja",
        rf"{_PERSON_STRICT_JA}.{{0,40}}(?:検索|ググ|ネットで(?:調べ|探)|特定して)",
    ),
    rule(
        "encounter_ja",
        r"(?:来た|会った|見かけた|住んでる|住んでいる|働いてる|働いている|盗んだ|つけてきた)"
        r"(?:人|男|女|男性|女性|方)(?:と同じ|です|でしょう|じゃ|か)",
    ),
)

SENSITIVE_JA: tuple[Rule, ...] = (
    # 何人 is both "what nationality" (なにじん) and "how many people" (なんにん): only a
    # single demonstrated person ("この人は何人") reads as nationality; "写っている人は何人"
    # asks for a count and is answered.
    rule(
        "what_nationality_ja",
        r"(?:(?:この|その|あの)(?:人|男性|女性|男の人|女の人|方|子)|彼女|彼)は何人(?:です|でしょう|\?|？|$)"
        r"|どこの国の人|何系",
    ),
    rule(
        "trait_words_ja",
        r"人種|民族|宗教|国籍|性的指向|同性愛|ゲイ|レズ|バイセクシュアル|トランス|イスラム"
        r"|ムスリム|キリスト教|仏教徒|ユダヤ|ヒンドゥー"
        r"|性自認|ノンバイナリー|支持政党|政治的",
    ),
    rule(
        "health_ja",
        rf"{PERSON_JA}.{{0,40}}(?:妊娠|妊婦|身ごも|おめでた|お腹に赤ちゃん|お腹の赤ちゃん|つわり|臨月|出産予定"
        r"|障害(?!物)|障がい|障碍|病気|病んで|うつ|自閉|ダウン症|認知症|精神|発達|adhd|がん|癌|ガン(?!ダム))",
    ),
    rule(
        "origin_ja",
        rf"{PERSON_JA}.{{0,40}}(?:中国人|韓国人|日本人|外国人|外人|黒人|白人|アジア人|ハーフ|移民|出身)",
    ),
    rule(
        "orientation_ja",
        rf"{PERSON_JA}.{{0,40}}(?:同性が好き|男が好き|女が好き|ホモ(?!牛乳)|オネエ|おかま|オカマ|lgbt)",
    ),
)

UNGROUNDED_JA: tuple[Rule, ...] = (
    rule("trust_ja", rf"{PERSON_JA}.{{0,40}}(?:信用|信頼)"),
    rule("trust_words_ja", rf"{PERSON_JA}.{{0,40}}(?:頼り|頼もし|信頼)"),
    rule(
        "character_adjective_ja",
        rf"{PERSON_JA}.{{0,40}}(?:真面目|誠実|正直|親切|冷た|意地悪|不真面目|だらしな)(?:な人|そう|い人)",
    ),
    rule(
        "character_ja",
        rf"{PERSON_JA}.{{0,40}}(?:優し|親切そう|真面目そう|怖そう|怖い人|怪しい|不審|変な人|危ない人|危険な人|危険人物|犯罪者|犯罪|泥棒|悪い人|いい人|良い人|性格"
        r"|どんな人|嘘をつ|うそをつ|職業|仕事は|お金持ち|金持ち|貧乏|年収|頭が(?:いい|良|悪)|賢そう|賢い"
        r"|美人|かわいい|可愛い|かっこいい|ブサイク|不細工|イケメン|点満点|評価して|酔っ)",
    ),
    rule("rating_ja", r"(?:顔|見た目|容姿|ルックス).*(?:点|評価|採点)"),
    # Judgements of a depicted person's habits, honesty, status or money, often with
    # そう / っぽい / に見える ("お金を持っていそう", "嘘つきっぽい").
    rule(
        "habits_ja",
        rf"{PERSON_JA}.{{0,40}}(?:詐欺|騙|だま[しそさ]|嘘つき|うそつき|ウソつき|嘘を?つい|浮気|遊び人|不良|ヤンキー"
        r"|ヤクザ|やくざ|暴力団|反社|薬物|麻薬|ドラッグ|薬中|ヤク中|アル中|アルコール依存|依存症|前科"
        r"|独身|既婚|結婚して|裕福|貧し|稼いで|稼ぎ|学歴|育ちが|ケチ|ずる(?:い|そう)|怠け者|ストーカー"
        r"|誘拐|盗み|スリ|万引き|危なそう|危険そう|やばそう|ヤバそう|怪しそう|悪そう)",
    ),
    rule(
        "seems_ja",
        rf"{PERSON_JA}.{{0,40}}(?:お金|金|余裕|品|教養|育ち|センス|モテ|人気|仕事(?!中)|頭)"
        r"(?:を|が|は|も)?[^。？?]{0,6}(?:そう|っぽい|っぽく|に見え|みたい|らしい)",
    ),
)

CAPTCHA_JA: tuple[Rule, ...] = (
    rule(
        "captcha_ja",
        r"(?<!スクリーン)(?<!画面)キャプチャ|画像認証|ロボットではありません|ロボットではない|recaptcha"
        r"|ロボットじゃな|ロボットでない|私はロボット|人間(?:である|だ)(?:こと)?を証明|認証を(?:通|突破|クリア|解)"
        r"|captcha"
        r"|ロボット(?:かどうか|か人間|でない|ではない|じゃない)|人間(?:かどうか|であること|であるか|だと)(?:の|を)?"
        r"(?:確認|証明)|(?:認証|セキュリティ)(?:の|用の)?(?:パズル|画像|問題|テスト|チャレンジ)",
    ),
)
# Text on a page that shows a CAPTCHA (OCR).
CAPTCHA_PAGE_JA: tuple[Rule, ...] = (
    rule(
        "captcha_ja_page",
        r"画像認証|ロボットではありません|表示されている文字を入力|表示された文字を入力",
    ),
)
AUDIO_OPTION_JA = rule("audio_option", r"音声")

ILLICIT_JA: tuple[Rule, ...] = (
    rule("weapon_ja", r"爆弾|爆発物|(?:銃|武器|拳銃)(?:の作り方|を作)|火炎瓶|毒ガス|サリン"),
    rule("drug_ja", r"覚醒剤|覚せい剤|麻薬.*(?:作|手に入)|大麻.*(?:作|育て)"),
    rule(
        "harm_ja",
        r"(?:人|相手|他人|夫|妻|誰か|彼|彼女|上司|隣人|子)を(?:殺|傷つけ|襲|眠らせ|気絶させ)|殺害|毒を(?:作|盛)"
        r"|毒物を作",
    ),
    rule(
        "harm_dose_ja",
        r"(?:何錠|何粒|何個|何ml|何ミリ|何杯|どのくらい|どれくらい|どれだけ)(?:の量)?(?:を)?"
        r"(?:飲ませ|盛|入れ)(?:れば|たら|ると)|(?:人|子供|子ども|大人|相手|男性|女性)(?:が|を)"
        r"(?:死ぬ|殺せる|気絶する|眠らせる|倒れる)(?:量|には)",
    ),
    rule("self_harm_ja", r"自殺|死ぬには|死ねる"),
    rule("break_in_ja", r"(?:他人|人|隣)の(?:家|部屋|車)に(?:入|侵入)|盗む|盗み方|万引き|偽造"),
)
# Refused only with a request for instructions (split between the image and the question).
HARM_TOPIC_JA = rule("harm_topic", r"爆弾|覚醒剤|毒ガス")
INSTRUCTION_REQUEST_JA = rule("instruction_request", r"作り方|作る方法|手順")

TOPICS_JA: dict[DisclaimerCategory, str] = {
    "medication": r"薬(?!味)|(?<!施)錠|カプセル|服用|用法|用量|処方|シロップ|サプリ|栄養補助|ビタミン剤"
    r"|マルチビタミン|目安量|召し上がり方|\d+粒|軟膏|湿布|点眼|解熱|鎮痛",
    "food_safety": r"賞味期限|消費期限|期限切れ|腐っ|腐敗|腐り|カビ|生焼け|要冷蔵|傷んで|期限|食べても大丈夫"
    r"|飲んでも大丈夫|変な(?:におい|匂い|臭い)|酸っぱい|解凍|生肉|生卵|加熱不足|残り物",
    "allergens": r"アレルギー|アレルゲン|落花生|ピーナッツ|特定原材料|乳成分|そば粉",
    "heat": r"オーブン|コンロ|ガス台|ストーブ|熱い|高温|温度|予熱|やけど|沸騰|ケトル|グリル|\d+度"
    r"|電子レンジ|レンジ|フライパン|鍋|やかん|アイロン|ヒーター|暖房|ろうそく|お湯|蒸気|トースター",
    "traffic": r"信号|横断歩道|道路を渡|交差点|踏切|車が来|車道|渡っても|渡れ|自転車が来",
    "chemicals": r"漂白剤|洗剤|塩素|混ぜるな|殺虫剤|農薬|有毒|劇物|毒物|除草剤|カビ取り|消毒液|洗浄剤"
    r"|酸性|アルカリ性|引火|灯油|ガソリン|防虫剤|殺鼠剤|漂白",
    "electrical": r"コンセント|電線|配線|ブレーカー|感電|電圧|延長コード|ヒューズ|漏電|プラグ|充電器|ケーブル"
    r"|コード|火花|焦げ臭|バッテリーが膨|電池が膨",
    "medical_image": r"レントゲン|エコー検査|発疹|湿疹|ほくろ|あざ|腫れ|血糖|血圧|検査結果|体温計|妊娠検査|傷口"
    r"|切り傷|擦り傷|虫刺され|じんましん|かぶれ|出血|膿|しこり|心電図|できもの"
    r"|(?<![a-z])(?:mri|ct)(?![a-z])",
}

# Sensitive inferences in a generated Japanese answer: a sentence with one of
# these words is dropped (unless the word is printed in the photo).
_TRAIT_IN_ANSWER = re.compile(
    r"中国人|韓国人|日本人|外国人|黒人|白人|アジア系|ヒスパニック|イスラム教徒|キリスト教徒|ユダヤ教徒"
    r"|同性愛|ゲイ|レズビアン|トランスジェンダー|妊娠|障害(?!物)|障がい|病気|うつ病|自閉症|ダウン症"
)
_SENTENCE = re.compile(r"[^。！？]+[。！？]?")
# A name marked by an honorific in a generated answer (田中さん).
_HONORIFIC_NAME = re.compile(
    r"(?P<name>[一-龥々ァ-ヶー]{1,6}?|[ぁ-ゖ]{2,4})(?:さん|様|さま|くん|君|ちゃん|氏|選手|監督|先生"
    r"|社長|部長|課長|教授|博士|議員|首相|総理|大統領|容疑者)"
)


# The most common family names (single-character ones such as 林 and 森 left out: 林檎, 森林):
# after a word for a person in the same sentence, and with a given name after them and a
# copula or particle, a person's name even without an honorific ("写真の男性は山田太郎です").
_FAMILY_NAMES = (
    "佐藤 鈴木 高橋 田中 伊藤 渡辺 渡邊 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林"
    " 斎藤 斉藤 清水 山崎 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤"
    " 近藤 村上 遠藤 青木 坂本 福田 太田 西村 藤井 金子 岡本 藤原 中野 三浦 原田 中川 松田 竹内"
    " 小野 田村 中山 和田 石田 森田 上田 柴田 酒井 工藤 横山 宮崎 宮本 内田 高木 安藤 島田 谷口"
    " 大野 高田 丸山 今井 河野 藤本 村田 武田 上野 杉山 増田 小山 大塚 平野 菅原 久保 松井 千葉"
    " 岩崎 桜井 野口 松尾 野村 木下 菊地 佐野 大西 杉本 新井 浜田 市川 古川 水野 小島 西田"
).split()
_NAMES_IN_ANSWER = (
    re.compile(
        r"(?:人|男|女|彼|方|子)[^。！？]*?(?P<name>(?:"
        + "|".join(sorted(_FAMILY_NAMES, key=len, reverse=True))
        + r")(?![駅県市区町村線口店港寺])[一-龥々ぁ-ゖァ-ヶ]{0,3}?)"
        r"(?=です|でしょう|だと|だ。|が|は|と|に似|$)"
    ),
    # ジョン・スミス: katakana words joined by a middle dot, not followed by の (a brand: ルイ・ヴィトンの)
    re.compile(r"(?P<name>[ァ-ヶー]{2,}(?:[・･][ァ-ヶー]{2,})+)(?![ァ-ヶー・･]|の)"),
)


# Benign questions about people that the learned stage must never refuse
# (safety.learned.must_answer): an ask about what is visible, unless a second ask joins it;
# what to do after an accident at home, always.
_JA_ASK = re.compile(
    r"(?:何を着て|何色の服|服装|着ていますか|着てる|かぶっていますか|かぶってる|かけていますか"
    r"|はいていますか|持っていますか|持ってる|何を持って|何人|どこにいますか|どこに立って"
    r"|笑っていますか|泣いていますか|怒っていますか|表情|子どもですか大人ですか|大人ですか子どもですか"
    r"|子供ですか大人ですか|何歳くらい|何をしていますか|寝ていますか|座っていますか|立っていますか)"
)
_JA_OTHER_ASK = re.compile(
    r"誰|だれ|名前|人種|民族|宗教|国籍|何人(?:です|でしょう|か|$)|どこの国|出身|病気|障害|妊娠|性格|信用"
    r"|犯罪|ゲイ|同性|結婚|独身|お金|金持ち|仕事|職業|浮気|嘘|なぜ"
    r"|(?:彼|彼女|この人|その人|あの人)(?:には|は)?(?:子ども|子供)(?:が|は)?(?:何人|いる|います)"
)


_JA_ACCIDENT = re.compile(
    r"(?:飲んで|飲み込|こぼ|かかって|触って|吸い込).*(?:どうすれば|どうしたら)"
)


def prepare(text: str) -> str:
    """The form the Japanese patterns match, or "" when the text has no Japanese."""
    return normalize_japanese(text) if contains_japanese(text) else ""


RULES = LanguageRules(
    tag="ja",
    prepare=prepare,
    clauses={
        "illicit": ILLICIT_JA,
        "captcha": CAPTCHA_JA,
        "identity": IDENTITY_JA,
        "sensitive_trait": SENSITIVE_JA,
        "ungrounded_inference": UNGROUNDED_JA,
    },
    disclaimer_topics={category: re.compile(pattern) for category, pattern in TOPICS_JA.items()},
    captcha_page=CAPTCHA_PAGE_JA,
    audio_option=AUDIO_OPTION_JA,
    harm_topic=HARM_TOPIC_JA,
    instruction_request=INSTRUCTION_REQUEST_JA,
    refusal_for={"self_harm_ja": "self_harm", "harm_dose_ja": "harm_dose"},
    generated_text=GeneratedTextRules(sentence=_SENTENCE, trait=_TRAIT_IN_ANSWER),
    honorific_name=_HONORIFIC_NAME,
    names_in_answer=_NAMES_IN_ANSWER,
    must_answer=(_JA_ASK,),
    must_answer_unless=_JA_OTHER_ASK,
    must_answer_always=(_JA_ACCIDENT,),
)
