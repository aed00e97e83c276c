"""Records → RDF: IRIs, labels, evidence, memberships; ontology and shapes."""

from __future__ import annotations

from pathlib import Path

import owlrl
import pyshacl
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.store.rdf import (ENTITIES_GRAPH, KG, UIC, document_iri, document_quads, entity_iri,
                    insert_data, iri_segment, decode_segment, pinyin_label)
from kg.records import ENTITY_TYPES, PREDICATES, SYMMETRIC
from kg.store.backends import open_store

from seedgold import gold_results
from test_queries import load

# pyshacl drives rdflib through deprecated Dataset APIs, once per triple.
pytestmark = pytest.mark.filterwarnings("ignore:Dataset:DeprecationWarning")

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "uic.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
U = rdflib.Namespace(UIC)
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")

TEXT = "某某大学与某某市政府共建某某研究院。张三教授获聘某某市招才引智大使。"


def example(doc="a.txt", doc_id="0123456789abcdef", text=TEXT, relations=None):
    """A small hand-written extraction result."""
    return {
        "document": {"doc": doc, "doc_id": doc_id, "path": f"x/{doc}", "text": text,
                     "encoding": "utf-8"},
        "entities": [
            {"name": "某某大学", "type": "University", "aliases": ["某大"]},
            {"name": "某某市政府", "type": "Government", "aliases": []},
            {"name": "某某研究院", "type": "Platform", "aliases": []},
            {"name": "张三", "type": "Person", "aliases": []},
            {"name": "某某市招才引智大使", "type": "Role", "aliases": []},
        ],
        "relations": relations if relations is not None else [
            {"subject": "某某大学", "predicate": "builds", "object": "某某研究院",
             "subject_type": "University", "object_type": "Platform",
             "evidence": TEXT[:18], "start": 0, "end": 18, "trigger": "共建",
             "confidence": 0.9, "title": None},
            {"subject": "某某市政府", "predicate": "builds", "object": "某某研究院",
             "subject_type": "Government", "object_type": "Platform",
             "evidence": TEXT[:18], "start": 0, "end": 18, "trigger": "共建",
             "confidence": 0.8, "title": None},
            {"subject": "张三", "predicate": "appointedAs", "object": "某某市招才引智大使",
             "subject_type": "Person", "object_type": "Role",
             "evidence": TEXT[18:], "start": 18, "end": len(TEXT), "trigger": "获聘",
             "confidence": 0.9, "title": None},
            {"subject": "张三", "predicate": "affiliatedWith", "object": "某大",
             "subject_type": "Person", "object_type": "University",
             "evidence": TEXT[18:], "start": 18, "end": len(TEXT), "trigger": "教授",
             "confidence": 0.7, "title": "教授"},
        ]}


def to_graph(quads) -> rdflib.Graph:
    """The triples of ``quads`` (all graphs merged) as an rdflib graph."""
    return rdflib.Graph().parse(
        data="\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads),
        format="nt")


# --- IRIs and labels --------------------------------------------------------------------

def test_entity_iris_are_readable_stable_and_typed():
    iri = entity_iri("华南师范大学（清远）科技创新研究院", "Platform")
    assert iri == KG + "entity/Platform/华南师范大学（清远）科技创新研究院"
    assert iri == entity_iri("华南师范大学（清远）科技创新研究院", "Platform")
    assert entity_iri("清远", "Park") != entity_iri("清远", "Government")
    with pytest.raises(ValueError):
        entity_iri("x", "Thing")


@pytest.mark.parametrize("name", ["A/B 大学", "100%科技", "“Z计划”", "a#b?c<d>", "丰农控股(集团)"])
def test_iri_segments_round_trip_and_are_valid_iris(name):
    seg = iri_segment(name)
    assert decode_segment(seg) == name
    assert not set(seg) & set(" /#?<>\"{}|\\^`")
    rdflib.URIRef(KG + seg)  # rdflib accepts it
    assert document_iri(name).endswith(seg)


def test_pinyin_label():
    assert pinyin_label("西安交通大学") == "xī ān jiāo tōng dà xué"
    assert pinyin_label("清远高新区招才引智大使").startswith("qīng yuǎn gāo xīn qū")
    assert pinyin_label("Z计划") == "Z jì huà"


# --- the mapping ----------------------------------------------------------------------

