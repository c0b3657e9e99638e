# gensim LdaModel or LdaMulticore on the tokenized documents of a JSON file, timed as embedkit's fitLda is: the
# dictionary and bag-of-words conversion, training, and the inference of every document's topics. The perplexity
# bound is then computed from that inference (untimed, as fitLda computes it from its own final pass).
# argv: docs.json topics passes seed lda|multicore topn
import json, resource, sys, time, warnings
warnings.simplefilter('ignore')
import numpy as np
from gensim.corpora import Dictionary
from gensim.models import LdaModel, LdaMulticore

docs = json.load(open(sys.argv[1]))
K, passes, seed, kind, topn = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
t0 = time.perf_counter()
c0 = time.process_time()
d = Dictionary(docs)
corpus = [d.doc2bow(doc) for doc in docs]
if kind == 'lda':
    m = LdaModel(corpus, num_topics=K, id2word=d, passes=passes, random_state=seed, eval_every=None)
else:
    m = LdaMulticore(corpus, num_topics=K, id2word=d, passes=passes, random_state=seed, eval_every=None)
gamma, _ = m.inference(corpus)
seconds = time.perf_counter() - t0
# CPU seconds of this process and of LdaMulticore's worker processes (reaped by the end of training).
children = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = time.process_time() - c0 + children.ru_utime + children.ru_stime
words = sum(c for doc in corpus for _, c in doc)
# bound() indexes gamma[d] as the 1 x K row its own inference gives (a 1-D row fails in its logsumexp).
bound = m.bound(corpus, gamma=gamma[:, None, :]) / words
topics = [[d[i] for i, _ in m.get_topic_terms(k, topn=topn)] for k in range(K)]
labels = [int(np.argmax(g)) if len(doc) else -1 for g, doc in zip(gamma, corpus)]
print(json.dumps({'seconds': seconds, 'cpuSeconds': cpu, 'topics': topics, 'logPerplexity': float(bound), 'labels': labels}))
