"""TF-IDF cosine baseline for the retrieval benchmark, with Debian's python3-sklearn.

argv: docs.jsonl queries.jsonl query-indices.json out.json
TfidfVectorizer with its defaults (lower-case, words of 2+ characters, smooth idf, sublinear_tf off, l2 rows)
fitted on the documents; every query's 10 nearest documents by exact cosine (sparse dot products of l2 rows).
Writes {"top": [[doc index, ...], ...], "fit_s": .., "search_s": .., "sklearn": version}.
"""
import json, sys, time
import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

docs_path, queries_path, picks_path, out_path = sys.argv[1:5]
def texts(path):
    with open(path, encoding='utf-8') as f:
        return [json.loads(line)['text'] for line in f if line.strip()]
docs = texts(docs_path)
queries = texts(queries_path)
picks = json.load(open(picks_path))
t = time.perf_counter()
vectorizer = TfidfVectorizer()
D = vectorizer.fit_transform(docs)
fit_s = time.perf_counter() - t
t = time.perf_counter()
Q = vectorizer.transform([queries[i] for i in picks])
DT = D.T.tocsc()
top = []
for start in range(0, Q.shape[0], 1000):
    S = (Q[start:start + 1000] @ DT).toarray()
    part = np.argpartition(-S, 10, axis=1)[:, :10]
    for row, cand in zip(S, part):
        order = cand[np.lexsort((cand, -row[cand]))]
        top.append([int(i) for i in order])
search_s = time.perf_counter() - t
json.dump({'top': top, 'fit_s': fit_s, 'search_s': search_s, 'sklearn': sklearn.__version__}, open(out_path, 'w'))
