"""Builds the union-catalogue benchmark's input: 1,000,000 realistic MARC records, once.

    .venv/bin/python bench/catalog_build.py            # writes bench/data/union-1-100k.mrc and union-2-900k.mrc
    .venv/bin/python bench/catalog_build.py --force    # build again even if the files are there

What goes in (ISO 2709, UTF-8, in this repeating order of four so that any slice has the same mix):
  1. a Library of Congress record as it is: the 250,000 records of BooksAll.2016.part01.utf8, which
     pymarc's source distribution carries (fetched here with `pip download` when missing, never
     committed: bench/data/ is git-ignored);
  2. and 4. two variations of other LoC records (the file read from two other starting points): a new
     001/003, a new valid ISBN-13 for most, one or two title words replaced by words of other LoC
     titles, sometimes another subtitle, author or date, an edition statement;
  3. a Chinese CNMARC book varied from the ten real records in the shared dp2 SRU sample: new 001,
     ISBN-13 (978-7, correct check digit), a title made of real Chinese words of one subject
     (weighted by a Zipf law, so that one- and two-character queries have realistic selectivity),
     authors, publisher and place, year, CLC number matching the subject, subject heading.
So: 250k LoC originals + 500k Western variations + 250k Chinese = 1,000,000. The first 100,000 go to
the first file (the benchmark's 100k stage), the other 900,000 to the second.

Everything is streamed (three sequential readers over the LoC file, one writer); the random choices
are seeded, so the files are the same on every machine. A file is written under a temporary name and
renamed when complete, so an interrupted build is never mistaken for a finished one.
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pymarc import Field, Record, Subfield  # noqa: E402
from pymarc.leader import Leader  # noqa: E402

from app.marc.io import MarcWriter, read_records  # noqa: E402
from app.marc.io.iso2709 import decode_record  # noqa: E402

DATA = REPO / "bench" / "data"
LOC_NAME = "BooksAll.2016.part01.utf8"
LOC = DATA / LOC_NAME
PYMARC = "pymarc==5.4.0"
SHARED = REPO.parent / "shared" / "data" / "marc"
CHINESE_SAMPLE = SHARED / "unimarc" / "dp2_sru_cnmarcxml.xml"
FILES = (("union-1-100k.mrc", 100_000), ("union-2-900k.mrc", 900_000))
TOTAL = sum(n for _, n in FILES)
SEED = 20261124


# --- the LoC file ------------------------------------------------------------------------------------
def ensure_loc() -> Path:
    """The LoC sample from pymarc's sdist (pip download), extracted once into bench/data/."""
    if LOC.exists():
        return LOC
    DATA.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        print(f"fetching {PYMARC} source distribution for {LOC_NAME} …", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", PYMARC,
                        "-d", tmp], check=True, stdout=subprocess.DEVNULL)
        sdist = next(Path(tmp).glob("pymarc-*.tar.gz"))
        with tarfile.open(sdist) as tar:
            member = tar.getmember(f"{sdist.name[:-len('.tar.gz')]}/{LOC_NAME}")
            src = tar.extractfile(member)
            part = LOC.with_suffix(".part")
            with open(part, "wb") as out:
                while block := src.read(1 << 20):
                    out.write(block)
            part.rename(LOC)
    return LOC


def raw_records(path: Path, skip: int = 0) -> Iterator[bytes]:
    """ISO 2709 records as bytes (ending in 0x1D), endlessly: from record `skip` on, then around again."""
    while True:
        index = 0
        rest = b""
        with open(path, "rb") as fh:
            while block := fh.read(1 << 20):
                parts = (rest + block).split(b"\x1d")
                rest = parts.pop()
                for p in parts:
                    p = p.lstrip(b"\r\n ")
                    if not p:
                        continue
                    if index >= skip:
                        yield p + b"\x1d"
                    index += 1
        skip = 0


