#ifndef EMBEDKIT_KERNELS_H
#define EMBEDKIT_KERNELS_H
#include <stdint.h>

/*
 * Each trains the chunk placed in a worker slot, as the WebAssembly kernel of the same name does: `mem` is the base of
 * the model's shared WebAssembly.Memory, `ctxOffset` the slot's configuration block inside it. Each returns the words
 * kept by subsampling (a supervised chunk: the input rows of its trained examples) and writes the loss and the random
 * state back to the block.
 */
int32_t embedkit_word2vec_train(uint8_t *mem, uint32_t ctxOffset, int32_t nSentences, float alpha);
int32_t embedkit_fasttext_train(uint8_t *mem, uint32_t ctxOffset, int32_t nSentences, double alphaStart, double alphaEnd);

#endif