def test_plain_triples_labels_and_named_graph():
    quads = document_quads(example())
    assert {q.graph_name.value for q in quads} == {document_iri("0123456789abcdef"), ENTITIES_GRAPH}
    own = to_graph(q for q in quads if q.graph_name.value == document_iri("0123456789abcdef"))
    shared = to_graph(q for q in quads if q.graph_name.value == ENTITIES_GRAPH)
    # descriptions and plain triples in the entity graph; the document's own
    # graph holds what it states: mentions, the names it used, evidence
    for p in (RDF.type, SKOS.prefLabel, SKOS.altLabel, RDFS.label, U.builds):
        assert not any(isinstance(s, rdflib.URIRef) and "/entity/" in s
                       for s in own.subjects(p, None)), p
    uni = rdflib.URIRef(entity_iri("某某大学", "University"))
    assert (rdflib.URIRef(document_iri("0123456789abcdef")), U.mentions, uni) in own
    assert (uni, U.mentionedAs, rdflib.Literal("某大", lang="zh")) in own
    assert (uni, SKOS.altLabel, rdflib.Literal("某大", lang="zh")) in shared
    assert not set(shared.subjects(RDF.type, U.Evidence))
    g = to_graph(quads)
    uni = rdflib.URIRef(entity_iri("某某大学", "University"))
    inst = rdflib.URIRef(entity_iri("某某研究院", "Platform"))
    assert (uni, U.builds, inst) in g
    assert (uni, RDF.type, U.University) in g
    assert (uni, SKOS.prefLabel, rdflib.Literal("某某大学", lang="zh")) in g
    assert (uni, SKOS.altLabel, rdflib.Literal("某大", lang="zh")) in g
    assert (uni, RDFS.label, rdflib.Literal("mǒu mǒu dà xué", lang="zh-latn-pinyin")) in g
    doc = rdflib.URIRef(document_iri("0123456789abcdef"))
    assert (doc, U.contentHash, rdflib.Literal("0123456789abcdef")) in g
    assert (doc, U.text, rdflib.Literal(TEXT)) in g


def test_relation_to_an_alias_uses_the_entity():
    g = (to_graph(document_quads(example())))
    person = rdflib.URIRef(entity_iri("张三", "Person"))
    uni = rdflib.URIRef(entity_iri("某某大学", "University"))
    assert (person, U.affiliatedWith, uni) in g
    assert not list(g.subjects(SKOS.prefLabel, rdflib.Literal("某大", lang="zh")))


def test_evidence_records_provenance():
    g = (to_graph(document_quads(example())))
    evs = set(g.subjects(RDF.type, U.Evidence))
    assert len(evs) == 4
    ev = next(e for e in evs if g.value(e, U.trigger) == rdflib.Literal("获聘"))
    assert g.value(ev, RDF.subject) == rdflib.URIRef(entity_iri("张三", "Person"))
    assert g.value(ev, RDF.predicate) == U.appointedAs
    assert g.value(ev, RDF.object) == rdflib.URIRef(entity_iri("某某市招才引智大使", "Role"))
    assert g.value(ev, PROV.wasDerivedFrom) == rdflib.URIRef(document_iri("0123456789abcdef"))
    assert str(g.value(ev, U.sentence)) == TEXT[18:]
    assert g.value(ev, U.start).toPython() == 18
    assert g.value(ev, U.end).toPython() == len(TEXT)
    assert g.value(ev, U.confidence).toPython() == 0.9
    assert g.value(ev, U.extractorVersion) is not None
    activity = g.value(ev, PROV.wasGeneratedBy)
    assert (activity, PROV.used, rdflib.URIRef(document_iri("0123456789abcdef"))) in g
    agent = g.value(activity, PROV.wasAssociatedWith)
    assert (agent, RDF.type, PROV.SoftwareAgent) in g


def test_title_becomes_org_membership():
    g = (to_graph(document_quads(example())))
    (m,) = set(g.subjects(RDF.type, ORG.Membership))
    assert g.value(m, ORG.member) == rdflib.URIRef(entity_iri("张三", "Person"))
    assert g.value(m, ORG.organization) == rdflib.URIRef(entity_iri("某某大学", "University"))
    role = g.value(m, ORG.role)
    assert (role, RDF.type, ORG.Role) in g
    assert g.value(role, SKOS.prefLabel) == rdflib.Literal("教授", lang="zh")


def test_resolver_reuses_iri_of_an_alias_of_the_same_type():
    calls = []

    def resolve(type_, name, aliases):
        calls.append((type_, name))
        if (type_, name) == ("University", "某某大学"):
            return KG + "entity/University/某某理工大学", "某某理工大学"
        return None

    g = (to_graph(document_quads(example(), resolve)))
    known = rdflib.URIRef(KG + "entity/University/某某理工大学")
    assert (known, U.builds, rdflib.URIRef(entity_iri("某某研究院", "Platform"))) in g
    assert (known, SKOS.prefLabel, rdflib.Literal("某某理工大学", lang="zh")) in g
    assert (known, SKOS.altLabel, rdflib.Literal("某某大学", lang="zh")) in g
    assert ("University", "某某大学") in calls


