# gensim's LdaModel on the documents of a JSON request ({docs, topics, passes, seeds}): for each seed, the
# log_perplexity bound over all the documents and each topic's top words. The oracle of lda.test.ts.
import json, sys, warnings
warnings.simplefilter('ignore')
from gensim.corpora import Dictionary
from gensim.models import LdaModel

req = json.load(open(sys.argv[1]))
d = Dictionary(req['docs'])
corpus = [d.doc2bow(doc) for doc in req['docs']]
out = []
for seed in req['seeds']:
    m = LdaModel(corpus, num_topics=req['topics'], id2word=d, passes=req['passes'], random_state=seed, eval_every=None)
    topics = [[d[i] for i, _ in m.get_topic_terms(k, topn=req.get('topn', 10))] for k in range(req['topics'])]
    out.append({'logPerplexity': float(m.log_perplexity(corpus)), 'topics': topics})
print(json.dumps(out))
