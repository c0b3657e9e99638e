/**
 * fastText keeps its k best labels in a std::vector managed by std::push_heap / std::pop_heap / std::sort_heap
 * with `comparePairs` (a.score > b.score: a min-heap on the score). Labels whose scores tie (the sigmoid table of
 * ns and ova models gives many) come out in the order those algorithms leave them, so they are done here step
 * for step as libstdc++ does them, to print the labels in fastText's order.
 */
export type Scored = [score: number, label: number];

const before = (a: Scored, b: Scored): boolean => a[0] > b[0];

/** libstdc++'s __push_heap: the value moves up from `hole` while its parent comes before it. */
function pushUp(h: Scored[], hole: number, top: number, value: Scored): void {
  let parent = Math.floor((hole - 1) / 2);
  while (hole > top && before(h[parent], value)) {
    h[hole] = h[parent];
    hole = parent;
    parent = Math.floor((hole - 1) / 2);
  }
  h[hole] = value;
}

/** libstdc++'s __adjust_heap over h[0, len). */
function adjust(h: Scored[], hole: number, len: number, value: Scored): void {
  const top = hole;
  let second = hole;
  while (second < Math.floor((len - 1) / 2)) {
    second = 2 * (second + 1);
    if (before(h[second], h[second - 1])) second--;
    h[hole] = h[second];
    hole = second;
  }
  if ((len & 1) === 0 && second === Math.floor((len - 2) / 2)) {
    second = 2 * (second + 1);
    h[hole] = h[second - 1];
    hole = second - 1;
  }
  pushUp(h, hole, top, value);
}

/** std::push_heap after push_back. */
export function pushHeap(h: Scored[], item: Scored): void {
  h.push(item);
  pushUp(h, h.length - 1, 0, item);
}

/** std::pop_heap then pop_back: removes the front (lowest score). */
export function popHeap(h: Scored[]): void {
  const last = h.length - 1;
  if (last > 0) {
    const value = h[last];
    h[last] = h[0];
    adjust(h, 0, last, value);
  }
  h.pop();
}

/** std::sort_heap: best score first. */
export function sortHeap(h: Scored[]): Scored[] {
  for (let last = h.length - 1; last > 0; last--) {
    const value = h[last];
    h[last] = h[0];
    adjust(h, 0, last, value);
  }
  return h;
}
