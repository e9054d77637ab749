"""A run and its judgments -> effectiveness scores, per query and averaged.

The last stage of an evaluation: ``collections`` gives the judgments, a
search gives the run (query id -> document id -> score), and this module
scores it.  The numbers are computed by trec_eval's own code (pytrec_eval,
called through ir-measures), so they can be set beside published ones.

Conventions, those of trec_eval run with ``-c``:

* A mean is taken over every query in the qrels.  A judged query the run has
  no results for scores 0 on every measure (trec_eval without ``-c`` would
  leave it out and flatter the run).  A query absent from the qrels, such as
  the 36 unjudged queries of CISI, is left out, and results for it ignored.
* A judged query whose judgments are all "not relevant" is kept and scores
  0, as in trec_eval; none of the bundled collections has one.
* A document is relevant at grade 1 or more.  nDCG gains are the grades
  themselves (trec_eval's linear gain) discounted by log2(rank + 1)
  (Jarvelin & Kekalainen, TOIS 2002).
* Ranks follow the scores, higher first; ties go to the document id that
  sorts later, as in trec_eval.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from searchlib.evaluation.trec import EvaluationError

if TYPE_CHECKING:
    import ir_measures

# nDCG@10, MAP over the top 1000, precision at 10, recall at 100 and 1000.
DEFAULT_MEASURES: tuple[str, ...] = ("nDCG@10", "AP@1000", "P@10", "R@100", "R@1000")


@dataclass(frozen=True)
class EvaluationResult:
    """Scores keyed by measure name as asked for, e.g. ``result.mean["nDCG@10"]``.

    ``per_query`` maps each judged query id -> measure name -> score.
    """

    mean: dict[str, float]
    per_query: dict[str, dict[str, float]]

    @property
    def query_count(self) -> int:
        """How many queries each mean is taken over."""
        return len(self.per_query)


def _import_evaluator() -> Any:
    try:
        import ir_measures
    except ImportError:
        raise EvaluationError(
            "evaluation needs the 'eval' extra: pip install 'searchlib[eval]'"
        ) from None
    return ir_measures


def _parse_measures(names: Sequence[str]) -> dict[ir_measures.Measure, str]:
    """Measure names -> the ir-measures objects trec_eval can compute."""
    ir_measures = _import_evaluator()
    parsed: dict[Any, str] = {}
    for name in names:
        try:
            measure = ir_measures.parse_measure(name)
            supported = ir_measures.pytrec_eval.supports(measure)
        # ir-measures parses the name as a Python expression, then asserts its parameters
        except (AssertionError, NameError, ValueError):
            supported = False
        if not supported:
            examples = ", ".join(DEFAULT_MEASURES)
            raise EvaluationError(
                f"unknown measure {name!r}; write them as ir-measures does, e.g. {examples}"
            )
        parsed[measure] = name
    return parsed


def evaluate_run(
    run: Mapping[str, Mapping[str, float]],
    qrels: Mapping[str, Mapping[str, int]],
    measures: Sequence[str] = DEFAULT_MEASURES,
) -> EvaluationResult:
    """Score ``run`` against ``qrels`` with each of ``measures``."""
    if not qrels:
        raise EvaluationError("the qrels judge no query: there is nothing to evaluate")
    names = _parse_measures(measures)
    ir_measures = _import_evaluator()
    judged = {query_id: dict(grades) for query_id, grades in qrels.items()}
    scored = {
        query_id: {doc_id: float(score) for doc_id, score in scores.items()}
        for query_id, scores in run.items()
        if query_id in judged
    }
    per_query = {query_id: dict.fromkeys(names.values(), 0.0) for query_id in judged}
    evaluator = ir_measures.pytrec_eval.evaluator(list(names), judged)
    for metric in evaluator.iter_calc(scored):
        per_query[metric.query_id][names[metric.measure]] = float(metric.value)
    mean = {
        name: sum(scores[name] for scores in per_query.values()) / len(per_query)
        for name in names.values()
    }
    return EvaluationResult(mean, per_query)
