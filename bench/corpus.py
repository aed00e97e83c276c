"""Synthetic news corpus for scale tests: N articles in the style of the seeds.

What
----
Writes ``N`` short Chinese articles (a few hundred to about 1 500
characters) about university–industry–government collaboration.  Every
sentence comes from a template of a shape the extractor handles — a speaker
in apposition (某大学某学院副院长某某表示), signings (与…签约“…”项目),
joint construction (由A、B、C三方合作共建Y), appointments (获聘…大使),
settling in a park (落户/入驻), support (在…的支持下), incubation
(孵化了…), events (举办“…”活动, 出席) — filled with *generated* names of
universities, departments, companies, parks, platforms, government bodies,
persons, projects, events and roles.  No seed sentence is copied.

Why
---
The five seed articles are too few to measure how ``kg build`` and the
analyses scale.  Repeating them would give a graph that stops growing after
five documents; this corpus grows like a real news stream instead: new
organisations keep appearing while a few hubs (a popular university, a
busy high-tech zone) recur in many articles.  Each kind of entity is drawn
from a Pitman–Yor process ("rich get richer" with a steady flow of new
names), which gives the power-law degree distribution of real
collaboration networks.

Generation is sequential from one seeded random generator, so it is
deterministic, and the first ``n`` articles of a larger corpus are the
corpus of size ``n`` (same seed).

Example
-------
>>> docs = generate(3, seed=7)
>>> [name for name, _ in docs]
['00000.txt', '00001.txt', '00002.txt']
>>> generate(3, seed=7) == docs and generate(2, seed=7) == docs[:2]
True

Command line::

    .venv/bin/python bench/corpus.py 1000 bench/_work/corpus-1000 --seed 1
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

# --- name parts ------------------------------------------------------------------------------

#: Cities and districts that prefix organisation names (all in kg/data/places.txt).
PLACES = ("清远 宝鸡 汉中 咸阳 渭南 榆林 延安 安康 商洛 佛山 肇庆 江门 惠州 梅州 韶关 湛江 "
          "茂名 东莞 中山 珠海 汕头 揭阳 南通 扬州 镇江 泰州 盐城 嘉兴 湖州 绍兴 金华 台州 "
          "芜湖 赣州 潍坊 烟台 威海 洛阳 宜昌 襄阳 株洲 湘潭 柳州 桂林 绵阳 德阳 遵义 包头").split()
#: Characters for two-character name cores (星河, 东岭 …) of universities, brands, parks.
CORE_FIRST = "东西南北华新金银青云星海山江河湖岭松竹瑞恒泰隆盛宏鼎嘉丰"
CORE_SECOND = "河岭湖山川原州桥溪源峰林泉湾港岳阳宁安远晟达辉晨光"
#: Places of kg/data/places.txt and words a core must not be (it would read as a place).
NOT_CORES = set(PLACES) | {"西宁", "银川", "东莞", "海南", "云南", "江西", "山西", "河南", "湖南",
                           "湖北", "河北", "山东", "华山", "泰山", "黄山", "北京", "南京", "东方",
                           "西安", "安阳", "南宁", "新河", "湖山"}
UNIVERSITY_SUFFIXES = ("大学", "大学", "理工大学", "科技大学", "师范大学", "工业大学",
                       "农业大学", "医科大学", "职业技术学院")
DEPARTMENTS = ("材料科学与工程学院", "化学化工学院", "计算机科学与技术学院", "机械工程学院",
               "电子信息学院", "生命科学学院", "药学院", "经济管理学院", "能源与动力工程学院",
               "环境科学与工程学院", "物理学院", "农学院", "土木工程学院", "自动化学院")
#: (industry in a company name, the field it works on)
INDUSTRIES = (("新材料科技", "新材料"), ("智能科技", "人工智能"), ("生物医药", "生物医药"),
              ("电子科技", "集成电路"), ("信息技术", "工业软件"), ("环保科技", "污染治理"),
              ("机器人", "智能装备"), ("新能源科技", "储能"), ("精密机械", "高端装备"),
              ("医疗器械", "医疗器械"), ("农业科技", "现代农业"), ("光电科技", "光电"))
COMPANY_SUFFIXES = ("有限公司", "有限公司", "有限公司", "股份有限公司")
PARK_SUFFIXES = ("高新区", "高新区", "高新区", "经济技术开发区", "科技园")
PLATFORM_PATTERNS = ("{uni}（{place}）科技创新研究院", "{uni}{place}技术转移中心",
                     "{place}{field}产业创新中心", "{place}{core}孵化器", "{place}{field}研究院",
                     "{place}{core}众创空间")
GOVERNMENT_PATTERNS = ("{place}市科技局", "{place}市人民政府", "{place}市人力资源和社会保障局",
                       "{place}市工业和信息化局", "{place}市{core}区人民政府", "{place}市{core}区科技局")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范金石廖贾夏"
GIVEN = "建华明伟立新晓文博志强秀英丽华国庆海涛俊杰振宇子涵思远嘉怡雨欣浩然冠群永德世昌"
DEPARTMENT_TITLES = ("院长", "副院长", "副院长", "教授", "教授", "研究员")
UNIVERSITY_TITLES = ("副校长", "副校长", "党委书记", "校长")
COMPANY_TITLES = ("董事长", "总经理", "副总经理", "首席科学家", "技术总监")
GOVERNMENT_TITLES = {"人民政府": ("市长", "副市长", "副市长"), "局": ("局长", "副局长", "副局长")}
TECHNOLOGIES = ("高性能锂电池隔膜", "海洋防腐涂料", "智能电力巡检机器人", "生物基可降解材料",
                "工业视觉检测系统", "新型疫苗佐剂", "碳化硅功率器件", "氢燃料电池电堆",
                "高端轴承钢", "柔性显示薄膜", "农作物病虫害智能监测", "中药材精深加工",
                "固态电池电解质", "精密减速器", "医用可吸收支架", "稀土永磁电机",
                "污水深度处理膜", "北斗高精度定位终端", "工业互联网安全网关", "特种陶瓷纤维")
PROJECT_PREFIXES = ("", "", "新一代", "高效", "低成本", "大尺寸", "超薄", "智能化", "绿色",
                    "车规级", "国产化", "百吨级")
PROJECT_STAGES = ("产业化", "关键技术研发", "中试", "示范应用", "联合攻关")
EVENT_PATTERNS = ("{year}{place}创新创业大赛", "{uni}科技成果走进{place}",
                  "{place}产学研合作洽谈会", "{year}{place}高层次人才创新创业峰会")
ROLE_PATTERNS = ("{place}招才引智大使", "{park}科技特派员", "{uni}产业教授",
                 "{park}产业发展顾问")
QUOTES = ("学院将与企业共建联合实验室，让更多成果走出实验室。",
          "学校将持续推动科技成果在地方落地转化。",
          "我们希望把更多高校的创新资源引到企业身边。",
          "企业最缺的是懂技术的人才，和高校合作正好补上这块短板。",
          "这次合作是校地双方优势互补、互利共赢的新起点。",
          "园区将为入驻团队提供场地、资金和政策的全链条服务。")
FILLERS = ("据悉，近年来{park}持续推进产学研深度融合，科技成果转化成效逐步显现。",
           "{place}正处于产业转型升级的关键阶段，对技术和人才的需求十分迫切。",
           "业内人士认为，校地合作正在从“点对点”走向“平台化”。",
           "下一步，双方将在人才培养、联合攻关、成果转化等方面深化合作。",
           "目前，{park}已集聚{field}企业{n}余家，形成了较为完整的产业链。",
           "活动吸引了{n}余家企业和{m}所高校的代表参加。")


# --- the world: entities drawn from Pitman–Yor pools ---------------------------------------

@dataclass
class Entity:
    """A generated entity: its name and the facts that stay fixed across articles."""

    name: str
    kind: str
    place: str = ""
    domain: str = ""         # an industry; a person's department
    short: str = ""          # a park's name without its suffix, a university's core
    owner: "Entity | None" = None   # a person's organisation, a platform's university
    title: str = ""


@dataclass
class Pool:
    """Draws entities of one kind: mostly earlier ones, "rich get richer",
    sometimes a new one (Pitman–Yor with concentration ``theta`` and
    discount ``discount``: the number of distinct entities grows like
    ``n ** discount`` and their frequencies follow a power law).

    >>> rng = random.Random(0)
    >>> pool = Pool(lambda r: Entity(name=str(len(pool.items)), kind="x"), rng, theta=2, discount=0.5)
    >>> names = [pool.draw().name for _ in range(200)]
    >>> 10 < len(set(names)) < 100 and Counter(names).most_common(1)[0][1] > 10
    True
    """

    make: Callable[[random.Random], Entity]
    rng: random.Random
    theta: float
    discount: float
    items: list[Entity] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    draws: list[int] = field(default_factory=list)

    def draw(self) -> Entity:
        n, k = len(self.draws), len(self.items)
        if self.rng.random() * (n + self.theta) < self.theta + self.discount * k:
            self.items.append(self.make(self.rng))
            self.counts.append(0)
            index = k
        else:
            while True:  # pick ∝ count, accept with (count − discount) / count
                index = self.draws[self.rng.randrange(n)]
                c = self.counts[index]
                if self.rng.random() * c < c - self.discount:
                    break
        self.counts[index] += 1
        self.draws.append(index)
        return self.items[index]

    def distinct(self, k: int) -> list[Entity]:
        """``k`` draws without repeats (fewer if the pool keeps repeating)."""
        out: list[Entity] = []
        for _ in range(4 * k):
            ent = self.draw()
            if ent not in out:
                out.append(ent)
                if len(out) == k:
                    break
        return out


class World:
    """All entity pools and the name generators behind them."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()
        self.universities = Pool(self._university, rng, theta=10, discount=0.4)
        self.companies = Pool(self._company, rng, theta=30, discount=0.6)
        self.parks = Pool(self._park, rng, theta=15, discount=0.45)
        self.governments = Pool(self._government, rng, theta=12, discount=0.3)
        self.platforms = Pool(self._platform, rng, theta=8, discount=0.5)
        self.projects = Pool(self._project, rng, theta=20, discount=0.5)
        self.events = Pool(self._event, rng, theta=10, discount=0.6)
        self.roles = Pool(self._role, rng, theta=5, discount=0.5)
        self.people: dict[str, Pool] = {}

    def _unique(self, make: Callable[[], tuple], tries: int = 1000) -> tuple | None:
        """Call ``make() -> (name, *facts)`` until the name is new; ``None``
        after ``tries`` (an error if ``tries`` is the default)."""
        for _ in range(tries):
            made = make()
            if made[0] not in self.used:
                self.used.add(made[0])
                return made
        if tries == 1000:
            raise RuntimeError("name space exhausted")
        return None

    def core(self) -> str:
        """A two-character name core that is not a place name (星河, 东岭 …)."""
        while True:
            core = self.rng.choice(CORE_FIRST) + self.rng.choice(CORE_SECOND)
            if core not in NOT_CORES:
                return core

    def _university(self, rng) -> Entity:
        def make():
            core = self.core()
            return (core + rng.choice(UNIVERSITY_SUFFIXES), core)
        core_taken = {u.short for u in self.universities.items}
        while True:   # one university per core, so that 星河大学 is never ambiguous
            name, core = self._unique(make)
            if core not in core_taken:
                return Entity(name, "University", place=rng.choice(PLACES), short=core)

    def _company(self, rng) -> Entity:
        def make():
            industry, domain = rng.choice(INDUSTRIES)
            place = rng.choice(PLACES)
            return (place + self.core() + industry + rng.choice(COMPANY_SUFFIXES), place, domain)
        name, place, domain = self._unique(make)
        return Entity(name, "Company", place=place, domain=domain)

    def _park(self, rng) -> Entity:
        def make():
            place, suffix = rng.choice(PLACES), rng.choice(PARK_SUFFIXES)
            short = place + self.core() if suffix == "科技园" else place
            return (short + suffix, place, short)
        name, place, short = self._unique(make)
        return Entity(name, "Park", place=place, short=short)

    def _government(self, rng) -> Entity:
        def make():
            place = rng.choice(PLACES)
            return (rng.choice(GOVERNMENT_PATTERNS).format(place=place, core=self.core()), place)
        name, place = self._unique(make)
        return Entity(name, "Government", place=place)

    def _platform(self, rng) -> Entity:
        uni = self.universities.draw()

        def make():
            place, domain = rng.choice(PLACES), rng.choice(INDUSTRIES)[1]
            return (rng.choice(PLATFORM_PATTERNS).format(
                uni=uni.name, place=place, field=domain, core=self.core()), place, domain)
        name, place, domain = self._unique(make)
        return Entity(name, "Platform", place=place, domain=domain, owner=uni)

    def _project(self, rng) -> Entity:
        (name,) = self._unique(lambda: (rng.choice(PROJECT_PREFIXES) + rng.choice(TECHNOLOGIES)
                                        + rng.choice(PROJECT_STAGES),))
        return Entity(name, "Project")

    def _event(self, rng) -> Entity:
        made = None
        while made is None:
            uni = self.universities.draw()
            made = self._unique(lambda: (rng.choice(EVENT_PATTERNS).format(
                year=rng.randrange(2016, 2025), place=rng.choice(PLACES), uni=uni.name),), 30)
        return Entity(made[0], "Event")

    def _role(self, rng) -> Entity:
        made = None
        while made is None:   # a hub may already have all its roles: another park/university
            park, uni = self.parks.draw(), self.universities.draw()
            made = self._unique(lambda: (rng.choice(ROLE_PATTERNS).format(
                place=rng.choice(PLACES), park=park.name, uni=uni.name),), 30)
        return Entity(made[0], "Role")

    def person(self, org: Entity, titles: tuple[str, ...], unit: str = "") -> Entity:
        """A person of ``org`` (or of its ``unit``); each has a small pool of
        people, so the same names come back with the same affiliation."""
        key = org.name + unit
        if key not in self.people:
            def make(rng):
                (name,) = self._unique(lambda: (rng.choice(SURNAMES) + "".join(
                    rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2)))),))
                return Entity(name, "Person", owner=org, domain=unit, title=rng.choice(titles))
            self.people[key] = Pool(make, self.rng, theta=1.5, discount=0.3)
        return self.people[key].draw()


