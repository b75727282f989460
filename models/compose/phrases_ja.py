"""Japanese sentences for the local backend's answers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from models.compose.extract import FoundDate, Quantity, Temperature
from models.compose.phrases import Comparison, Confidence
from models.types import FaceBox, QualityIssue

_GUIDANCE = {
    "blurry": "写真がぼやけています。スマートフォンを少し離して、しばらく静止してください。",
    "too_dark": "とても暗いです。明かりかフラッシュをつけてください。",
    "too_bright": (
        "光が強すぎて白っぽくなっています。直射日光を避けるか、フラッシュを切ってください。"
    ),
    "glare": "光が反射しています。少し角度を変えて撮ってください。",
    "cut_off": "被写体の端が切れています。スマートフォンを少し離してください。",
    "rotated": "文字が回転しています。",
    "obstructed": "指などでレンズがふさがれているようです。",
    "no_subject": "はっきりした被写体が見つかりません。物をカメラの正面に置いてください。",
}
_EDGES = {"top": "上", "bottom": "下", "left": "左", "right": "右"}
_POSITIONS = {
    "centre": "中央", "left": "左", "right": "右", "top": "上", "bottom": "下",
    "top left": "左上", "top right": "右上", "bottom left": "左下", "bottom right": "右下",
}  # fmt: skip
_COLOURS = {
    "black": "黒", "white": "白", "grey": "灰色", "gray": "灰色", "red": "赤", "orange": "オレンジ",
    "yellow": "黄色", "green": "緑", "blue": "青", "purple": "紫", "pink": "ピンク",
    "brown": "茶色", "beige": "ベージュ", "gold": "金色", "silver": "銀色", "navy": "紺",
    "dark": "暗い", "light": "明るい", "pale": "淡い",
}  # fmt: skip
# Common household ImageNet classes; others are said in English inside 「」.
_LABELS = {
    "water bottle": "水のボトル", "soda bottle": "ペットボトル", "beer bottle": "ビール瓶",
    "wine bottle": "ワインボトル", "red wine": "赤ワイン", "pill bottle": "薬のボトル",
    "coffee mug": "マグカップ", "cup": "カップ", "can": "缶", "beer can": "缶", "carton": "紙パック",
    "package": "パッケージ", "computer keyboard": "パソコンのキーボード", "remote control": "リモコン",
    "mobile phone": "携帯電話", "laptop": "ノートパソコン", "computer monitor": "モニター",
    "television": "テレビ", "computer screen": "画面", "website": "ウェブページ",
    "book cover": "本の表紙", "envelope": "封筒", "menu": "メニュー", "microwave": "電子レンジ",
    "washing machine": "洗濯機", "refrigerator": "冷蔵庫", "toaster": "トースター",
    "stove": "コンロ", "pizza": "ピザ", "banana": "バナナ", "orange": "オレンジ",
    "running shoe": "スニーカー", "loafer": "ローファー", "sandal": "サンダル", "jersey": "Tシャツ",
    "wallet": "財布", "digital clock": "デジタル時計", "wall clock": "掛け時計", "plate": "皿",
    "spoon": "スプーン", "wooden spoon": "木のスプーン", "ladle": "おたま", "lotion": "ローション",
    "sunscreen": "日焼け止め", "modem": "モデム", "printer": "プリンター", "mouse": "マウス",
    "desktop computer": "デスクトップパソコン", "seat belt": "シートベルト", "ruler": "定規",
    "bottlecap": "ボトルのふた", "teapot": "ティーポット", "bucket": "バケツ",
}  # fmt: skip


def _colour_name(name: str) -> str:
    """Japanese colour name; prefers the colour analyzer's own helper when present."""
    try:
        from models.analyzers.colours import colour_name  # type: ignore[attr-defined,unused-ignore]

        result = colour_name(name, "ja")
        if isinstance(result, str) and result:
            return result
    except ImportError:
        pass
    words = name.lower().split()
    return "".join(_COLOURS.get(word, word) for word in words) or name


def _label(label: str) -> str:
    return _LABELS.get(label, f"「{label}」")