# --- valid identifiers -----------------------------------------------------------------------------------
def isbn13(prefix: str, serial: int) -> str:
    """A valid ISBN-13: prefix (4 digits) + 8 digits unique per serial + check digit."""
    body = prefix + f"{(serial * 7919 + 12345) % 10**8:08d}"
    check = (10 - sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


def hyphenated(isbn: str, group_len: int = 1, publisher_len: int = 4) -> str:
    a, g = isbn[:3], isbn[3:3 + group_len]
    p = isbn[3 + group_len:3 + group_len + publisher_len]
    t = isbn[3 + group_len + publisher_len:12]
    return f"{a}-{g}-{p}-{t}-{isbn[12]}"


# --- Chinese vocabulary: real words by subject, each subject with real CLC numbers ---------------------
# (subject words, most frequent first; CLC numbers; the 606 subject headings)
TOPICS = {
    "经济": ("经济 发展 市场 金融 企业 管理 贸易 投资 财政 会计 产业 银行 资本 货币 税收 消费 价格 营销 统计 物流 "
           "区域经济 国际贸易 证券 保险 农村经济 供给侧 改革开放",
           "F0 F12 F124 F27 F272 F83 F830 F74 F812 F23 F32",
           "经济发展 市场经济 企业管理 金融 国际贸易 会计"),
    "图书馆": ("图书馆 文献 信息 目录 编目 分类 检索 数字图书馆 读者 服务 元数据 档案 情报 出版 阅读 馆藏 古籍 "
            "版本 目录学 索引 联合目录 知识组织",
            "G25 G250 G251 G252 G254 G254.3 G254.1 G258.6 G257 G27",
            "图书馆学 图书馆工作 文献编目 分类法 信息检索 数字图书馆"),
    "计算机": ("计算机 程序设计 网络 数据 软件 算法 系统 数据库 人工智能 信息技术 操作系统 编程 安全 云计算 "
            "机器学习 大数据 互联网 通信 嵌入式 设计模式",
            "TP3 TP31 TP311 TP311.13 TP312 TP393 TP18 TP181 TP316 TP309",
            "电子计算机 程序设计 计算机网络 数据库系统 人工智能 软件工程"),
    "文学": ("小说 诗歌 散文 文学 故事 作品 诗词 随笔 短篇 长篇 选集 红楼梦 唐诗 宋词 鲁迅 戏剧 评论 童话 "
           "文集 书信",
           "I2 I20 I206 I207 I207.2 I222 I226 I247 I247.5 I266 I267",
           "中国文学 小说 诗歌 散文 文学评论 文学史"),
    "历史": ("历史 中国 古代 近代 现代 王朝 战争 文明 考古 人物 帝国 传记 地方 明清 唐代 宋代 民国 丝绸之路 "
           "敦煌 长城 通史",
           "K2 K20 K22 K23 K24 K25 K26 K29 K81 K82 K87",
           "中国历史 古代史 近代史 考古 人物传记 地方史"),
    "法律": ("法律 法学 宪法 民法 刑法 合同 诉讼 司法 法治 权利 知识产权 行政法 婚姻 劳动法 公司法 案例",
           "D9 D90 D92 D920 D921 D923 D924 D925 D922",
           "法律 民法 刑法 宪法 诉讼法 知识产权"),
    "教育": ("教育 教学 学生 课程 学校 教师 大学 高等教育 语文 数学 英语 考试 心理 儿童 家庭教育 素质 德育",
           "G4 G40 G42 G44 G52 G62 G63 G633 G64 G61",
           "教育 教学研究 高等教育 基础教育 教育心理学 课程"),
    "医学": ("医学 临床 中医 药物 疾病 护理 诊断 治疗 健康 病理 手术 针灸 中药 养生 外科 内科 肿瘤 营养",
           "R R2 R24 R28 R4 R5 R6 R73 R47 R15",
           "临床医学 中医学 药物学 护理学 诊断学 肿瘤"),
    "哲学": ("哲学 思想 伦理 道德 儒家 老子 庄子 孔子 美学 逻辑 马克思主义 文化 心理学 宗教 佛教 禅",
           "B B0 B2 B21 B22 B222 B223 B5 B8 B82 B84 B94",
           "哲学 中国哲学 伦理学 美学 心理学 宗教"),
    "政治": ("政治 社会 国家 政府 外交 党 民主 治理 改革 公共管理 社会学 人口 城市 农村 民族 国际关系",
           "D D0 D6 D61 D63 D66 D8 D82 C91 C92",
           "政治 社会问题 国际关系 公共管理 社会学 民族问题"),
    "科学": ("数学 物理 化学 生物 科学 实验 力学 几何 代数 微积分 统计学 天文 地理 地质 气候 量子",
            "O1 O13 O15 O17 O3 O4 O6 Q Q1 P1 P4",
            "数学 物理学 化学 生物学 天文学 地质学"),
    "农业": ("农业 种植 栽培 作物 水稻 小麦 养殖 畜牧 土壤 肥料 园艺 果树 蔬菜 林业 水产",
           "S S1 S3 S5 S51 S6 S66 S8 S7 S9",
           "农业 作物栽培 畜牧业 园艺 林业 水产养殖"),
    "环境": ("环境 生态 保护 污染 资源 能源 水利 气候变化 可持续发展 治理 环境工程 绿色",
           "X X1 X2 X3 X5 X7 TK01 TV",
           "环境保护 生态学 环境污染 能源 水资源 可持续发展"),
    "语言": ("语言 汉语 英语 词典 语法 翻译 写作 口语 阅读 词汇 方言 文字 汉字 日语 修辞",
           "H H0 H1 H102 H109 H11 H19 H31 H315 H36",
           "汉语 英语 翻译 语法 词典 写作"),
    "艺术": ("艺术 书法 绘画 音乐 电影 美术 设计 摄影 建筑 雕塑 舞蹈 戏曲 篆刻 国画 油画",
           "J J0 J2 J21 J29 J6 J9 J5 TU2",
           "艺术 书法 绘画 音乐 电影 建筑艺术"),
    "工程": ("工程 机械 电子 电路 建筑 材料 结构 控制 自动化 汽车 制造 通信 电力 化工 冶金 土木",
           "TB TG TH TM TN TN91 TU TU3 TQ TF U4",
           "机械工程 电子技术 自动控制 建筑结构 材料科学 电力系统"),
}
TOPIC_WEIGHTS = {"经济": 12, "图书馆": 3, "计算机": 10, "文学": 14, "历史": 12, "法律": 6, "教育": 9, "医学": 8,
                 "哲学": 5, "政治": 7, "科学": 6, "农业": 3, "环境": 3, "语言": 5, "艺术": 5, "工程": 7}
GENERIC = ("研究 概论 导论 教程 理论 实践 方法 问题 基础 原理 史 论 文集 报告 手册 词典 探索 分析 案例 "
           "专题研究 发展史 新论 概要 读本 选编 讲义 丛书 论文集 与 实务 百科 知识").split()
PREFIXES = "中国 现代 当代 新编 简明 实用 高等 中国古代 世界 西方 全球 新时代 二十世纪 北京 上海 江南 西北".split()
SURNAMES = ("王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗 梁 宋 郑 谢 韩 唐 冯 于 董 萧 程 曹 袁 "
            "邓 许 傅 沈 曾 彭 吕 苏 卢 蒋 蔡 贾 丁 魏 薛 叶 阎 余 潘 杜 戴 夏 钟 汪 田 任 姜 范 方 石 姚 谭 廖 邹 "
            "熊 金 陆 郝 孔 白 崔 康 毛 邱 秦 江 史 顾 侯 邵 孟 龙 万 段 钱 汤 尹 黎 易 常 武 乔 贺 赖 龚 文 欧阳 "
            "司马 诸葛").split()
GIVEN = ("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 桂 英 华 建 国 文 志 红 玉 兰 海 燕 林 "
         "云 鹏 辉 宇 晓 雪 梅 波 斌 宁 峰 琳 欣 颖 佳 俊 凯 浩 然 思 远 德 成 永 庆 春 秋 东 南 新 立 光 荣 "
         "卫 民 安 胜 学 正 亮 振 家 瑞 彬 博 嘉 子 一 小 晨 阳").split()
ROLES = ("著", "编著", "主编", "编", "译", "等著", "校注")
PUBLISHERS = [
    ("北京", "人民出版社"), ("北京", "商务印书馆"), ("北京", "中华书局"), ("上海", "上海古籍出版社"),
    ("北京", "科学出版社"), ("北京", "清华大学出版社"), ("北京", "高等教育出版社"), ("北京", "机械工业出版社"),
    ("北京", "电子工业出版社"), ("北京", "人民邮电出版社"), ("北京", "中国社会科学出版社"), ("北京", "北京大学出版社"),
    ("上海", "复旦大学出版社"), ("上海", "华东师范大学出版社"), ("南京", "江苏人民出版社"), ("杭州", "浙江大学出版社"),
    ("广州", "广东人民出版社"), ("成都", "四川人民出版社"), ("武汉", "武汉大学出版社"), ("长沙", "湖南人民出版社"),
    ("北京", "国家图书馆出版社"), ("北京", "中国统计出版社"), ("北京", "法律出版社"), ("北京", "人民文学出版社"),
    ("上海", "上海译文出版社"), ("北京", "生活·读书·新知三联书店"), ("北京", "中国人民大学出版社"),
    ("北京", "外语教学与研究出版社"), ("上海", "上海人民出版社"), ("济南", "山东人民出版社"), ("西安", "陕西人民出版社"),
    ("北京", "人民卫生出版社"), ("北京", "中国农业出版社"), ("北京", "化学工业出版社"), ("天津", "南开大学出版社"),
    ("北京", "作家出版社"), ("北京", "中国轻工业出版社"), ("郑州", "中州古籍出版社"), ("昆明", "云南人民出版社"),
    ("北京", "社会科学文献出版社"),
]
CITY_CODES = {"北京": "110000", "上海": "310000", "南京": "320100", "杭州": "330100", "广州": "440100",
              "成都": "510100", "武汉": "420100", "长沙": "430100", "济南": "370100", "西安": "610100",
              "天津": "120000", "郑州": "410100", "昆明": "530100"}


def _zipf(n: int, s: float = 1.0) -> list[float]:
    return [1.0 / (i + 1) ** s for i in range(n)]


class ChineseMaker:
    """CNMARC books varied from the real records of the dp2 sample (fixed fields and structure kept)."""

    def __init__(self, rng: random.Random):
        records, errors = read_records(CHINESE_SAMPLE)
        if len(records) < 5 or errors:
            raise SystemExit(f"{CHINESE_SAMPLE}: expected the real CNMARC records, got {len(records)} ({errors})")
        keep = {"101", "102", "105", "106", "801"}
        self.bases = [(str(r.leader), [f for f in r.fields if f.tag in keep]) for r in records]
        self.rng = rng
        self.topics = list(TOPICS)
        self.topic_weights = [TOPIC_WEIGHTS[t] for t in self.topics]
        self.words = {t: TOPICS[t][0].split() for t in self.topics}
        self.word_weights = {t: _zipf(len(self.words[t])) for t in self.topics}
        self.clc = {t: TOPICS[t][1].split() for t in self.topics}
        self.subjects = {t: TOPICS[t][2].split() for t in self.topics}
        self.generic_w = _zipf(len(GENERIC), 0.8)
        self.surname_w = _zipf(len(SURNAMES), 0.9)

    def _word(self, topic: str) -> str:
        return self.rng.choices(self.words[topic], self.word_weights[topic])[0]

    def _generic(self) -> str:
        return self.rng.choices(GENERIC, self.generic_w)[0]

    def title(self, topic: str) -> tuple[str, str | None]:
        r = self.rng
        w1, w2 = self._word(topic), self._word(topic)
        while w2 == w1 and len(self.words[topic]) > 1:
            w2 = self._word(topic)
        form = r.random()
        if form < 0.25:
            main = f"{w1}{self._generic()}"
        elif form < 0.40:
            main = f"{w1}与{w2}"
        elif form < 0.60:
            main = f"{r.choice(PREFIXES)}{w1}{self._generic()}"
        elif form < 0.80:
            main = f"{w1}{w2}{self._generic()}"
        elif form < 0.90:
            main = f"{w1}{w2}"
        else:
            main = f"{r.choice(PREFIXES)}{w1}{w2}"
        sub = None
        if r.random() < 0.3:
            other = self.rng.choice(self.topics) if r.random() < 0.2 else topic
            sub = f"{self._word(other)}{self._generic()}" if r.random() < 0.7 else f"{self._word(other)}的{self._word(topic)}"
        return main, sub

    def person(self) -> str:
        r = self.rng
        return r.choices(SURNAMES, self.surname_w)[0] + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2))))

    def make(self, serial: int) -> Record:
        r = self.rng
        leader, fixed = self.bases[serial % len(self.bases)]
        topic = r.choices(self.topics, self.topic_weights)[0]
        year = min(2024, int(1978 + 47 * r.random() ** 0.7))
        place, publisher = r.choice(PUBLISHERS)
        people = [self.person() for _ in range(r.choice((1, 1, 1, 2, 2, 3)))]
        role = r.choice(ROLES)
        main, sub = self.title(topic)
        clc = r.choice(self.clc[topic])
        isbn = isbn13("9787", serial)
        rec = Record(force_utf8=True, leader=Leader(leader[:5] + "nam0 2200000   4500"))
        rec.add_field(Field(tag="001", data=f"BMC{serial:09d}"))
        rec.add_field(Field(tag="005", data=f"{year + r.randint(0, 1)}0{r.randint(1, 9)}1{r.randint(0, 9)}093015.0"))
        rec.add_field(Field(tag="010", indicators=[" ", " "], subfields=[
            Subfield("a", hyphenated(isbn, 1, 4)), Subfield("d", f"CNY{r.randint(12, 180)}.00")]))
        entered = f"{min(year + r.randint(0, 3), 2024)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}"
        rec.add_field(Field(tag="100", indicators=[" ", " "], subfields=[
            Subfield("a", f"{entered}d{year}    em y0chiy50      ea")]))
        rec.fields.extend(f for f in fixed if f.tag in ("101", "102"))
        if (f102 := rec.get("102")) is not None and CITY_CODES.get(place):
            f102.subfields = [Subfield("a", "CN"), Subfield("b", CITY_CODES[place])]
        rec.fields.extend(f for f in fixed if f.tag in ("105", "106"))
        title = [Subfield("a", main)]
        if sub:
            title.append(Subfield("e", sub))
        title.append(Subfield("f", f"{people[0]}{'等' if len(people) > 1 and role != '等著' else ''}{role}"))
        rec.add_field(Field(tag="200", indicators=["1", " "], subfields=title))
        if r.random() < 0.12:
            rec.add_field(Field(tag="205", indicators=[" ", " "], subfields=[Subfield("a", f"第{r.randint(2, 6)}版")]))
        rec.add_field(Field(tag="210", indicators=[" ", " "], subfields=[
            Subfield("a", place), Subfield("c", publisher), Subfield("d", str(year))]))
        rec.add_field(Field(tag="215", indicators=[" ", " "], subfields=[
            Subfield("a", f"{r.randint(80, 900)}页"), Subfield("d", f"{r.choice((19, 21, 23, 24, 26))}cm")]))
        if r.random() < 0.25:
            series = f"{self._word(topic)}{r.choice(('丛书', '文库', '系列教材', '研究丛书'))}"
            rec.add_field(Field(tag="225", indicators=["2", " "], subfields=[Subfield("a", series)]))
        if r.random() < 0.3:
            rec.add_field(Field(tag="330", indicators=[" ", " "], subfields=[
                Subfield("a", f"本书论述了{self._word(topic)}和{self._word(topic)}的{self._generic()}。")]))
        subj = r.choice(self.subjects[topic])
        heading = [Subfield("a", subj), Subfield("x", r.choice(("研究", "概况", "教材", "文集", "史料")))]
        if r.random() < 0.5:
            heading.append(Subfield("y", "中国"))
        rec.add_field(Field(tag="606", indicators=["0", " "], subfields=heading))
        rec.add_field(Field(tag="690", indicators=[" ", " "], subfields=[Subfield("a", clc), Subfield("v", "5")]))
        for i, person in enumerate(people):
            rec.add_field(Field(tag="701" if i == 0 else "702", indicators=[" ", "0"], subfields=[
                Subfield("a", person), Subfield("4", role.lstrip("等"))]))
        rec.fields.extend(f for f in fixed if f.tag == "801")
        rec.add_field(Field(tag="905", indicators=[" ", " "], subfields=[
            Subfield("a", "BM"), Subfield("d", clc), Subfield("e", str(r.randint(1, 999)))]))
        return rec