# --- articles ---------------------------------------------------------------------------------

@dataclass
class Article:
    """The cast of one article: a host park and government, a main
    university, companies and platforms, all drawn from the world's pools."""

    world: World
    rng: random.Random
    park: Entity
    government: Entity
    universities: list[Entity]
    companies: list[Entity]
    platform: Entity
    event: Entity

    @property
    def uni(self) -> Entity:
        return self.universities[0]

    def company(self) -> Entity:
        return self.rng.choice(self.companies)

    def professor(self, uni: Entity | None = None) -> tuple[Entity, str]:
        """A person of a department of ``uni`` (default: one of the article's
        universities) and the full name of the department."""
        uni = uni or self.rng.choice(self.universities)
        unit = self.rng.choice(DEPARTMENTS)
        return self.world.person(uni, DEPARTMENT_TITLES, unit), uni.name + unit

    def official(self) -> Entity:
        """A person of the article's government body, titled after its kind."""
        gov = self.government
        titles = next(t for suffix, t in GOVERNMENT_TITLES.items() if gov.name.endswith(suffix))
        return self.world.person(gov, titles)


def _n(rng, lo, hi) -> int:
    return rng.randrange(lo, hi)


# Each template: Article -> one sentence (or two), in a shape the extractor reads.

def speech_university(a: Article) -> str:
    person, unit = a.professor()
    return f"{unit}{person.title}{person.name}表示，{a.rng.choice(QUOTES)}"


