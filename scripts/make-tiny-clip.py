#!/usr/bin/python3
"""Writes test/fixtures/tiny-clip: a tiny CLIP trained on generated pictures, as a Hugging Face model directory.

Plain torch (Debian's python3-torch, python3-onnx, python3-pil); no `transformers` Python package. The pictures are
64x64: one shape (5 shapes) in one colour (8), at one of 9 places, in one of 3 sizes, on a grey background, with
jittered position, size and colours; the caption names the four ("a small red circle at the top left"). A small
conv vision tower and a 2-layer transformer text tower (BERT WordPiece tokenizer over the caption words, letters as
a fallback) are trained contrastively from fixed seeds; a rerun on the same machine writes the same bytes.

Written:
  OUT/                  config.json (model_type clip, text_config, vision_config, projection_dim, logit_scale),
                        preprocessor_config.json (CLIPImageProcessor), tokenizer.json, tokenizer_config.json,
                        special_tokens_map.json, onnx/text_model.onnx, onnx/vision_model.onnx (fp32) and
                        onnx/*_quantized.onnx (int8 weights, DequantizeLinear), reference.json (torch's outputs)
  OUT-heldout/          heldout.png: the 1,000 held-out pictures as one sprite (40 per row, in caption order),
                        captions.json, resized.png (a picture of another size, to check resizing and cropping)

Usage: /usr/bin/python3 scripts/make-tiny-clip.py [OUT_DIR] [--steps N]   (default test/fixtures/tiny-clip, 1500 steps)
Training runs on one thread, batches of 256 pictures drawn fresh each step: about 0.15 s a step on an idle core
(1500 steps took 32 minutes on a 2-core machine whose load average stood between 16 and 33). 700 steps reach
recall@1 0.80/0.82 on the held-out pairs; 1500 reach 0.955 image→text and 0.973 text→image.
"""
import math
import os
import sys
import time

import numpy as np
import torch
from torch import nn
from PIL import Image

# The shared tokenizer files sit beside this script, wherever it is run from.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tiny_wordpiece import SPECIAL_TOKENS_MAP, SPECIALS, tokenizer_config, tokenizer_json, write_json

ARGS = [a for a in sys.argv[1:] if not a.startswith('--')]
STEPS = int(sys.argv[sys.argv.index('--steps') + 1]) if '--steps' in sys.argv else 1500
if '--steps' in sys.argv:
    ARGS = [a for a in ARGS if a != str(STEPS)]
OUT = ARGS[0] if ARGS else os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'tiny-clip')
HELDOUT_DIR = OUT.rstrip('/') + '-heldout'
SIZE = 64
HELDOUT = 1000
SPRITE_COLUMNS = 40
BATCH = 256

# --- the picture world ---
SHAPES = ['circle', 'square', 'triangle', 'diamond', 'cross']
COLOURS = {
    'red': (220, 40, 40), 'green': (40, 170, 60), 'blue': (40, 80, 220), 'yellow': (235, 215, 40),
    'purple': (140, 60, 190), 'orange': (245, 140, 30), 'white': (245, 245, 245), 'black': (20, 20, 20),
}
COLOUR_NAMES = list(COLOURS)
SIZES = {'small': 5.0, 'medium': 8.0, 'large': 11.5}  # radius in pixels
SIZE_NAMES = list(SIZES)
PLACES = ['top left', 'top', 'top right', 'left', 'centre', 'right', 'bottom left', 'bottom', 'bottom right']
CENTRES = [14.0, 32.0, 50.0]
COMBOS = [(s, c, z, p) for s in range(len(SHAPES)) for c in range(len(COLOURS)) for z in range(len(SIZES)) for p in range(len(PLACES))]


def caption(combo):
    s, c, z, p = combo
    return f'a {SIZE_NAMES[z]} {COLOUR_NAMES[c]} {SHAPES[s]} at the {PLACES[p]}'


