"""What the writers of the tiny test models (make-tiny-bert.py, make-tiny-clip.py) share: the files of a BERT
WordPiece tokenizer over a given vocabulary, in the formats of Hugging Face's `tokenizers` and `transformers`, and
JSON written atomically. Both vocabularies begin with SPECIALS.
"""
import json
import os

SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']

SPECIAL_TOKENS_MAP = {'cls_token': '[CLS]', 'sep_token': '[SEP]', 'pad_token': '[PAD]', 'unk_token': '[UNK]', 'mask_token': '[MASK]'}


def tokenizer_json(index):
    """tokenizer.json: BERT's normalizer and pre-tokenizer, [CLS] A [SEP] around a text, WordPiece over `index` (token -> id)."""
    return {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': [
            {'id': index[t], 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True}
            for t in SPECIALS
        ],
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True, 'strip_accents': None, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}],
            'pair': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}},
                     {'Sequence': {'id': 'B', 'type_id': 1}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}],
            'special_tokens': {t: {'id': t, 'ids': [index[t]], 'tokens': [t]} for t in ['[CLS]', '[SEP]']},
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##', 'max_input_chars_per_word': 100, 'vocab': index},
    }


def tokenizer_config(max_length):
    """tokenizer_config.json of a lower-casing BertTokenizer that takes texts of up to `max_length` tokens."""
    return {
        'tokenizer_class': 'BertTokenizer', 'do_lower_case': True, 'model_max_length': max_length,
        'cls_token': '[CLS]', 'sep_token': '[SEP]', 'pad_token': '[PAD]', 'unk_token': '[UNK]', 'mask_token': '[MASK]',
        'tokenize_chinese_chars': True, 'strip_accents': None, 'clean_up_tokenization_spaces': True,
    }


def write_json(path, value, indent=1):
    """Writes `value` as UTF-8 JSON ending in a newline, through a temporary file renamed over `path`."""
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump(value, f, ensure_ascii=False, indent=indent)
        f.write('\n')
    os.replace(tmp, path)
