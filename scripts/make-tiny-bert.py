#!/usr/bin/python3
"""Writes test/fixtures/tiny-bert: a tiny 2-layer BERT as a Hugging Face model directory, plus torch's outputs.

Plain torch (Debian's python3-torch, python3-onnx); no `transformers` or `tokenizers` Python package: the model and
the WordPiece tokenizer are written out here, and the tokenizer is saved in the JSON format of Hugging Face's
`tokenizers`, so any loader of model directories reads it. Weights come from a fixed seed; a rerun writes the same
model. reference.json holds what the TypeScript encoder must reproduce (token ids, pooled and normalized vectors,
long inputs split into windows and combined, one text's last_hidden_state), all computed by torch, not by ONNX.

Usage: /usr/bin/python3 scripts/make-tiny-bert.py [OUT_DIR] [--size base]   (default test/fixtures/tiny-bert)
  --size base: BERT-base's shape (12 layers, hidden 768, 12 heads, 3072, 512 positions; same small vocabulary) with
               random weights and no reference.json, for benchmarks (bench/transformer.bench.ts); ~340 MB.
"""
import math
import os
import sys
import unicodedata

import torch
from torch import nn

# The shared tokenizer files sit beside this script, which is also loaded by path (bench/transformer.bench.ts).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tiny_wordpiece import SPECIAL_TOKENS_MAP, SPECIALS, tokenizer_config, tokenizer_json, write_json as write_json_at

ARGS = [a for a in sys.argv[1:] if not a.startswith('--') and a != 'base']
SIZE = 'base' if '--size' in sys.argv[1:] and sys.argv[sys.argv.index('--size') + 1] == 'base' else 'tiny'
OUT = ARGS[0] if ARGS else os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'tiny-bert')
HIDDEN = 32
HEADS = 2
LAYERS = 2
INTERMEDIATE = 64
MAX_POSITIONS = 64
LN_EPS = 1e-12
# Overlap, in tokens, between the windows of a long input (the test passes the same value to the encoder).
OVERLAP = 16

PUNCT = list('.,!?\'"-:;()')
DIGITS = list('0123456789')
LETTERS = [chr(c) for c in range(ord('a'), ord('z') + 1)]
WORDS = """the an of to in and is was it for on with as by at he she they we you that this his her their
river bank banks money water deposit fish boat loan cash sat walked along near went my our from into over under
model models word words vector vectors text texts token tokens embed embedding long short sentence city sea
rain sun tree trees green blue red house road car train school teacher student book read write run walk talk
day night time year people world open close put take give made make say said see saw know think""".split()
SUFFIXES = ['##ed', '##ing', '##er', '##ly', '##ion', '##es', '##al', '##en']
CJK = list('我你他她是的在中国人北京上海河银行钱水天安门爱大小学生有不这个们来到说')
VOCAB = SPECIALS + PUNCT + DIGITS + LETTERS + ['##' + c for c in LETTERS] + WORDS + SUFFIXES + CJK
assert len(VOCAB) == len(set(VOCAB)), 'duplicate vocabulary entries'
INDEX = {w: i for i, w in enumerate(VOCAB)}
PAD, UNK, CLS, SEP = (INDEX[t] for t in ['[PAD]', '[UNK]', '[CLS]', '[SEP]'])


# --- WordPiece tokenizer with BERT's normalization (what tokenizers' BertNormalizer + BertPreTokenizer do) ---

def is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def is_punct(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith('P')


def normalize(text):
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or (unicodedata.category(ch) in ('Cc', 'Cf') and ch not in '\t\n\r'):
            continue
        if ch in ' \t\n\r' or unicodedata.category(ch) == 'Zs':
            out.append(' ')
        elif is_cjk(cp):
            out.append(' ' + ch + ' ')
        else:
            out.append(ch)
    text = unicodedata.normalize('NFD', ''.join(out))
    text = ''.join(ch for ch in text if unicodedata.category(ch) != 'Mn')
    return text.lower()


def pre_tokenize(text):
    words = []
    for chunk in text.split():
        cur = ''
        for ch in chunk:
            if is_punct(ch):
                if cur:
                    words.append(cur)
                words.append(ch)
                cur = ''
            else:
                cur += ch
        if cur:
            words.append(cur)
    return words


def wordpiece(word):
    if len(word) > 100:
        return [UNK]
    ids, start = [], 0
    while start < len(word):
        end, found = len(word), None
        while start < end:
            piece = word[start:end] if start == 0 else '##' + word[start:end]
            if piece in INDEX:
                found = INDEX[piece]
                break
            end -= 1
        if found is None:
            return [UNK]
        ids.append(found)
        start = end
    return ids


def tokenize(text):
    """Token ids without [CLS]/[SEP]."""
    return [i for w in pre_tokenize(normalize(text)) for i in wordpiece(w)]


# --- the model: BERT's architecture in plain torch ---

class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = nn.ModuleList(nn.Linear(HIDDEN, HIDDEN) for _ in range(3))
        self.attn_out = nn.Linear(HIDDEN, HIDDEN)
        self.ln1 = nn.LayerNorm(HIDDEN, eps=LN_EPS)
        self.ff1 = nn.Linear(HIDDEN, INTERMEDIATE)
        self.ff2 = nn.Linear(INTERMEDIATE, HIDDEN)
        self.ln2 = nn.LayerNorm(HIDDEN, eps=LN_EPS)

    def forward(self, x, bias):
        b, n, _ = x.shape
        d = HIDDEN // HEADS
        q, k, v = (lin(x).view(b, n, HEADS, d).transpose(1, 2) for lin in self.qkv)
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + bias
        ctx = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, n, HIDDEN)
        x = self.ln1(x + self.attn_out(ctx))
        return self.ln2(x + self.ff2(nn.functional.gelu(self.ff1(x))))