def speech_company(a: Article) -> str:
    company = a.company()
    person = a.world.person(company, COMPANY_TITLES)
    return (f"{company.name}{person.title}{person.name}介绍，公司今年研发投入超过"
            f"{_n(a.rng, 2, 90) * 100}万元，{company.domain}业务增长明显。")


def signs_project(a: Article) -> str:
    person, unit = a.professor()
    project = a.world.projects.draw()
    return f"活动中，{unit}{person.name}教授团队与{a.company().name}签约“{project.name}”项目。"


def signs_framework(a: Article) -> str:
    return f"现场，{a.government.name}与{a.uni.name}签订校地合作框架协议。"


def signs_strategic(a: Article) -> str:
    return f"{a.rng.choice(a.universities).name}与{a.company().name}签署战略合作协议。"


def builds_jointly(a: Article) -> str:
    company = a.company()
    return (f"{_n(a.rng, 2018, 2025)}年{_n(a.rng, 1, 13)}月，由{a.platform.owner.name}、"
            f"{a.government.name}、{company.name}三方合作共建{a.platform.name}。")


def builds_unveiled(a: Article) -> str:
    return f"{a.park.name}管委会与{a.uni.name}共建的{a.platform.name}日前正式揭牌。"


def appointed_ambassador(a: Article) -> str:
    company = a.company()
    person = a.world.person(company, COMPANY_TITLES)
    role = a.world.roles.draw()
    return f"{company.name}{person.title}{person.name}获聘{role.name}。"