def draw(combos, rng):
    """uint8 pictures N x 64 x 64 x 3: flat colours, hard edges (small PNGs), jittered place, size and colours."""
    n = len(combos)
    a = np.array(combos)
    grid = np.arange(SIZE, dtype=np.float32) + 0.5
    ys, xs = grid[None, :, None], grid[None, None, :]
    cx = (np.array(CENTRES)[a[:, 3] % 3] + rng.uniform(-3, 3, n)).astype(np.float32)
    cy = (np.array(CENTRES)[a[:, 3] // 3] + rng.uniform(-3, 3, n)).astype(np.float32)
    r = (np.array(list(SIZES.values()))[a[:, 2]] * rng.uniform(0.9, 1.1, n)).astype(np.float32)
    mask = np.zeros((n, SIZE, SIZE), dtype=bool)
    for s in range(len(SHAPES)):
        at = np.flatnonzero(a[:, 0] == s)
        if len(at) == 0:
            continue
        dx = (xs - cx[at, None, None]) / r[at, None, None]
        dy = (ys - cy[at, None, None]) / r[at, None, None]
        ax, ay = np.abs(dx), np.abs(dy)
        if s == 0:
            m = dx * dx + dy * dy <= 1.0
        elif s == 1:
            m = np.maximum(ax, ay) <= 0.85
        elif s == 2:
            m = (dy <= 0.8) & (ax <= (dy + 1.0) / 1.55)
        elif s == 3:
            m = ax + ay <= 1.05
        else:
            m = ((ax <= 0.33) & (ay <= 1.0)) | ((ay <= 0.33) & (ax <= 1.0))
        mask[at] = m
    grey = rng.uniform(95, 165, n)[:, None] + rng.uniform(-8, 8, (n, 3))
    fg = np.array(list(COLOURS.values()), dtype=np.float64)[a[:, 1]] + rng.uniform(-15, 15, (n, 3))
    fg, grey = np.rint(fg).clip(0, 255).astype(np.uint8), np.rint(grey).clip(0, 255).astype(np.uint8)
    return np.where(mask[..., None], fg[:, None, None, :], grey[:, None, None, :])


# --- the tokenizer: BERT WordPiece over the caption words, single letters as the fallback ---
LETTERS = [chr(c) for c in range(ord('a'), ord('z') + 1)]
WORDS = sorted({w for combo in COMBOS for w in caption(combo).split()} | {'photo', 'picture', 'of', 'shape', 'center', 'middle'})
VOCAB = SPECIALS + list('.,!?\'"-:;()') + LETTERS + ['##' + c for c in LETTERS] + [w for w in WORDS if w not in LETTERS]
INDEX = {w: i for i, w in enumerate(VOCAB)}
PAD, UNK, CLS, SEP = (INDEX[t] for t in ['[PAD]', '[UNK]', '[CLS]', '[SEP]'])
MAX_TEXT = 32


def tokenize(text):
    """[CLS] ids [SEP] for the lower-case, space-separated captions used here (the tokenizer.json does the rest)."""
    ids = []
    for word in text.lower().replace(',', ' , ').replace('.', ' . ').split():
        if word in INDEX:
            ids.append(INDEX[word])
        else:
            ids.extend(INDEX[ch if i == 0 else '##' + ch] if ch in LETTERS else UNK for i, ch in enumerate(word))
    return [CLS] + ids[:MAX_TEXT - 2] + [SEP]


# --- the towers ---
EMBED = 64
TEXT_HIDDEN, TEXT_HEADS, TEXT_LAYERS, TEXT_FF = 64, 2, 2, 128
MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]
LN_EPS = 1e-5


class TextLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(TEXT_HIDDEN, eps=LN_EPS)
        self.qkv = nn.Linear(TEXT_HIDDEN, 3 * TEXT_HIDDEN)
        self.out = nn.Linear(TEXT_HIDDEN, TEXT_HIDDEN)
        self.ln2 = nn.LayerNorm(TEXT_HIDDEN, eps=LN_EPS)
        self.ff1 = nn.Linear(TEXT_HIDDEN, TEXT_FF)
        self.ff2 = nn.Linear(TEXT_FF, TEXT_HIDDEN)

    def forward(self, x, bias):
        b, n, _ = x.shape
        d = TEXT_HIDDEN // TEXT_HEADS
        q, k, v = self.qkv(self.ln1(x)).view(b, n, 3, TEXT_HEADS, d).permute(2, 0, 3, 1, 4)
        att = (q @ k.transpose(-1, -2) / math.sqrt(d) + bias).softmax(-1)
        x = x + self.out((att @ v).transpose(1, 2).reshape(b, n, TEXT_HIDDEN))
        return x + self.ff2(nn.functional.gelu(self.ff1(self.ln2(x))))


class TextTower(nn.Module):
    """Pre-norm transformer; like CLIP, the text's vector is the final state of its end token ([SEP]), projected."""

    def __init__(self):
        super().__init__()
        self.token = nn.Embedding(len(VOCAB), TEXT_HIDDEN)
        self.position = nn.Embedding(MAX_TEXT, TEXT_HIDDEN)
        self.layers = nn.ModuleList(TextLayer() for _ in range(TEXT_LAYERS))
        self.ln = nn.LayerNorm(TEXT_HIDDEN, eps=LN_EPS)
        self.projection = nn.Linear(TEXT_HIDDEN, EMBED, bias=False)

    def forward(self, input_ids, attention_mask):
        n = input_ids.shape[1]
        x = self.token(input_ids) + self.position(torch.arange(n, dtype=torch.long).unsqueeze(0))
        # Padding gets a large negative score; exp() of it is exactly 0 in float32, so padding changes nothing.
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.layers:
            x = layer(x, bias)
        x = self.ln(x)
        last = attention_mask.sum(1) - 1
        pooled = x[torch.arange(x.shape[0]), last]
        return self.projection(pooled), x


class VisionTower(nn.Module):
    """4x4 patches embedded by a strided convolution, two stride-2 convolutions to a 4x4 grid, flattened (where a
    shape is matters), one hidden layer, projection."""

    def __init__(self):
        super().__init__()
        self.patches = nn.Conv2d(3, 32, 4, stride=4)
        self.convs = nn.ModuleList([nn.Conv2d(32, 48, 3, stride=2, padding=1), nn.Conv2d(48, 64, 3, stride=2, padding=1)])
        self.fc = nn.Linear(64 * 4 * 4, 128)
        self.ln = nn.LayerNorm(128, eps=LN_EPS)
        self.projection = nn.Linear(128, EMBED, bias=False)

    def forward(self, pixel_values):
        x = nn.functional.gelu(self.patches(pixel_values))
        for conv in self.convs:
            x = nn.functional.gelu(conv(x))
        pooled = self.ln(nn.functional.gelu(self.fc(x.flatten(1))))
        return self.projection(pooled)


class TinyClip(nn.Module):
    def __init__(self):
        super().__init__()
        self.text = TextTower()
        self.vision = VisionTower()
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))