class TinyBert(nn.Module):
    def __init__(self):
        super().__init__()
        self.word = nn.Embedding(len(VOCAB), HIDDEN)
        self.position = nn.Embedding(MAX_POSITIONS, HIDDEN)
        self.token_type = nn.Embedding(2, HIDDEN)
        self.ln = nn.LayerNorm(HIDDEN, eps=LN_EPS)
        self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))

    def forward(self, input_ids, attention_mask, token_type_ids):
        n = input_ids.shape[1]
        positions = torch.arange(n, dtype=torch.long).unsqueeze(0)
        x = self.ln(self.word(input_ids) + self.position(positions) + self.token_type(token_type_ids))
        # Padding gets a large negative score, as BERT does; exp() of it is exactly 0 in float32.
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.layers:
            x = layer(x, bias)
        return x


def build_model():
    torch.manual_seed(20261128)
    model = TinyBert()
    # The tiny model is initialised wider than BERT's 0.02 so that different texts get clearly different vectors.
    std = 0.3 if SIZE == 'tiny' else 0.02
    with torch.no_grad():
        for name, p in model.named_parameters():
            if 'ln' in name:
                p.copy_((1.0 if name.endswith('weight') else 0.0) + 0.1 * torch.randn_like(p))
            else:
                p.copy_(std * torch.randn_like(p))
    model.eval()
    return model


# --- pooling as sentence-transformers does it, on torch's outputs ---

def run(model, rows):
    """Runs token-id rows (with [CLS]/[SEP]) as one right-padded batch; returns last_hidden_state and the mask."""
    n = max(len(r) for r in rows)
    ids = torch.tensor([r + [PAD] * (n - len(r)) for r in rows], dtype=torch.long)
    mask = torch.tensor([[1] * len(r) + [0] * (n - len(r)) for r in rows], dtype=torch.long)
    with torch.no_grad():
        return model(ids, mask, torch.zeros_like(ids)), mask


def pool(hidden, mask, how):
    m = mask.unsqueeze(-1).to(hidden.dtype)
    if how == 'mean':
        v = (hidden * m).sum(1) / m.sum(1)
    elif how == 'cls':
        v = hidden[:, 0]
    else:  # last-token: the last real token of each right-padded row
        v = hidden[torch.arange(hidden.shape[0]), mask.sum(1) - 1]
    return nn.functional.normalize(v, dim=-1)


def with_specials(content):
    return [CLS] + content + [SEP]


def windows(content, overlap):
    size = MAX_POSITIONS - 2
    step = size - overlap
    starts = [0]
    while starts[-1] + size < len(content):
        starts.append(starts[-1] + step)
    return [content[s:s + size] for s in starts]


def vec(t):
    return [float(x) for x in t.tolist()]


def use_base_size():
    """BERT-base's shape (the vocabulary stays small: it changes the file size, not the compute per token)."""
    global HIDDEN, HEADS, LAYERS, INTERMEDIATE, MAX_POSITIONS
    HIDDEN, HEADS, LAYERS, INTERMEDIATE, MAX_POSITIONS = 768, 12, 12, 3072, 512


