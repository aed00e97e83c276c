"""The example queries of ontology/queries answer correctly on the seeds.

The seeds graph here is built from the hand-checked gold annotations of
``seeds/gold`` (so the expected rows are known exactly, independent of the
extractor's recall), through the same mapping and store as ``kg build``;
each query's rows are compared with the answer computed from the gold JSON
directly.  ``test_build_seeds_*`` run the real ``kg build seeds/`` and check
the queries against the records the store holds.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from kg.store.rdf import document_quads
from kg.store.backends import open_store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
QUERIES = ROOT / "ontology" / "queries"


def load(store, results) -> None:
    for result in results:
        store.replace_document(result["document"]["doc_id"],
                               document_quads(result, store.resolver(result)))


def gold_triples(results) -> set[tuple]:
    """(subject, subject type, predicate, object, object type) over all documents."""
    return {(r["subject"], r["subject_type"], r["predicate"], r["object"], r["object_type"])
            for res in results for r in res["relations"]}


@pytest.fixture(scope="module")
def gold(gold_seed_results):
    return gold_seed_results


@pytest.fixture(scope="module")
def seeds_store(tmp_path_factory, gold):
    store = open_store(tmp_path_factory.mktemp("q") / "store", create=True)
    load(store, gold)
    yield store
    store.close()


def run(store, name: str, **replace) -> list[tuple]:
    query = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    for old, new in replace.items():
        query = query.replace(old, new)
    return store.query(query).values()


# --- expected answers, computed from the gold JSON ------------------------------------

def expect_universities_platforms(results):
    return sorted({(s, o, ot) for s, st, p, o, ot in gold_triples(results)
                   if st == "University" and p == "builds"})


def expect_teams_companies(results):
    triples = gold_triples(results)
    projects = defaultdict(set)
    for s, st, p, o, ot in triples:
        if st == "Team" and p == "hasProject":
            projects[s].add(o)
    rows = set()
    for s, st, p, o, ot in triples:
        if p != "signsWith":
            continue
        for team, tt, comp, ct in ((s, st, o, ot), (o, ot, s, st)):
            if tt == "Team" and ct == "Company":
                rows.add((team, comp, "、".join(sorted(projects[team]))))
    return sorted(rows)


def expect_ambassadors(results):
    triples = gold_triples(results)
    holder = defaultdict(set)
    for s, st, p, o, ot in triples:
        if p == "roleOf":
            holder[s].add(o)
    rows = set()
    for s, st, p, o, ot in triples:
        if p == "appointedAs" and st == "Person" and "大使" in o:
            rows.update((s, o, by) for by in holder[o] or [None])
    return sorted(rows, key=lambda r: (r[1], r[0], r[2] or ""))


def expect_incubated(results):
    by = defaultdict(set)
    for s, st, p, o, ot in gold_triples(results):
        if p == "incubates" and ot == "Company":
            by[(s, st)].add(o)
    return sorted(((pl, t, len(cs), set(cs)) for (pl, t), cs in by.items()),
                  key=lambda r: (-r[2], r[0]))


def expect_entity_evidence(results, name):
    rows = set()
    for res in results:
        aliases = {e["name"] for e in res["entities"]
                   if name == e["name"] or name in e.get("aliases", [])}
        for r in res["relations"]:
            if r["subject"] in aliases or r["object"] in aliases:
                rows.add((r["subject"], r["predicate"], r["object"], r["title"],
                          res["document"]["doc"], r["evidence"]))
    return rows


# --- the tests --------------------------------------------------------------------------

def test_every_query_is_documented_and_tested():
    names = sorted(p.stem for p in QUERIES.glob("*.rq"))
    assert names == ["ambassadors", "documents", "entity_evidence", "incubated",
                     "new_partners", "relations_in_period", "teams_companies",
                     "undated_documents", "universities_platforms"]
    for name in names:
        first = (QUERIES / f"{name}.rq").read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ") and len(first) > 20, name


def check_all(store, gold):
    """Assert every example query's rows on ``store`` built from ``gold``."""
    rows = run(store, "universities_platforms")
    assert rows == expect_universities_platforms(gold)
    assert ("中山大学", "中山大学清远创新药物研究中心", "Platform") in rows

    rows = run(store, "teams_companies")
    # GROUP_CONCAT's order is not fixed: compare the projects as sets
    assert [(t, c, set((p or "").split("、")) - {""}) for t, c, p in rows] == \
        [(t, c, set(p.split("、")) - {""}) for t, c, p in expect_teams_companies(gold)]
    assert ("西安交通大学张彦峰教授团队", "清远市鑫辉化工有限公司", "有机消光剂的研发") in rows

    rows = run(store, "ambassadors")
    assert rows == expect_ambassadors(gold)
    assert sorted(r[0] for r in rows) == sorted(["沈人杰", "殷晓练", "周雯", "冯鑫", "李勇"])
    assert {r[2] for r in rows} == {"清远高新区"}

    rows = run(store, "incubated")
    got = [(pl, t, n, set(names.split("、"))) for pl, t, n, names in rows]
    assert got == expect_incubated(gold)
    assert got[0][:3] == ("华南师范大学（清远）科技创新研究院", "Platform", 4)

    for name in ("清远华湾材料研究院", "华湾材料研究院", "沈人杰"):
        rows = run(store, "entity_evidence", **{'"清远华湾材料研究院"@zh': f'"{name}"@zh'})
        assert set(rows) == expect_entity_evidence(gold, name), name
        assert rows, name
        for subject, predicate, obj, title, doc, sentence in rows:
            assert name in (subject, obj) or name.startswith("华湾")
            assert sentence  # every statement comes with its sentence