def test_insert_data_is_valid_sparql_for_tricky_literals(tmp_path):
    text = '引号"和\\反斜杠\n换行\t制表'
    result = example(text=text, relations=[])
    store = open_store(tmp_path / "s", create=True)
    store.update(insert_data(document_quads(result)))
    assert store.documents()[0]["text"] == text


def test_unknown_relation_end_without_type_is_an_error():
    rel = {"subject": "无名", "predicate": "builds", "object": "某某研究院",
           "subject_type": None, "object_type": "Platform"}
    with pytest.raises(ValueError, match="无名"):
        document_quads(example(relations=[rel]))


# --- ontology ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ontology():
    return rdflib.Graph().parse(ONTOLOGY)


def test_ontology_declares_every_type_and_predicate_in_both_languages(ontology):
    def labels(term, prop):
        return {l.language for l in ontology.objects(term, prop)}

    for t in ENTITY_TYPES:
        assert (U[t], RDF.type, OWL.Class) in ontology, t
        assert labels(U[t], RDFS.label) >= {"en", "zh"}, t
        assert labels(U[t], RDFS.comment) >= {"en", "zh"}, t
    for p in PREDICATES:
        assert (U[p], RDF.type, OWL.ObjectProperty) in ontology, p
        assert labels(U[p], RDFS.label) >= {"en", "zh"}, p
        assert labels(U[p], RDFS.comment) >= {"en", "zh"}, p
        assert ontology.value(U[p], RDFS.domain) is not None, p
        assert ontology.value(U[p], RDFS.range) is not None, p
        assert ((U[p], RDF.type, OWL.SymmetricProperty) in ontology) == (p in SYMMETRIC), p


def test_ontology_reuses_org_and_prov(ontology):
    assert (U.partOf, RDFS.subPropertyOf, ORG.subOrganizationOf) in ontology
    assert (U.appointedAs, RDFS.subPropertyOf, ORG.holds) in ontology
    assert (U.Role, RDFS.subClassOf, ORG.Post) in ontology
    assert (U.Evidence, RDFS.subClassOf, PROV.Entity) in ontology
    assert str(ontology.value(rdflib.URIRef(UIC.rstrip("#")), rdflib.URIRef(
        "http://purl.org/vocab/vann/preferredNamespaceUri"))) == UIC


@pytest.fixture(scope="module")
def seeds_graph(tmp_path_factory):
    """The gold seeds built into a store, exported as one rdflib graph."""
    store = open_store(tmp_path_factory.mktemp("rdf") / "s", create=True)
    load(store, gold_results())
    data = store.export("ttl")
    store.close()
    return rdflib.Graph().parse(data=data, format="turtle")


def test_owlrl_closure_runs_on_ontology_and_graph(ontology, seeds_graph):
    g = rdflib.Graph()
    for t in ontology:
        g.add(t)
    for t in seeds_graph:
        g.add(t)
    before = len(g)
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics).expand(g)
    assert len(g) > before
    uni = rdflib.URIRef(entity_iri("西安交通大学", "University"))
    assert (uni, RDF.type, ORG.Organization) in g     # via the ontology
    # symmetric signsWith and its superproperty under OWL RL
    g2 = rdflib.Graph()
    for t in ontology:
        g2.add(t)
    team = rdflib.URIRef(entity_iri("西安交通大学张彦峰教授团队", "Team"))
    company = rdflib.URIRef(entity_iri("清远市鑫辉化工有限公司", "Company"))
    g2.add((company, U.signsWith, team))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g2)
    assert (team, U.signsWith, company) in g2
    assert (team, U.cooperatesWith, company) in g2


def validate(data_graph):
    return pyshacl.validate(data_graph, shacl_graph=str(SHAPES), ont_graph=str(ONTOLOGY),
                            inference="none", allow_warnings=False)


def test_seeds_graph_conforms_to_shapes(seeds_graph):
    conforms, _, text = validate(seeds_graph)
    assert conforms, text


def test_shapes_catch_broken_graphs():
    g = (to_graph(document_quads(example())))
    assert validate(g)[0]
    uni = rdflib.URIRef(entity_iri("某某大学", "University"))

    broken = rdflib.Graph() + g
    broken.remove((uni, SKOS.prefLabel, None))
    conforms, _, text = validate(broken)
    assert not conforms and "prefLabel" in text

    broken = rdflib.Graph() + g
    broken.add((rdflib.URIRef(entity_iri("张三", "Person")), U.appointedAs, uni))
    assert not validate(broken)[0]          # appointedAs must point to a Role

    broken = rdflib.Graph() + g
    ev = next(iter(broken.subjects(RDF.type, U.Evidence)))
    broken.set((ev, U.confidence, rdflib.Literal(1.5)))
    assert not validate(broken)[0]

    broken = rdflib.Graph() + g
    broken.remove((uni, U.builds, None))    # evidence without its plain triple
    conforms, _, text = validate(broken)
    assert not conforms and "plain triple" in text
