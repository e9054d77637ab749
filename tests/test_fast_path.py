"""The fast path (impact arrays) ranks exactly as the whoosh reference path."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import searchlib
from searchlib import Article, RankingSettings
from searchlib.document_store import DOCUMENTS_NAME
from searchlib.errors import SearchlibError
from searchlib.indexing import write_index

QUERIES = [
    "Lachin corridor",
    "Artsakh",
    "Red Cross",
    "corridor",
    "corridors corridor corridor",  # repeated words
    "Nagorno-Karabakh",  # a phrase from one hyphenated word
    '"economic corridor" China',
    "Baku oil",
    "Azerbaijan Armenia Russia",
    "medicine hospitals Yemen ICRC",
    "Zürich U.S. delegation",
    "Stepanakert Khankendi",
    "nothing-matches-this zyxwv",
]


def ranked(index: searchlib.Index, query: str, reference: bool, **options: object):  # type: ignore[no-untyped-def]
    results = index.search(query, limit=20, reference=reference, **options)  # type: ignore[arg-type]
    return [(hit.id, hit.score) for hit in results], results.total


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("syntax", ["query", "natural"])
def test_same_hits_scores_and_totals(tiny_index: searchlib.Index, query: str, syntax: str) -> None:
    fast = ranked(tiny_index, query, False, syntax=syntax)
    reference = ranked(tiny_index, query, True, syntax=syntax)
    assert fast[1] == reference[1]
    assert [i for i, _ in fast[0]] == [i for i, _ in reference[0]]
    assert [s for _, s in fast[0]] == pytest.approx([s for _, s in reference[0]], abs=1e-6)


@pytest.mark.parametrize("query", QUERIES)
def test_snippets_cut_from_saved_offsets_equal_analysed_ones(
    tiny_index: searchlib.Index, query: str
) -> None:
    """The fast path cuts snippets where the arrays say the matches start;
    the whoosh path analyses the text again: same snippets, same highlights."""
    fast, reference = (
        [(h.id, h.snippet, h.highlights) for h in tiny_index.search(query, reference=r)]
        for r in (False, True)
    )
    assert fast == reference


def test_a_store_without_sentence_starts_gives_the_same_snippets(tmp_path: Path) -> None:
    """A document store written before sentence starts were kept: the
    snippet looks for them in the text, and is the same."""
    from tests.conftest import TINY_CORPUS

    with searchlib.build_index(TINY_CORPUS, tmp_path) as index:
        expected = {query: index.search(query).hits for query in QUERIES}
    (store,) = tmp_path.glob(f"gen-*/{DOCUMENTS_NAME}")
    with sqlite3.connect(store) as database:
        database.execute("ALTER TABLE body DROP COLUMN sentences")
    with searchlib.open_index(tmp_path) as reopened:
        for query in QUERIES:
            assert reopened.search(query).hits == expected[query], query


@pytest.mark.parametrize("numpy_from", [10**9, 0], ids=["python", "numpy"])
def test_phrases_on_saved_positions_match_what_whoosh_matches(
    tiny_index: searchlib.Index, numpy_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy  # noqa: F401 - the numpy check runs only once numpy is imported
    from whoosh import query as wq

    from searchlib import impact_reading

    monkeypatch.setattr(impact_reading, "NUMPY_PHRASE_CANDIDATES", numpy_from)
    monkeypatch.setattr(impact_reading, "PHRASE_CACHE_SIZE", 0)
    from tests.conftest import TINY_CORPUS

    impact = tiny_index._impact
    assert impact is not None
    searcher = tiny_index._open_searcher()
    phrases = {("red", "cross"), ("corridor", "corridor"), ("lachin", "nothing")}
    for article in TINY_CORPUS:
        terms = tiny_index.analyzer.terms(f"{article.title} {article.text}")
        for size in (2, 3):
            phrases |= {tuple(terms[i : i + size]) for i in range(len(terms) - size + 1)}
    assert len(phrases) > 50
    for phrase in sorted(phrases):
        for field in ("content", "title"):
            expected = sorted(searcher.docs_for_query(wq.Phrase(field, list(phrase))))
            assert impact.phrase_documents(field, phrase) == expected, (field, phrase)


@pytest.mark.parametrize(
    "ranking",
    [
        RankingSettings(k1=0.7, b=0.3, title_weight=0, synonym_weight=0.9),
        RankingSettings(synonym_weight=0),  # a document may match and score nothing
        RankingSettings(title_weight=-0.5),
    ],
    ids=["k1-b-titles", "synonyms-weigh-nothing", "titles-weigh-less"],
)
def test_same_with_other_parameters(make_index, ranking: RankingSettings) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import TINY_CORPUS

    index = make_index(TINY_CORPUS, ranking=ranking)
    for query in QUERIES:
        (fast, fast_total), (reference, reference_total) = (
            ranked(index, query, False),
            ranked(index, query, True),
        )
        assert fast_total == reference_total
        assert [i for i, _ in fast] == [i for i, _ in reference]
        assert [s for _, s in fast] == pytest.approx([s for _, s in reference], abs=1e-6)


class WhooshPathUsed(SearchlibError):
    """Raised by the test in place of the whoosh path (a searchlib error, so
    that it passes through unchanged)."""


def test_fast_path_is_used_for_plain_words(tiny_index: searchlib.Index, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def refuse(*args: object) -> None:
        raise WhooshPathUsed("whoosh path used")

    monkeypatch.setattr(tiny_index, "_ranked_by_whoosh", refuse)
    assert tiny_index.search("Lachin corridor").hits
    with pytest.raises(WhooshPathUsed, match="whoosh path used"):
        tiny_index.search("title:Lachin")


def test_ties_are_broken_by_id_on_both_paths(make_index) -> None:  # type: ignore[no-untyped-def]
    articles = [Article(id=f"doc-{n:02d}", text="same words") for n in (5, 3, 9, 1, 7)]
    index = make_index(articles)
    fast = [h.id for h in index.search("words", limit=3)]
    reference = [h.id for h in index.search("words", limit=3, reference=True)]
    assert fast == reference == ["doc-01", "doc-03", "doc-05"]


def test_stale_arrays_after_an_update_leave_whoosh_to_answer(make_index) -> None:  # type: ignore[no-untyped-def]
    """The arrays describe the build; after an update whoosh answers, with
    the update's articles, and a rebuild brings the fast path back."""
    index = make_index()
    assert index._impact is not None
    index.add([Article(id="zz-new", title="Lachin corridor", text="The Lachin corridor again.")])
    assert index._impact is None
    hits = [hit.id for hit in index.search("Lachin corridor", limit=50)]
    assert "zz-new" in hits
    assert ranked(index, "Lachin corridor", False) == ranked(index, "Lachin corridor", True)

    write_index([Article(id="only", text="Lachin corridor")], index.path)
    assert index.refresh()
    assert index._impact is not None and index._stems is not None
    assert [hit.id for hit in index.search("Lachin corridor")] == ["only"]
    assert ranked(index, "corridor", False) == ranked(index, "corridor", True)


