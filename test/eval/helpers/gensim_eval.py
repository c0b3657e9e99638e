"""Reference results for the evaluation tests, from gensim's KeyedVectors.

Reads on stdin: {"vectors": path, "analogies": [{"path", "restrictVocab", "caseInsensitive", "dummy4unknown",
"method"}], "pairs": [{"path", "restrictVocab", "caseInsensitive", "dummy4unknown"}]} and prints, for each
request, the score, per-section counts and the out-of-vocabulary ratio (analogies) or the correlations and
OOV ratio (pairs) as JSON.

gensim 4.2 accepts similarity_function but always calls most_similar, so 3CosMul is evaluated by routing
most_similar to most_similar_cosmul; most_similar_cosmul there ignores restrict_vocab, so it runs on a copy
holding only the first restrict_vocab rows (the candidates most_similar would search).
"""
import json
import logging
import math
import sys
import warnings

from gensim.models import KeyedVectors

warnings.simplefilter("ignore")


class OovRatio(logging.Handler):
    """Catches the exact OOV percentage evaluate_word_analogies logs (it is not returned)."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.value = None

    def emit(self, record):
        if record.msg.startswith("Quadruplets with out-of-vocabulary words"):
            self.value = record.args[0]


catcher = OovRatio()
log = logging.getLogger("gensim.models.keyedvectors")
log.setLevel(logging.INFO)
log.addHandler(catcher)
log.propagate = False


def number(v):
    v = float(v)
    return None if math.isnan(v) else v


def first_rows(kv, n):
    small = KeyedVectors(kv.vector_size, count=0, dtype=kv.vectors.dtype)
    small.add_vectors(kv.index_to_key[:n], kv.vectors[:n])
    return small


request = json.load(sys.stdin)
full = KeyedVectors.load_word2vec_format(request["vectors"], binary=False)
analogies = []
for a in request.get("analogies", []):
    kv = full
    if a["method"] == "3cosmul":
        kv = first_rows(full, a["restrictVocab"])
        cosmul = kv.most_similar_cosmul
        kv.most_similar = lambda positive, negative, topn, restrict_vocab: cosmul(positive=positive, negative=negative, topn=topn)
    catcher.value = None
    score, sections = kv.evaluate_word_analogies(
        a["path"], restrict_vocab=a["restrictVocab"], case_insensitive=a["caseInsensitive"], dummy4unknown=a["dummy4unknown"]
    )
    analogies.append({
        "score": score,
        "oovPercent": catcher.value,
        "sections": [{"section": s["section"], "correct": len(s["correct"]), "incorrect": len(s["incorrect"])} for s in sections],
    })
pairs = []
for p in request.get("pairs", []):
    pearson, spearman, oov = full.evaluate_word_pairs(
        p["path"], restrict_vocab=p["restrictVocab"], case_insensitive=p["caseInsensitive"], dummy4unknown=p["dummy4unknown"]
    )
    pairs.append({"pearson": [number(pearson[0]), number(pearson[1])], "spearman": [number(spearman[0]), number(spearman[1])], "oovRatio": oov})
json.dump({"analogies": analogies, "pairs": pairs}, sys.stdout)