class TextExport(nn.Module):
    def __init__(self, tower):
        super().__init__()
        self.tower = tower

    def forward(self, input_ids, attention_mask):
        return self.tower(input_ids, attention_mask)


class VisionExport(nn.Module):
    def __init__(self, tower):
        super().__init__()
        self.tower = tower

    def forward(self, pixel_values):
        return self.tower(pixel_values)


def pixels(images):
    """What CLIPImageProcessor does to a 64x64 RGB picture: rescale by 1/255, normalize, channels first."""
    x = torch.from_numpy(images).to(torch.float32) * (1 / 255)
    x = (x - torch.tensor(MEAN)) / torch.tensor(STD)
    return x.permute(0, 3, 1, 2).contiguous()


def id_batch(texts):
    rows = [tokenize(t) for t in texts]
    n = max(len(r) for r in rows)
    ids = torch.tensor([r + [PAD] * (n - len(r)) for r in rows], dtype=torch.long)
    mask = torch.tensor([[1] * len(r) + [0] * (n - len(r)) for r in rows], dtype=torch.long)
    return ids, mask


def embed_texts(model, texts):
    ids, mask = id_batch(texts)
    return model.text(ids, mask)[0]


def train(model):
    rng = np.random.default_rng(20261206)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 50) * 0.5 * (1 + math.cos(math.pi * s / STEPS)))
    captions = [caption(c) for c in COMBOS]
    all_ids, all_mask = id_batch(captions)
    start = time.time()
    for step in range(STEPS):
        pick = rng.integers(0, len(COMBOS), BATCH)
        images = pixels(draw([COMBOS[i] for i in pick], rng))
        img = nn.functional.normalize(model.vision(images), dim=-1)
        txt = nn.functional.normalize(model.text(all_ids[pick], all_mask[pick])[0], dim=-1)
        logits = model.logit_scale.exp() * img @ txt.T
        # Two pictures of the same caption in one batch are both right answers: the target spreads over them.
        same = torch.from_numpy(pick[:, None] == pick[None, :]).to(torch.float32)
        target = same / same.sum(1, keepdim=True)
        loss = (torch.sum(-target * logits.log_softmax(1), 1).mean() + torch.sum(-target * logits.log_softmax(0).T, 1).mean()) / 2
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        with torch.no_grad():
            model.logit_scale.clamp_(0, math.log(100))
        if step % 100 == 0 or step == STEPS - 1:
            print(f'step {step} loss {loss.item():.4f} scale {model.logit_scale.exp().item():.1f} {time.time() - start:.0f}s', flush=True)