def main():
    if SIZE == 'base':
        use_base_size()
    model = build_model()
    os.makedirs(os.path.join(OUT, 'onnx'), exist_ok=True)
    os.makedirs(os.path.join(OUT, '1_Pooling'), exist_ok=True)

    example = torch.tensor([[CLS, INDEX['the'], INDEX['bank'], SEP]])
    torch.onnx.export(
        model, (example, torch.ones_like(example), torch.zeros_like(example)), os.path.join(OUT, 'onnx', 'model.onnx'),
        input_names=['input_ids', 'attention_mask', 'token_type_ids'], output_names=['last_hidden_state'],
        dynamic_axes={k: {0: 'batch_size', 1: 'sequence_length'} for k in ['input_ids', 'attention_mask', 'token_type_ids', 'last_hidden_state']},
        opset_version=14, do_constant_folding=True)

    write_json('config.json', {
        'architectures': ['BertModel'], 'model_type': 'bert', 'vocab_size': len(VOCAB), 'hidden_size': HIDDEN,
        'num_hidden_layers': LAYERS, 'num_attention_heads': HEADS, 'intermediate_size': INTERMEDIATE,
        'hidden_act': 'gelu', 'max_position_embeddings': MAX_POSITIONS, 'type_vocab_size': 2, 'layer_norm_eps': LN_EPS,
        'pad_token_id': PAD, 'hidden_dropout_prob': 0.0, 'attention_probs_dropout_prob': 0.0,
    })
    write_json('tokenizer.json', tokenizer_json(INDEX))
    write_json('tokenizer_config.json', tokenizer_config(MAX_POSITIONS))
    write_json('special_tokens_map.json', SPECIAL_TOKENS_MAP)
    write_json('modules.json', [
        {'idx': 0, 'name': '0', 'path': '', 'type': 'sentence_transformers.models.Transformer'},
        {'idx': 1, 'name': '1', 'path': '1_Pooling', 'type': 'sentence_transformers.models.Pooling'},
        {'idx': 2, 'name': '2', 'path': '2_Normalize', 'type': 'sentence_transformers.models.Normalize'},
    ])
    write_json('1_Pooling/config.json', {
        'word_embedding_dimension': HIDDEN, 'pooling_mode_cls_token': False, 'pooling_mode_mean_tokens': True,
        'pooling_mode_max_tokens': False, 'pooling_mode_mean_sqrt_len_tokens': False,
        'pooling_mode_weightedmean_tokens': False, 'pooling_mode_lasttoken': False, 'include_prompt': True,
    })
    if SIZE == 'tiny':
        write_json('reference.json', reference(model), indent=None)


def reference(model):
    singles = ['The bank of the river.', 'She went to the bank to deposit money!', 'Hello', 'café au lait, naïve rôle']
    batch = ['the river bank', 'They sat near the water and walked along the river with my green boat.', 'open the book', 'zzz']
    cjk = ['我爱北京天安门', '他在银行有钱。', '河水 river 水', '你好，世界']
    long_text = ' '.join(
        'The teacher said the student read a long book about the river and the sea. We walked along the road near the '
        'school, then we went into the city by train. Every year people write texts, and a model makes a vector for '
        'every word.'.split() * 2)

    def case(texts, together):
        rows = [with_specials(tokenize(t)) for t in texts]
        if together:
            hidden, mask = run(model, rows)
            pooled = {how: pool(hidden, mask, how) for how in ['mean', 'cls', 'last-token']}
        else:
            outs = [run(model, [r]) for r in rows]
            pooled = {how: torch.cat([pool(h, m, how) for h, m in outs]) for how in ['mean', 'cls', 'last-token']}
        return {'texts': texts, 'ids': rows, 'vectors': {how: [vec(v) for v in p] for how, p in pooled.items()}}

    content = tokenize(long_text)
    parts = windows(content, OVERLAP)
    assert len(parts) >= 3, f'the long text ({len(content)} tokens) should span at least 3 windows'
    hidden, mask = run(model, [with_specials(p) for p in parts])
    per_window = pool(hidden, mask, 'mean')
    weights = torch.tensor([float(len(p)) for p in parts])
    combined = nn.functional.normalize((per_window * weights[:, None]).sum(0), dim=-1)
    # Token vectors of the long text: each token from the window where it is farthest from an edge (the first such
    # window on ties); stored as each vector's sum and norm, which is enough to catch a wrong window.
    size, step = MAX_POSITIONS - 2, MAX_POSITIONS - 2 - OVERLAP
    chosen = [hidden[0, 0]]
    for p in range(len(content)):
        best, margin = 0, -1
        for w, part in enumerate(parts):
            start = w * step
            if start <= p < start + len(part) and min(p - start, start + len(part) - 1 - p) > margin:
                best, margin = w, min(p - start, start + len(part) - 1 - p)
        chosen.append(hidden[best, 1 + p - best * step])
    chosen.append(hidden[len(parts) - 1, len(parts[-1]) + 1])

    states_text = 'The bank by the river, and the bank with money.'
    states_ids = with_specials(tokenize(states_text))
    states, _ = run(model, [states_ids])
    return {
        'max_length': MAX_POSITIONS,
        'singles': case(singles, False),
        'batch': case(batch, True),
        'cjk': case(cjk, False),
        'long': {
            'text': long_text, 'ids': with_specials(content), 'overlap': OVERLAP,
            'windows': [with_specials(p) for p in parts], 'window_weights': [len(p) for p in parts],
            'vector': vec(combined), 'truncated': vec(per_window[0]),
            'token_state_sums': [float(v.sum()) for v in chosen], 'token_state_norms': [float(v.norm()) for v in chosen],
        },
        'token_states': {
            'text': states_text, 'ids': states_ids, 'tokens': [VOCAB[i] for i in states_ids],
            'last_hidden_state': [[round(float(x), 7) for x in row] for row in states[0].tolist()],
        },
    }


def write_json(name, value, indent=1):
    write_json_at(os.path.join(OUT, name), value, indent)


if __name__ == '__main__':
    main()