class WesternVariator:
    """MARC 21 LoC records varied: new identifiers and ISBN, perturbed title, sometimes other date/author."""

    STOP = {"the", "a", "an", "of", "and", "in", "on", "to", "for", "with", "by", "at", "from", "de", "la", "le",
            "der", "die", "und", "et", "des", "du"}

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.words: list[str] = []  # a reservoir of title words of records seen (frequency-weighted)
        self.subtitles: list[str] = []
        self.authors: list[Field] = []
        self.seen = 0

    def learn(self, rec: Record) -> None:
        """Feed the reservoirs from the records passing by."""
        r = self.rng
        self.seen += 1
        f245 = rec.get("245")
        if f245 is None:
            return
        for w in " ".join(f245.get_subfields("a")).split():
            w = w.strip(" /:;,.=[]()")
            if len(w) > 3 and w.isalpha() and w.lower() not in self.STOP:
                if len(self.words) < 50_000:
                    self.words.append(w)
                else:
                    self.words[r.randrange(50_000)] = w
        for b in f245.get_subfields("b")[:1]:
            if len(self.subtitles) < 5_000:
                self.subtitles.append(b)
            else:
                self.subtitles[r.randrange(5_000)] = b
        f100 = rec.get("100")
        if f100 is not None:
            if len(self.authors) < 5_000:
                self.authors.append(f100)
            else:
                self.authors[r.randrange(5_000)] = f100

    def vary(self, rec: Record, serial: int) -> Record:
        r = self.rng
        for tag in ("001", "003", "005", "010", "020", "035"):
            for f in rec.get_fields(tag):
                rec.remove_field(f)
        rec.add_ordered_field(Field(tag="001", data=f"bmw{serial:09d}"))
        rec.add_ordered_field(Field(tag="003", data="BM"))
        if r.random() < 0.8:
            rec.add_ordered_field(Field(tag="020", indicators=[" ", " "], subfields=[
                Subfield("a", isbn13(r.choice(("9780", "9781", "9798")), serial))]))
        f245 = rec.get("245")
        if f245 is not None and self.words:
            subs = list(f245.subfields)
            for i, sf in enumerate(subs):
                if sf.code == "a":
                    words = sf.value.split(" ")
                    slots = [j for j, w in enumerate(words) if len(w.strip(" /:;,.")) > 3 and w.isascii()]
                    for j in r.sample(slots, min(len(slots), r.choice((1, 1, 2)))):
                        tail = words[j][len(words[j].rstrip(" /:;,.=")):]
                        words[j] = r.choice(self.words) + tail
                    subs[i] = Subfield("a", " ".join(words))
                elif sf.code == "b" and self.subtitles and r.random() < 0.3:
                    subs[i] = Subfield("b", r.choice(self.subtitles))
            f245.subfields = subs
        f008 = rec.get("008")
        if f008 is not None and len(f008.data) >= 11 and f008.data[7:11].isdigit() and r.random() < 0.6:
            year = min(2016, int(f008.data[7:11]) + r.randint(1, 40))
            f008.data = f008.data[:7] + str(year) + f008.data[11:]
            for tag in ("260", "264"):
                for f in rec.get_fields(tag):
                    f.subfields = [Subfield("c", f"{year}.") if sf.code == "c" else sf for sf in f.subfields]
            if rec.get("250") is None and r.random() < 0.5:
                rec.add_ordered_field(Field(tag="250", indicators=[" ", " "], subfields=[
                    Subfield("a", r.choice(("2nd ed.", "3rd ed.", "New ed.", "Rev. ed.")))]))
        main = rec.get("100")
        if main is not None and self.authors and r.random() < 0.25:
            other = r.choice(self.authors)
            main.subfields = list(other.subfields)
        return rec