def test_queries_answer_correctly_on_gold_seeds(seeds_store, gold):
    check_all(seeds_store, gold)


def test_entity_evidence_sentence_is_in_the_document(seeds_store, gold):
    texts = {r["document"]["doc"]: r["document"]["text"] for r in gold}
    rows = run(seeds_store, "entity_evidence")
    for *_, doc, sentence in rows:
        assert sentence in texts[doc]


def test_titles_survive_as_org_memberships(seeds_store):
    rows = seeds_store.query("""
        SELECT DISTINCT ?title WHERE {
          ?m a org:Membership ; org:member ?p ; org:organization ?o ; org:role ?r .
          ?p skos:prefLabel "王磊"@zh . ?o skos:prefLabel "陕西理工大学"@zh .
          ?r skos:prefLabel ?title }""").values()
    assert rows == [("党委常委、副校长",)]


def test_sorted_on_short_keys_in_the_order_of_the_whole_names(tmp_path):
    """teams_companies.rq sorts on each name's first five characters, then the
    whole name: the order of ``ORDER BY ?team ?company``, here with teams and
    companies whose names share their first five characters or are shorter."""
    teams = ["星河理工大学李明团队", "星河理工大学王芳团队", "星河理工大学王芳教授团队", "星河团队",
             "星河理工学院赵强团队", "云岭大学陈静团队"]
    companies = ["北辰精密机械有限公司", "北辰精密仪器有限公司", "北辰科技", "北辰精密机械有限公司二厂",
                 "东岳光电有限公司"]
    text = "".join(f"{t}与{c}签约。" for t in teams for c in companies)
    relations, at = [], 0
    for t in teams:
        for c in companies:
            sentence = f"{t}与{c}签约。"
            relations.append({"subject": t, "predicate": "signsWith", "object": c,
                              "subject_type": "Team", "object_type": "Company",
                              "evidence": sentence, "start": at, "end": at + len(sentence),
                              "trigger": "签约", "confidence": 1.0})
            at += len(sentence)
    entities = ([{"name": t, "type": "Team", "aliases": []} for t in teams]
                + [{"name": c, "type": "Company", "aliases": []} for c in companies])
    result = {"document": {"doc": "signings.txt", "doc_id": "1" * 16, "text": text},
              "entities": entities, "relations": relations}
    store = open_store(tmp_path / "s", create=True)
    try:
        load(store, [result])
        rows = [(t, c) for t, c, _ in run(store, "teams_companies")]
    finally:
        store.close()
    assert rows == sorted((t, c) for t in teams for c in companies)
