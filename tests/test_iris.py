"""Any name yields a valid IRI: the store never rejects a document because an
entity's name holds a character an IRI may not (private use, tag characters,
non-characters, controls)."""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import given, settings, strategies as st

from kg.store.rdf import decode_segment, document_quads, entity_iri, iri_segment


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=("Cs",)), min_size=1))
def test_every_name_makes_a_valid_iri_that_decodes_back(name):
    iri = entity_iri(name, "Company")
    assert ox.NamedNode(iri).value == iri          # pyoxigraph validates IRIs
    assert decode_segment(iri.rsplit("/", 1)[1]) == name


def test_a_document_naming_an_organisation_with_a_private_use_character_is_stored():
    name = "星河\ue000科技有限公司"
    tagged = "蓝海\U000e0041研究院"
    result = {"document": {"doc": "a.txt", "doc_id": "1" * 16, "text": f"{name}与{tagged}签约。"},
              "entities": [{"name": name, "type": "Company", "aliases": []},
                           {"name": tagged, "type": "ResearchInstitute", "aliases": []}],
              "relations": [{"subject": name, "predicate": "signsWith", "object": tagged,
                             "subject_type": "Company", "object_type": "ResearchInstitute",
                             "evidence": f"{name}与{tagged}签约。", "start": 0, "end": 16}]}
    store = ox.Store()
    store.extend(document_quads(result))
    labels = {q.object.value for q in store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), None)}
    assert {name, tagged} <= labels
    assert iri_segment(name) == "星河%EE%80%80科技有限公司"