def heldout_set():
    rng = np.random.default_rng(7)
    chosen = sorted(rng.choice(len(COMBOS), HELDOUT, replace=False).tolist())
    order = rng.permutation(HELDOUT)
    combos = [COMBOS[chosen[i]] for i in order]
    return combos, draw(combos, rng)


def recall(model, images, captions):
    with torch.no_grad():
        img = nn.functional.normalize(model.vision(pixels(images)), dim=-1)
        txt = nn.functional.normalize(embed_texts(model, captions), dim=-1)
    sims = img @ txt.T
    truth = torch.arange(len(captions))
    return {
        'image_to_text': float((sims.argmax(1) == truth).float().mean()),
        'text_to_image': float((sims.argmax(0) == truth).float().mean()),
    }


def export(model):
    onnx_dir = os.path.join(OUT, 'onnx')
    os.makedirs(onnx_dir, exist_ok=True)
    ids, mask = id_batch(['a small red circle at the top left', 'a large blue square'])
    torch.onnx.export(
        TextExport(model.text), (ids, mask), os.path.join(onnx_dir, 'text_model.onnx'),
        input_names=['input_ids', 'attention_mask'], output_names=['text_embeds', 'last_hidden_state'],
        dynamic_axes={'input_ids': {0: 'batch_size', 1: 'sequence_length'}, 'attention_mask': {0: 'batch_size', 1: 'sequence_length'},
                      'text_embeds': {0: 'batch_size'}, 'last_hidden_state': {0: 'batch_size', 1: 'sequence_length'}},
        opset_version=14, do_constant_folding=True)
    torch.onnx.export(
        VisionExport(model.vision), (torch.zeros(2, 3, SIZE, SIZE),), os.path.join(onnx_dir, 'vision_model.onnx'),
        input_names=['pixel_values'], output_names=['image_embeds'],
        dynamic_axes={'pixel_values': {0: 'batch_size'}, 'image_embeds': {0: 'batch_size'}},
        opset_version=14, do_constant_folding=True)
    for name in ['text_model', 'vision_model']:
        quantize(os.path.join(onnx_dir, name + '.onnx'), os.path.join(onnx_dir, name + '_quantized.onnx'))


def quantize(src, dst):
    """Weight-only int8: each float matrix of 256+ values becomes int8 with one scale, restored by DequantizeLinear."""
    import onnx
    from onnx import helper, numpy_helper
    m = onnx.load(src)
    g = m.graph
    kept, added = [], []
    for init in g.initializer:
        w = numpy_helper.to_array(init)
        if w.dtype != np.float32 or w.size < 256 or w.ndim < 2:
            kept.append(init)
            continue
        scale = np.float32(max(float(np.abs(w).max()), 1e-12) / 127)
        q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
        kept += [numpy_helper.from_array(q, init.name + '_q'), numpy_helper.from_array(np.array(scale, dtype=np.float32), init.name + '_scale'),
                 numpy_helper.from_array(np.array(0, dtype=np.int8), init.name + '_zero')]
        added.append(helper.make_node('DequantizeLinear', [init.name + '_q', init.name + '_scale', init.name + '_zero'], [init.name], name=init.name + '_dequantize'))
    del g.initializer[:]
    g.initializer.extend(kept)
    nodes = added + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save(m, dst)


def write_model_files(model):
    j = lambda name, value, indent=1: write_json(os.path.join(OUT, name), value, indent)
    j('config.json', {
        'architectures': ['CLIPModel'], 'model_type': 'clip', 'projection_dim': EMBED,
        # The trained logit scale (log of the factor on cosine similarity), as CLIPModel's logit_scale weight holds it:
        # the text and vision files alone do not carry it.
        'logit_scale': round(float(model.logit_scale), 6),
        'text_config': {'model_type': 'clip_text_model', 'vocab_size': len(VOCAB), 'hidden_size': TEXT_HIDDEN, 'num_hidden_layers': TEXT_LAYERS,
                        'num_attention_heads': TEXT_HEADS, 'intermediate_size': TEXT_FF, 'max_position_embeddings': MAX_TEXT,
                        'projection_dim': EMBED, 'pad_token_id': PAD, 'bos_token_id': CLS, 'eos_token_id': SEP, 'layer_norm_eps': LN_EPS},
        'vision_config': {'model_type': 'clip_vision_model', 'image_size': SIZE, 'num_channels': 3, 'hidden_size': 128, 'projection_dim': EMBED},
    })
    j('preprocessor_config.json', {
        'image_processor_type': 'CLIPImageProcessor', 'feature_extractor_type': 'CLIPFeatureExtractor',
        'do_resize': True, 'size': {'shortest_edge': SIZE}, 'resample': 3, 'do_center_crop': True, 'crop_size': {'height': SIZE, 'width': SIZE},
        'do_rescale': True, 'rescale_factor': 1 / 255, 'do_normalize': True, 'image_mean': MEAN, 'image_std': STD, 'do_convert_rgb': True,
    })
    j('tokenizer.json', tokenizer_json(INDEX))
    j('tokenizer_config.json', tokenizer_config(MAX_TEXT))
    j('special_tokens_map.json', SPECIAL_TOKENS_MAP)