@pytest.mark.parametrize("sort_share", [16, 10**9], ids=["marked", "sorted"])
@pytest.mark.parametrize("query", QUERIES)
def test_python_and_numpy_scorers_agree_to_the_last_bit(
    tiny_index: searchlib.Index, query: str, sort_share: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over the touched documents or all, found by sorting or marking: the
    same numbers."""
    from searchlib import impact_reading
    from searchlib.impact_reading import _NumpyScorer, _PythonScorer

    monkeypatch.setattr(impact_reading, "SORT_SHARE", sort_share)
    compiled = tiny_index.compile(query)
    impact = tiny_index._impact
    assert compiled.concepts is not None and impact is not None
    rankings = (
        tiny_index.ranking,
        RankingSettings(k1=0.7, b=0.3, title_weight=0),
        RankingSettings(synonym_weight=0),  # a document may match and score nothing
        RankingSettings(title_weight=-0.5),
    )
    for ranking in rankings:
        for limit in (1, 3, 50):
            for all_words_first in (True, False):
                python, *numpy = (
                    scorer.rank(compiled.concepts, limit, all_words_first)
                    for scorer in (
                        _PythonScorer(impact, ranking),
                        _NumpyScorer(impact, ranking, compact=True),
                        _NumpyScorer(impact, ranking, compact=False),
                    )
                )
                assert numpy == [python, python]


def test_phrase_scores_are_kept_between_searches_within_their_budget(
    tiny_index: searchlib.Index,
) -> None:
    import numpy as np

    from searchlib.impact_reading import PhraseScores, _NumpyScorer, _PythonScorer

    impact = tiny_index._impact
    assert impact is not None
    impact.phrase_scores = PhraseScores()
    compiled = tiny_index.compile("Artsakh")  # expands to the phrase "nagorno karabakh"
    assert compiled.concepts is not None
    expected = _PythonScorer(impact, tiny_index.ranking).rank(compiled.concepts, 50, True)
    for _ in range(2):  # scored, then taken from what was kept
        scorer = _NumpyScorer(impact, tiny_index.ranking)
        assert scorer.rank(compiled.concepts, 50, True) == expected
        assert impact.phrase_scores.documents > 0
    phrase = ("nagorno", "karabakh")
    kept = impact.phrase_scores.get("content", phrase, tiny_index.ranking)
    assert kept is not None and not kept[1].flags.writeable
    assert impact.phrase_scores.get("content", phrase, RankingSettings(k1=0.7)) is None

    small = PhraseScores(budget=5)
    ranking = RankingSettings()
    three = (np.arange(3, dtype=np.int32), np.ones(3))
    small.keep("content", ("a", "b"), ranking, three)
    small.keep("content", ("c", "d"), ranking, (three[0].copy(), three[1].copy()))
    assert small.documents == 3  # the oldest made room
    assert small.get("content", ("a", "b"), ranking) is None
    assert small.get("content", ("c", "d"), ranking) is not None
    small.keep("title", ("e", "f"), ranking, (np.arange(6, dtype=np.int32), np.ones(6)))
    assert small.get("title", ("e", "f"), ranking) is None  # larger than the whole budget
    assert small.documents == 3


def test_saved_saturations_are_what_ranking_computes_to_the_bit(
    tiny_index: searchlib.Index,
) -> None:
    import numpy as np

    from searchlib.impact_reading import SCORED_FIELDS, vectorised_saturations
    from searchlib.ranking import bm25_saturation

    impact = tiny_index._impact
    assert impact is not None
    assert impact.saved_saturations("content", RankingSettings(k1=0.7)) is None
    for field in SCORED_FIELDS:
        saved = impact.saved_saturations(field, RankingSettings())
        assert saved is not None and saved.length == impact._docs[field].length > 0
        docs = impact._docs[field].numpy()
        tfs = impact._tfs[field].numpy()
        lengths = impact._lengths[field].numpy()
        average = impact._average[field]
        one_by_one = [
            bm25_saturation(float(tf), float(lengths[doc]), average, 1.2, 0.75)
            for doc, tf in zip(docs, tfs, strict=True)
        ]
        assert saved.numpy().tolist() == one_by_one
        at_once = vectorised_saturations(np, tfs, lengths[docs], average, RankingSettings())
        assert at_once.tolist() == one_by_one


def test_an_index_built_without_saturations_ranks_the_same(make_index) -> None:  # type: ignore[no-untyped-def]
    """Indexes built before saturations were saved compute them per query."""
    import json

    index = make_index()
    before = {query: ranked(index, query, False) for query in QUERIES}
    index.close()
    (generation,) = index.path.glob("gen-*")
    meta_path = generation / "impact" / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    del meta["saturations"]
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    for saturations in (generation / "impact").glob("*.saturations.npy"):
        saturations.unlink()
    with searchlib.open_index(index.path) as reopened:
        assert reopened._impact is not None
        assert reopened._impact.saved_saturations("content", RankingSettings()) is None
        assert {query: ranked(reopened, query, False) for query in QUERIES} == before


def test_saturations_written_a_few_postings_at_a_time_are_the_same(  # type: ignore[no-untyped-def]
    tiny_index: searchlib.Index, make_index, monkeypatch: pytest.MonkeyPatch
) -> None:
    from searchlib import impact_writing
    from searchlib.impact_reading import SCORED_FIELDS

    monkeypatch.setattr(impact_writing, "SATURATION_POSTINGS", 3)
    index = make_index()
    for field in SCORED_FIELDS:
        assert tiny_index._impact is not None and index._impact is not None
        expected = tiny_index._impact.saved_saturations(field, RankingSettings())
        written = index._impact.saved_saturations(field, RankingSettings())
        assert expected is not None and written is not None and written.length > 3
        assert written.numpy().tolist() == expected.numpy().tolist()


@pytest.mark.parametrize("query", QUERIES)
def test_saved_and_computed_saturations_rank_alike_to_the_last_bit(
    tiny_index: searchlib.Index, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from searchlib.impact_reading import ImpactIndex, _NumpyScorer, _PythonScorer

    compiled = tiny_index.compile(query)
    impact = tiny_index._impact
    assert compiled.concepts is not None and impact is not None
    scorers = (_PythonScorer, _NumpyScorer)
    saved = [s(impact, tiny_index.ranking).rank(compiled.concepts, 50, True) for s in scorers]
    monkeypatch.setattr(ImpactIndex, "saved_saturations", lambda *_: None)
    computed = [s(impact, tiny_index.ranking).rank(compiled.concepts, 50, True) for s in scorers]
    assert saved == computed


@pytest.mark.parametrize("selection_block", [128, 2])
def test_the_scorers_agree_on_ties_cut_by_the_limit(  # type: ignore[no-untyped-def]
    make_index, selection_block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from searchlib import impact_reading
    from searchlib.impact_reading import _NumpyScorer, _PythonScorer

    monkeypatch.setattr(impact_reading, "SELECTION_BLOCK", selection_block)

    articles = [Article(id=f"doc-{n:03d}", text="same words") for n in range(60, 0, -1)]
    articles += [Article(id="zz-best", title="words", text="words words")]
    index = make_index(articles)
    compiled = index.compile("words")
    assert compiled.concepts is not None
    results = [
        scorer(index._impact, index.ranking).rank(compiled.concepts, 5, True)
        for scorer in (_PythonScorer, _NumpyScorer)
    ]
    assert results[0] == results[1]
    assert results[0].documents[0] == 60  # zz-best, numbered last
    assert [index.search("words", limit=5)[i].id for i in range(1, 5)] == [
        "doc-001",
        "doc-002",
        "doc-003",
        "doc-004",
    ]


@given(
    keys=st.lists(st.sampled_from([-3.5, -2.0, -1.25, -1.0, 0.0, float("inf")]) | st.floats(-9, 0)),
    limit=st.integers(1, 12),
    block=st.integers(1, 9),
)
def test_the_smallest_keys_are_those_up_to_the_limit_th(
    keys: list[float], limit: int, block: int
) -> None:
    """Bounded by blocks or not, ties at the cut kept: the keys at most the
    ``limit``-th smallest, in order."""
    from searchlib import impact_reading

    if len(keys) <= limit:
        return
    threshold = sorted(keys)[limit - 1]
    expected = [place for place, key in enumerate(keys) if key <= threshold]
    with mock.patch.object(impact_reading, "SELECTION_BLOCK", block):
        found = impact_reading.smallest_keys(np, np.array(keys), limit)
    assert found.tolist() == expected


def test_a_lazy_index_opens_whoosh_only_when_a_query_needs_it(make_index) -> None:  # type: ignore[no-untyped-def]
    built = make_index()
    with searchlib.open_index(built.path, lazy=True) as index:
        assert index._state.snapshot is None
        fast = [(h.id, h.score, h.snippet) for h in index.search("Lachin corridor")]
        assert index._state.snapshot is None
        assert fast == [(h.id, h.score, h.snippet) for h in built.search("Lachin corridor")]
        assert index.document_count == built.document_count
        assert [h.id for h in index.search("title:Lachin")] == [
            h.id for h in built.search("title:Lachin")
        ]
        assert index._state.snapshot is not None


def test_a_lazy_index_moves_on_when_the_index_changed_before_whoosh_opened(make_index) -> None:  # type: ignore[no-untyped-def]
    built = make_index()
    with searchlib.open_index(built.path, lazy=True) as index:
        assert index.document_count == built.document_count
        write_index([Article(id="only", title="Lachin", text="Lachin corridor")], built.path)
        # whoosh's files of the old state are gone: the query needing them
        # is answered from the new state, whole.
        assert [h.id for h in index.search("title:Lachin")] == ["only"]
        assert index.document_count == 1


def test_the_command_line_search_imports_only_what_it_needs(make_index) -> None:  # type: ignore[no-untyped-def]
    """Neither whoosh, numpy nor nltk, nor the corpus readers or the synonym
    file format: a fresh process pays for every module it imports."""
    index = make_index()
    program = (
        "import sys\n"
        "from searchlib.cli import search_command\n"
        f"sys.argv = ['search', '--index', {str(index.path)!r}, 'Lachin corridor']\n"
        "try:\n"
        "    search_command()\n"
        "except SystemExit:\n"
        "    pass\n"
        "unneeded = {'whoosh', 'numpy', 'nltk', 'searchlib.corpus', 'searchlib.indexing',"
        " 'searchlib.analysis.solr_synonyms'}\n"
        "names = set(sys.modules) | {m.split('.')[0] for m in sys.modules}\n"
        "loaded = sorted(names & unneeded)\n"
        "print('LOADED', loaded)\n"
    )
    printed = _printed_by_a_fresh_process(program)
    assert "Lachin" in printed
    assert "LOADED []" in printed


def _printed_by_a_fresh_process(program: str) -> str:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout


def test_a_query_looks_up_its_new_words_stems_in_one_statement(make_index) -> None:  # type: ignore[no-untyped-def]
    """Saved stems are read for all of a query's new words at once, and
    give the terms the stemmer gives."""
    built = make_index()
    with searchlib.open_index(built.path, lazy=True) as index:
        stems = index._state.stems
        assert stems is not None
        statements: list[str] = []
        stems._database.set_trace_callback(statements.append)
        query = "Corridors humanitarian convoys blocked Armenians zzunknownword"
        assert (
            index.compile(query, "natural").highlight_terms
            == built.compile(query, "natural").highlight_terms
        )
        assert len(statements) == 1 and "IN (" in statements[0]
        statements.clear()
        index.compile("corridors convoys", "natural")  # seen: no look-up
        assert statements == []


def test_the_scorers_add_up_long_queries_in_the_same_order(make_index) -> None:  # type: ignore[no-untyped-def]
    """Many words, in titles and bodies, with repeats: sums of many terms
    differ in their last bits when added in another order, which the
    tiny corpus's short queries seldom show."""
    import random

    from searchlib.impact_reading import _NumpyScorer, _PythonScorer

    chooser = random.Random(7)
    words = [f"word{letter}{number}" for letter in "abcdefgh" for number in range(5)]
    frequent = words[:8]
    articles = [
        Article(
            id=f"doc-{n:03d}",
            title=" ".join(chooser.choices(words, k=chooser.randint(3, 9))),
            text=" ".join(chooser.choices(frequent + words, k=chooser.randint(20, 80))),
        )
        for n in range(150)
    ]
    index = make_index(articles)
    impact = index._impact
    assert impact is not None
    differ = 0
    for seed in range(6):
        query = " ".join(random.Random(seed).choices(words, k=25))
        compiled = index.compile(query, "natural")
        assert compiled.concepts is not None
        for ranking in (
            index.ranking,
            RankingSettings(k1=0.7, b=0.3, title_weight=3.0),
            RankingSettings(title_weight=0),  # the whole article's postings alone
        ):
            python, *numpy = (
                scorer.rank(compiled.concepts, 150, True)
                for scorer in (
                    _PythonScorer(impact, ranking),
                    _NumpyScorer(impact, ranking, compact=True),
                    _NumpyScorer(impact, ranking, compact=False),
                )
            )
            assert numpy == [python, python]
            in_another_order = _scores_word_by_word(impact, ranking, compiled.concepts)
            differ += sum(
                in_another_order[document] != score
                for document, score in zip(python.documents, python.scores, strict=True)
            )
    assert differ > 0  # the order matters here, so the agreement above means something


def _scores_word_by_word(impact, ranking, concepts):  # type: ignore[no-untyped-def]
    """Each document's score with each word's fields added one after
    the other (content, title, next word): the same terms in another order."""
    from searchlib.impact_reading import _PythonScorer

    scorer = _PythonScorer(impact, ranking)
    scores: dict[int, float] = {}
    for concept, weight in concepts:
        (term,) = concept.words[0]
        for field, field_weight in impact._weights(ranking, (), None):
            for document, value in scorer._term_scores(field, term):
                scores[document] = scores.get(document, 0.0) + value * field_weight * weight
    return scores


def test_numpy_is_imported_from_the_second_query_on(make_index) -> None:  # type: ignore[no-untyped-def]
    """A fresh process's first query is scored in Python when that is
    quicker than importing numpy; a process asking more pays the import
    once rather than slow queries every time."""
    index = make_index()
    program = (
        "import sys\n"
        "from searchlib import impact_reading\n"
        "import searchlib\n"
        "impact_reading.PYTHON_BEATS_NUMPY_UP_TO = 0\n"
        f"index = searchlib.open_index({str(index.path)!r}, lazy=True)\n"
        "first = [hit.id for hit in index.search('Lachin corridor', snippets=False)]\n"
        "print('AFTER FIRST', 'numpy' in sys.modules)\n"
        "second = [hit.id for hit in index.search('Lachin corridor', snippets=False)]\n"
        "print('AFTER SECOND', 'numpy' in sys.modules, first == second and bool(first))\n"
    )
    printed = _printed_by_a_fresh_process(program)
    assert "AFTER FIRST False" in printed
    assert "AFTER SECOND True True" in printed


def test_queries_rank_alike_when_the_term_cache_fills_up(
    make_index, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """The rows of terms read are dropped all together when they grow too
    many, in the middle of a query's look-up: its terms are read again."""
    from searchlib import impact_reading

    index = make_index()
    expected = [ranked(index, query, False) for query in QUERIES]
    index.close()
    monkeypatch.setattr(impact_reading, "_TERM_CACHE_LIMIT", 6)
    with searchlib.open_index(index.path) as reopened:
        for _ in range(2):
            assert [ranked(reopened, query, False) for query in QUERIES] == expected
