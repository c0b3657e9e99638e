"""Reads {"cases": [{"x": [...], "y": [...]}], "betainc": [[a, b, x], ...]} on stdin and prints scipy's
Pearson and Spearman results and regularized incomplete beta values as JSON."""
import json
import math
import sys
import warnings

from scipy import special, stats

warnings.simplefilter("ignore")


def number(v):
    v = float(v)
    return None if math.isnan(v) else v


request = json.load(sys.stdin)
out = []
for case in request["cases"]:
    p = stats.pearsonr(case["x"], case["y"])
    s = stats.spearmanr(case["x"], case["y"])
    out.append({"r": number(p[0]), "pearsonP": number(p[1]), "rho": number(s[0]), "spearmanP": number(s[1])})
betainc = [float(special.betainc(a, b, x)) for a, b, x in request.get("betainc", [])]
json.dump({"cases": out, "betainc": betainc}, sys.stdout)