def appointed_list(a: Article) -> str:
    names = []
    for _ in range(3):
        person, _unit = a.professor()
        if person.name not in names:
            names.append(person.name)
    return f"会上，{'、'.join(names)}获聘{a.world.roles.draw().name}。"


def settles(a: Article) -> str:
    company = a.company()
    if a.rng.random() < 0.5:
        return f"{company.name}落户{a.park.name}。"
    return f"{company.name}于{_n(a.rng, 2015, 2025)}年入驻{a.park.name}。"


def supported(a: Article) -> str:
    return (f"在{a.government.name}的支持下，{a.platform.name}建成了"
            f"{_n(a.rng, 2, 9)}个公共技术服务平台。")


def incubates(a: Article) -> str:
    firms = a.world.companies.distinct(3)
    listed = "、".join(c.name for c in firms[:-1]) + f"和{firms[-1].name}" if len(firms) > 1 \
        else firms[0].name
    return f"{a.platform.name}孵化了{listed}。"


def organises(a: Article) -> str:
    if a.rng.random() < 0.5:
        return f"由{a.government.name}主办的“{a.event.name}”在{a.park.name}举行。"
    return f"{a.park.name}管委会与{a.uni.name}联合举办“{a.event.name}”对接会。"


def attends(a: Article) -> str:
    official = a.official()
    person = a.world.person(a.uni, UNIVERSITY_TITLES)
    return (f"{a.government.name}{official.title}{official.name}、{a.uni.name}"
            f"{person.title}{person.name}等出席活动。")


