"""torch running the tiny CLIP for bench/clip.bench.ts: the towers of scripts/make-tiny-clip.py with the weights read
back from the model directory's ONNX files (the same weights embedkit runs), checked against reference.json.

    python3 bench/lib/clip_torch.py MODEL_DIR HELDOUT_DIR BATCH THREADS REPEAT

Times, on the held-out pictures (each tile re-encoded as a PNG in memory, as the embedkit side decodes PNG bytes):
PIL decode alone, pictures end to end (decode + CLIPImageProcessor's rescale and normalize + the vision tower) and
captions (tokenize + the text tower), in batches of BATCH on THREADS torch threads, the best of REPEAT runs.
Prints JSON.
"""
import importlib.util
import io
import json
import os
import sys
import time

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from PIL import Image

MODEL_DIR, HELDOUT_DIR, BATCH, THREADS, REPEAT = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
spec = importlib.util.spec_from_file_location('tiny_clip', os.path.join(ROOT, 'scripts', 'make-tiny-clip.py'))
tc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tc)
torch.set_num_threads(THREADS)


def load_tower(tower, path):
    """Named initializers by name; the MatMul weights torch's exporter renamed (onnx::MatMul_N, the Linear weights
    without bias, transposed) in the order the module lists its remaining Linear weights."""
    inits = onnx.load(path).graph.initializer
    named = {i.name[len('tower.'):]: numpy_helper.to_array(i) for i in inits if i.name.startswith('tower.')}
    unnamed = [numpy_helper.to_array(i) for i in inits if not i.name.startswith('tower.')]
    state = tower.state_dict()
    rest = [k for k in state if k not in named]
    assert len(rest) == len(unnamed), (rest, len(unnamed))
    for k, w in zip(rest, unnamed):
        named[k] = w.T
    tower.load_state_dict({k: torch.from_numpy(np.array(v, copy=True)) for k, v in named.items()})
    return tower.eval()


model = tc.TinyClip()
load_tower(model.text, os.path.join(MODEL_DIR, 'onnx', 'text_model.onnx'))
load_tower(model.vision, os.path.join(MODEL_DIR, 'onnx', 'vision_model.onnx'))

with open(os.path.join(HELDOUT_DIR, 'captions.json')) as f:
    held = json.load(f)
captions, tile, columns = held['captions'], held['tile'], held['columns']
sprite = np.asarray(Image.open(os.path.join(HELDOUT_DIR, 'heldout.png')).convert('RGB'))
pngs = []
for i in range(len(captions)):
    r, c = divmod(i, columns)
    buf = io.BytesIO()
    Image.fromarray(sprite[r * tile:(r + 1) * tile, c * tile:(c + 1) * tile]).save(buf, format='PNG')
    pngs.append(buf.getvalue())

with open(os.path.join(MODEL_DIR, 'reference.json')) as f:
    ref = json.load(f)


def decode(batch):
    return np.stack([np.asarray(Image.open(io.BytesIO(b)).convert('RGB')) for b in batch])


def images_end_to_end(batch):
    return torch.nn.functional.normalize(model.vision(tc.pixels(decode(batch))), dim=-1)


def texts(batch):
    return torch.nn.functional.normalize(tc.embed_texts(model, batch), dim=-1)


with torch.no_grad():
    # The weights read back are the model embedkit runs: torch's vectors equal the reference.
    img = images_end_to_end([pngs[i] for i in ref['images']['sprite_indices']])
    txt = texts(ref['texts']['texts'])
    max_diff = max(float((img - torch.tensor(ref['images']['vectors'])).abs().max()), float((txt - torch.tensor(ref['texts']['vectors'])).abs().max()))
    images_end_to_end(pngs[:BATCH])  # warm-up
    texts(captions[:BATCH])

    def per_second(work, items):
        best = 0
        for _ in range(REPEAT):
            t = time.perf_counter()
            for i in range(0, len(items), BATCH):
                work(items[i:i + BATCH])
            best = max(best, len(items) / (time.perf_counter() - t))
        return best

    result = {
        'decode': per_second(decode, pngs),
        'images': per_second(images_end_to_end, pngs),
        'texts': per_second(texts, captions),
        'max_diff': max_diff,
        'torch': torch.__version__,
    }
print(json.dumps(result))
