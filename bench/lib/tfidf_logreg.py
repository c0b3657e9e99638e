"""TF-IDF + logistic regression baseline for the classification benchmark, with Debian's python3-sklearn.

argv: train.txt test.txt out.json   (fastText lines: __label__X tokens, then the text)
TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2) fitted on the training texts, then
LogisticRegression(multi_class='multinomial', solver='lbfgs', C=10, max_iter=1000) on its rows.
Writes {"accuracy", "macro_f1", "train_s", "sklearn"}; the time covers the vectorizer's fit and the regression's.
"""
import json, sys, time
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

def read(path):
    texts, labels = [], []
    with open(path, encoding='utf-8') as f:
        for line in f:
            tokens = line.split()
            tags = [t for t in tokens if t.startswith('__label__')]
            if not tags:
                continue
            labels.append(tags[0])
            texts.append(' '.join(t for t in tokens if not t.startswith('__label__')))
    return texts, labels

train_path, test_path, out_path = sys.argv[1:4]
Xtr, ytr = read(train_path)
Xte, yte = read(test_path)
t = time.perf_counter()
vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2, token_pattern=r'\S+')
A = vectorizer.fit_transform(Xtr)
model = LogisticRegression(multi_class='multinomial', solver='lbfgs', C=10, max_iter=1000).fit(A, ytr)
train_s = time.perf_counter() - t
pred = model.predict(vectorizer.transform(Xte))
json.dump({'accuracy': accuracy_score(yte, pred), 'macro_f1': f1_score(yte, pred, average='macro'), 'train_s': train_s, 'sklearn': sklearn.__version__}, open(out_path, 'w'))