def recruits(a: Article) -> str:
    return f"近年来，{a.park.name}引进{a.company().name}等一批龙头企业。"


def founded(a: Article) -> str:
    company = a.company()
    founder = a.world.person(company, ("董事长",))
    return (f"{company.name}由{a.rng.choice(a.universities).name}校友{founder.name}"
            f"于{_n(a.rng, 2008, 2023)}年创立。")


def leads(a: Article) -> str:
    person, unit = a.professor()
    return (f"{person.name}教授领衔的{unit}{a.uni.short}{a.platform.domain}创新团队"
            f"长期从事{a.rng.choice(TECHNOLOGIES)}研究。")


def filler(a: Article) -> str:
    return a.rng.choice(FILLERS).format(park=a.park.name, place=a.park.place,
                                        field=a.company().domain, n=_n(a.rng, 10, 300),
                                        m=_n(a.rng, 3, 30))


#: (template, weight)
TEMPLATES = ((speech_university, 4), (speech_company, 3), (signs_project, 3),
             (signs_framework, 1), (signs_strategic, 2), (builds_jointly, 1),
             (builds_unveiled, 1), (appointed_ambassador, 2), (appointed_list, 1),
             (settles, 3), (supported, 1), (incubates, 1), (organises, 2), (attends, 2),
             (recruits, 2), (founded, 1), (leads, 1), (filler, 4))