def build(force: bool = False) -> list[Path]:
    paths = [DATA / name for name, _ in FILES]
    if all(p.exists() for p in paths) and not force:
        return paths
    loc = ensure_loc()
    rng = random.Random(SEED)
    chinese = ChineseMaker(rng)
    western = WesternVariator(rng)
    originals = raw_records(loc)
    var_a = raw_records(loc, skip=83_333)
    var_b = raw_records(loc, skip=166_667)
    counts = {"loc_original": 0, "western_variation": 0, "chinese": 0, "unreadable_skipped": 0}
    start = time.perf_counter()
    serial = 0

    def varied(source) -> Record:
        while True:
            record, error, _ = decode_record(next(source), "utf-8")
            if error is None:
                western.learn(record)
                return western.vary(record, serial)
            counts["unreadable_skipped"] += 1

    for path, (_, size) in zip(paths, FILES, strict=True):
        tmp = path.with_suffix(".part")
        with open(tmp, "wb") as fh, MarcWriter(fh, "iso2709", "utf-8") as writer:
            for _ in range(size):
                slot = serial % 4
                if slot == 0:
                    fh.write(next(originals))  # byte for byte as LoC distributes it
                    counts["loc_original"] += 1
                elif slot == 2:
                    writer.write(chinese.make(serial))
                    counts["chinese"] += 1
                else:
                    writer.write(varied(var_a if slot == 1 else var_b))
                    counts["western_variation"] += 1
                serial += 1
                if serial % 50_000 == 0:
                    rate = serial / (time.perf_counter() - start)
                    print(f"  {serial:>9,} records, {rate:,.0f}/s", file=sys.stderr, flush=True)
        tmp.rename(path)
    manifest = {"files": [str(p.relative_to(REPO)) for p in paths], "records": TOTAL, "seed": SEED,
                "counts": counts, "seconds": round(time.perf_counter() - start, 1), "source": f"{PYMARC} {LOC_NAME}"}
    (DATA / "union-manifest.json").write_text(json.dumps(manifest, indent=1))
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="build again even if the files exist")
    args = parser.parse_args(argv)
    paths = build(args.force)
    manifest = DATA / "union-manifest.json"
    info = json.loads(manifest.read_text()) if manifest.exists() else {}
    print(json.dumps({"event": "build", "files": [str(p) for p in paths],
                      "bytes": [p.stat().st_size for p in paths], **{k: info.get(k) for k in ("counts", "seconds")}}))


if __name__ == "__main__":
    main()
