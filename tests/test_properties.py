"""Properties of the cleaner and the extractor on arbitrary text
(hypothesis): nothing crashes, offsets point at the text they claim,
cleaning is a fixed point and keeps the surface form aligned."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.extraction.cleaning import normalise, repair, split_sentences
from kg.extraction.document import extract_document
from kg.extraction.name_rules import recognize

#: Text that looks like the input: CJK (common and name characters), the
#: punctuation of news, line breaks, digits, Latin, and anything else.
CJK = "星河大学东岭理工蓝海新材料科技有限公司南湖高新区管委会签约合作共建研究院王立新陈晓明获聘大使出席活动项目"
NEWS = st.text(alphabet=st.sampled_from(list(CJK + "“”，。、；：（）()—·\n \u3000 0123456789ABCxyz")),
               max_size=300)
ANY = st.text(max_size=200)
TEXT = st.one_of(NEWS, ANY)
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(TEXT)
def test_repair_is_a_fixed_point(raw):
    once = repair(raw)
    assert repair(once) == once


@SETTINGS
@given(TEXT)
def test_normalise_keeps_the_surface_form_aligned(raw):
    text, original = normalise(raw)
    assert len(text) == len(original)


@SETTINGS
@given(TEXT)
def test_sentence_offsets_cover_non_blank_spans(raw):
    text = repair(raw)
    spans = split_sentences(text)
    assert all(0 <= s < e <= len(text) and text[s:e].strip() == text[s:e] for s, e in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


@SETTINGS
@given(NEWS)
def test_mentions_point_at_their_text(sentence):
    for m in recognize(sentence):
        assert sentence[m["start"]:m["end"]] == m["text"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_extraction_never_crashes_and_evidence_is_the_text(raw):
    result = extract_document({"doc": "h.txt", "doc_id": "0" * 16, "raw": raw})
    text = result["document"]["text"]
    for rel in result["relations"]:
        assert text[rel["start"]:rel["end"]] == rel["evidence"]
        assert rel["subject"] and rel["object"]