HEADLINES = ("{uni}与{park}携手推动科技成果转化", "“{event}”在{park}举行",
             "{park}：校企合作结出新硕果", "{uni}走进{place}，校地合作再上新台阶")


def article(world: World, rng: random.Random) -> str:
    """One article: a headline, a dated lead and 5–28 template sentences in
    paragraphs of one to three sentences."""
    universities = world.universities.distinct(rng.choice((1, 2, 2, 3)))
    a = Article(world, rng, park=world.parks.draw(), government=world.governments.draw(),
                universities=universities,
                companies=world.companies.distinct(rng.randrange(2, 7)),
                platform=world.platforms.draw(), event=world.events.draw())
    headline = rng.choice(HEADLINES).format(uni=a.uni.name, park=a.park.name,
                                            place=a.park.place, event=a.event.name)
    lead = (f"{_n(rng, 1, 13)}月{_n(rng, 1, 29)}日，“{a.event.name}”活动在{a.park.name}举行，"
            f"{a.uni.name}与{len(a.companies)}家企业代表参加。")
    templates, weights = zip(*TEMPLATES)
    count = min(28, 5 + int(rng.expovariate(1 / 7)))
    sentences = [t(a) for t in rng.choices(templates, weights=weights, k=count)]
    paragraphs, i = [lead], 0
    while i < len(sentences):
        k = rng.choice((1, 2, 2, 3))
        paragraphs.append("".join(sentences[i:i + k]))
        i += k
    return headline + "\n\n" + "\n\n".join(paragraphs) + "\n"


def generate(n: int, seed: int = 0) -> list[tuple[str, str]]:
    """``n`` articles as ``(file name, text)``; deterministic for a seed, and
    a prefix of any larger corpus with the same seed.

    >>> docs = generate(20, seed=1)
    >>> all(200 < len(text) < 2000 for _, text in docs)
    True
    """
    rng = random.Random(seed)
    world = World(rng)
    width = max(5, len(str(n - 1)))
    return [(f"{i:0{width}d}.txt", article(world, rng)) for i in range(n)]


def write_corpus(n: int, out_dir: str | Path, seed: int = 0) -> dict:
    """Write :func:`generate` ``(n, seed)`` into ``out_dir`` (created; other
    ``.txt`` files there are removed) and return a summary."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    docs = generate(n, seed)
    keep = {name for name, _ in docs}
    for old in out.glob("*.txt"):
        if old.name not in keep:
            old.unlink()
    for name, text in docs:
        path = out / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    lengths = [len(text) for _, text in docs]
    return {"articles": n, "characters": sum(lengths), "min": min(lengths, default=0),
            "max": max(lengths, default=0), "seed": seed, "dir": str(out)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("out_dir", help="folder to write NNNNN.txt into")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    s = write_corpus(args.n, args.out_dir, args.seed)
    print(f"{s['articles']} articles, {s['characters']:,} characters "
          f"({s['min']}–{s['max']} per article) → {s['dir']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