def vec(t):
    return [float(x) for x in t.tolist()]


def pil_preprocess(img):
    """CLIPImageProcessor in PIL: shortest edge to 64 (bicubic), centre crop 64x64, rescale, normalize."""
    w, h = img.size
    scale = SIZE / min(w, h)
    nw, nh = int(round(w * scale)), int(round(h * scale))
    img = img.resize((nw, nh), Image.BICUBIC)
    left, top = (nw - SIZE) // 2, (nh - SIZE) // 2
    return np.asarray(img.crop((left, top, left + SIZE, top + SIZE)).convert('RGB'))


def reference(model, images, captions):
    picks = [0, 1, 2, 3]
    extra_texts = ['a photo of a red circle', 'blue', 'A LARGE Green Cross, at the bottom.', 'zebra']
    labels = ['circle', 'square', 'triangle', 'diamond', 'cross']
    template = 'a photo of a {}'
    with torch.no_grad():
        img = nn.functional.normalize(model.vision(pixels(images[picks])), dim=-1)
        texts = [captions[i] for i in picks] + extra_texts
        txt = nn.functional.normalize(embed_texts(model, texts), dim=-1)
        lab = nn.functional.normalize(embed_texts(model, [template.replace('{}', l) for l in labels]), dim=-1)
        probs = (model.logit_scale.exp() * img @ lab.T).softmax(-1)
        resized = Image.fromarray(images[5]).resize((96, 80), Image.NEAREST)
        resized.save(os.path.join(HELDOUT_DIR, 'resized.png'))
        rimg = nn.functional.normalize(model.vision(pixels(pil_preprocess(resized)[None])), dim=-1)
    return {
        'logit_scale': float(model.logit_scale.exp()),
        'images': {'sprite_indices': picks, 'vectors': [vec(v) for v in img]},
        'texts': {'texts': texts, 'ids': [tokenize(t) for t in texts], 'vectors': [vec(v) for v in txt]},
        'classify': {'sprite_indices': picks, 'labels': labels, 'template': template, 'probabilities': [vec(p) for p in probs]},
        'resized': {'file': 'resized.png', 'from_sprite_index': 5, 'width': 96, 'height': 80, 'vector': vec(rimg[0]),
                    'preprocessing': 'PIL bicubic to the shortest edge, centre crop'},
    }


def save_heldout(images, captions):
    os.makedirs(HELDOUT_DIR, exist_ok=True)
    rows = math.ceil(len(images) / SPRITE_COLUMNS)
    sprite = np.zeros((rows * SIZE, SPRITE_COLUMNS * SIZE, 3), dtype=np.uint8)
    for i, im in enumerate(images):
        r, c = divmod(i, SPRITE_COLUMNS)
        sprite[r * SIZE:(r + 1) * SIZE, c * SIZE:(c + 1) * SIZE] = im
    Image.fromarray(sprite).save(os.path.join(HELDOUT_DIR, 'heldout.png'), optimize=True)
    write_json(os.path.join(HELDOUT_DIR, 'captions.json'), {'tile': SIZE, 'columns': SPRITE_COLUMNS, 'captions': captions})


def main():
    torch.manual_seed(20261206)
    # One thread: on a loaded machine more threads only wait for each other (and one thread sums in one order).
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(OUT, exist_ok=True)
    model = TinyClip()
    print('parameters', sum(p.numel() for p in model.parameters()), flush=True)
    train(model)
    model.eval()
    combos, images = heldout_set()
    captions = [caption(c) for c in combos]
    result = recall(model, images, captions)
    print('held-out recall@1', result, flush=True)
    save_heldout(images, captions)
    export(model)
    write_model_files(model)
    ref = reference(model, images, captions)
    ref['heldout_recall_at_1'] = result
    write_json(os.path.join(OUT, 'reference.json'), ref, indent=None)


if __name__ == '__main__':
    main()