class JapanesePhrasebook:
    """Japanese phrasing (です・ます), sentences joined without spaces."""

    language = "ja"
    separator = ""

    def quality(self, issue: QualityIssue) -> str:
        """Guidance by issue kind; edges and rotation are spelled out."""
        if issue.kind == "cut_off" and issue.edges:
            edges = "と".join(_EDGES[edge] for edge in issue.edges)
            return f"{edges}の端が切れています。スマートフォンを少し離してください。"
        if issue.kind == "rotated" and issue.rotation_degrees:
            return f"文字が{issue.rotation_degrees}度回転しています。"
        return _GUIDANCE.get(issue.kind, "写真に問題があります。")

    def text_reads(self, lines: Sequence[str], more: int) -> str:
        """Read lines."""
        tail = f"ほかに{more}行あります。" if more else ""
        return f"「{'、'.join(lines)}」と書かれています。{tail}"

    def text_unclear(self, lines: Sequence[str]) -> str:
        """Uncertain text."""
        return f"読みにくい文字があります。「{'、'.join(lines)}」かもしれません。"

    def no_text(self) -> str:
        """No text."""
        return "読み取れる文字は見つかりませんでした。文字があるはずなら、カメラに向いている面は無地かもしれません。裏返すか向きを変えてみてください。"

    def ocr_failed(self) -> str:
        """OCR failed."""
        return "今回は文字を読み取れませんでした。もう一度お試しください。"

    def salient_text(self, text: str) -> str:
        """Largest text."""
        return f"いちばん大きな文字は「{text}」です。"

    def object_guess(self, label: str, confidence: Confidence) -> str:
        """Hedged object."""
        if confidence == "high":
            return f"{_label(label)}のように見えます。"
        return f"おそらく{_label(label)}ですが、確かではありません。"

    def object_unknown(self) -> str:
        """Unknown object."""
        return "何が写っているかは分かりませんでした。"

    def colours(self, names: Sequence[str]) -> str:
        """Colours."""
        return f"主な色は{'と'.join(_colour_name(name) for name in names)}です。"

    def no_colour(self) -> str:
        """No colour."""
        return "色は分かりませんでした。"

    def people(self, faces: Sequence[FaceBox], detailed: bool) -> str:
        """Face count and positions."""
        groups = Counter(_POSITIONS.get(face.position, face.position) for face in faces)
        places = "、".join(
            f"{place}に{number}人" if number > 1 else place
            for place, number in groups.most_common()
        )
        return f"{len(faces)}人の顔が見えます（{places}）。"

    def no_people(self) -> str:
        """No faces."""
        return "人の顔は見えません。"

    def display_number(self, value: str, others: Sequence[str]) -> str:
        """Most prominent number."""
        extra = f"ほかに{'、'.join(others)}も見えます。" if others else ""
        return f"いちばん大きく表示されている数字は{value}です。{extra}"

    def number_vs_target(self, value: str, target: int, comparison: Comparison) -> str:
        """Compare with the asked number."""
        word: dict[Comparison, Callable[[], str]] = {
            "at": lambda: f"お尋ねの{target}と同じです。",
            "below": lambda: f"お尋ねの{target}より低いです。",
            "above": lambda: f"お尋ねの{target}より高いです。",
        }
        return word[comparison]()

    def no_number(self) -> str:
        """No number."""
        return "数字は見つかりませんでした。"

    def dates(self, dates: Sequence[FoundDate]) -> str:
        """Dates."""
        first = dates[0]
        spoken = f"{first.year}年{first.month}月" + (f"{first.day}日" if first.day else "")
        lead = "期限の日付は" if first.labelled else "日付は"
        return f"{lead}{spoken}です（表記は「{first.raw}」）。"

    def no_date(self) -> str:
        """No date."""
        return "読み取れた文字の中に日付は見つかりませんでした。"

    def temperatures(self, temps: Sequence[Temperature], times: Sequence[Quantity]) -> str:
        """Temperatures and times."""
        parts = [f"{t.value}度（{'華氏' if t.scale == 'F' else '摂氏'}）" for t in temps[:3]]
        text = f"温度は{'、'.join(parts)}と書かれています。" if parts else ""
        if times:
            text += f"時間は{'、'.join(q.raw for q in times[:3])}と書かれています。"
        return text

    def no_temperature(self) -> str:
        """No temperature."""
        return "読み取れた文字の中に温度は見つかりませんでした。"

    def quantities(self, quantities: Sequence[Quantity]) -> str:
        """Amounts."""
        return f"表示されている量は{'、'.join(q.raw for q in quantities[:3])}です。"

    def no_quantity(self, unit: str | None) -> str:
        """No amount."""
        return "量の表示は見つかりませんでした。"

    def nothing_found(self) -> str:
        """Nothing found."""
        return (
            "この写真からは何も読み取れませんでした。"
            "物を中央に置き、明るい場所で撮り直してください。"
        )
