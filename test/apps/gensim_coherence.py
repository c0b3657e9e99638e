# gensim's CoherenceModel on the topics and texts of a JSON request, one answer per case: the oracle of
# coherence.test.ts. processes=1: the serial accumulator (the parallel one counts the same, only slower to start).
import json, sys, warnings
warnings.simplefilter('ignore')
import numpy as np
from gensim.corpora import Dictionary
from gensim.models.coherencemodel import CoherenceModel

out = []
for case in json.load(open(sys.argv[1])):
    texts = case['texts']
    d = Dictionary(texts)
    kw = dict(topics=case['topics'], texts=texts, dictionary=d, coherence=case['measure'], processes=1)
    if case.get('window') is not None:
        kw['window_size'] = case['window']
    if case.get('topn') is not None:
        kw['topn'] = case['topn']
    cm = CoherenceModel(**kw)
    per = [float(x) for x in cm.get_coherence_per_topic()]
    out.append({'perTopic': [None if np.isnan(x) else x for x in per], 'mean': None if np.isnan(cm.get_coherence()) else float(cm.get_coherence())})
print(json.dumps(out))
