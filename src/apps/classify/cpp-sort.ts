/**
 * std::sort as GNU libstdc++ does it (introsort: median-of-three quicksort down to runs of 16, heap sort past
 * 2·log2(n) levels, then insertion sort), for arrays of numbers. fastText's quantize sorts rows by norm with
 * std::sort, and rows of equal norm (identical rows occur) keep the order this leaves them in, which decides the
 * remapped bucket numbers of an .ftz; done step for step here, the numbers equal fastText's.
 * `less(a, b)` is the comparator, a strict weak ordering.
 */
export function cppSort(v: Int32Array | number[], less: (a: number, b: number) => boolean): void {
  const n = v.length;
  if (n < 2) return;
  introsortLoop(v, 0, n, 2 * Math.floor(Math.log2(n)), less);
  finalInsertionSort(v, 0, n, less);
}

const THRESHOLD = 16;

type Arr = Int32Array | number[];

function swap(v: Arr, i: number, j: number): void {
  const t = v[i];
  v[i] = v[j];
  v[j] = t;
}

function introsortLoop(v: Arr, first: number, last: number, depth: number, less: (a: number, b: number) => boolean): void {
  while (last - first > THRESHOLD) {
    if (depth === 0) {
      heapSort(v, first, last, less);
      return;
    }
    depth--;
    const mid = first + Math.floor((last - first) / 2);
    moveMedianToFirst(v, first, first + 1, mid, last - 1, less);
    const cut = unguardedPartition(v, first + 1, last, first, less);
    introsortLoop(v, cut, last, depth, less);
    last = cut;
  }
}

function moveMedianToFirst(v: Arr, result: number, a: number, b: number, c: number, less: (a: number, b: number) => boolean): void {
  if (less(v[a], v[b])) {
    if (less(v[b], v[c])) swap(v, result, b);
    else if (less(v[a], v[c])) swap(v, result, c);
    else swap(v, result, a);
  } else if (less(v[a], v[c])) swap(v, result, a);
  else if (less(v[b], v[c])) swap(v, result, c);
  else swap(v, result, b);
}

function unguardedPartition(v: Arr, first: number, last: number, pivot: number, less: (a: number, b: number) => boolean): number {
  for (;;) {
    while (less(v[first], v[pivot])) first++;
    last--;
    while (less(v[pivot], v[last])) last--;
    if (!(first < last)) return first;
    swap(v, first, last);
    first++;
  }
}

function unguardedLinearInsert(v: Arr, last: number, less: (a: number, b: number) => boolean): void {
  const val = v[last];
  let next = last - 1;
  while (less(val, v[next])) {
    v[last] = v[next];
    last = next;
    next--;
  }
  v[last] = val;
}

function insertionSort(v: Arr, first: number, last: number, less: (a: number, b: number) => boolean): void {
  if (first === last) return;
  for (let i = first + 1; i < last; i++) {
    if (less(v[i], v[first])) {
      const val = v[i];
      for (let k = i; k > first; k--) v[k] = v[k - 1];
      v[first] = val;
    } else unguardedLinearInsert(v, i, less);
  }
}

function finalInsertionSort(v: Arr, first: number, last: number, less: (a: number, b: number) => boolean): void {
  if (last - first > THRESHOLD) {
    insertionSort(v, first, first + THRESHOLD, less);
    for (let i = first + THRESHOLD; i < last; i++) unguardedLinearInsert(v, i, less);
  } else insertionSort(v, first, last, less);
}

/** __adjust_heap over v[first, first+len) then __push_heap of value. */
function adjustHeap(v: Arr, first: number, hole: number, len: number, value: number, less: (a: number, b: number) => boolean): void {
  const top = hole;
  let second = hole;
  while (second < Math.floor((len - 1) / 2)) {
    second = 2 * (second + 1);
    if (less(v[first + second], v[first + second - 1])) second--;
    v[first + hole] = v[first + second];
    hole = second;
  }
  if ((len & 1) === 0 && second === Math.floor((len - 2) / 2)) {
    second = 2 * (second + 1);
    v[first + hole] = v[first + second - 1];
    hole = second - 1;
  }
  let parent = Math.floor((hole - 1) / 2);
  while (hole > top && less(v[first + parent], value)) {
    v[first + hole] = v[first + parent];
    hole = parent;
    parent = Math.floor((hole - 1) / 2);
  }
  v[first + hole] = value;
}

/** std::partial_sort(first, last, last): make_heap then sort_heap. */
function heapSort(v: Arr, first: number, last: number, less: (a: number, b: number) => boolean): void {
  const len = last - first;
  if (len < 2) return;
  for (let parent = Math.floor((len - 2) / 2); ; parent--) {
    adjustHeap(v, first, parent, len, v[first + parent], less);
    if (parent === 0) break;
  }
  for (let end = last - 1; end - first > 0; end--) {
    const value = v[end];
    v[end] = v[first];
    adjustHeap(v, first, 0, end - first, value, less);
  }
}
