/**
 * fastText's Meter: counts over a test set of gold and predicted labels (ids into the model's labels), from which
 * come P@k, R@k, per-label precision, recall and F1, and the confusion matrix of the best prediction.
 */
export class ClassifierMeter {
  private readonly gold: number[];
  private readonly predicted: number[];
  private readonly correct: number[];
  private readonly counts: number[][];
  examples = 0;
  private goldTotal = 0;
  private predictedTotal = 0;
  private correctTotal = 0;

  constructor(private readonly labels: readonly string[]) {
    const L = labels.length;
    this.gold = new Array<number>(L).fill(0);
    this.predicted = new Array<number>(L).fill(0);
    this.correct = new Array<number>(L).fill(0);
    this.counts = Array.from({ length: L }, () => new Array<number>(L + 1).fill(0));
  }

  /** One example: its gold labels and its predictions, best first (Meter::log). */
  log(gold: readonly number[], predicted: readonly number[]): void {
    this.examples++;
    this.goldTotal += gold.length;
    this.predictedTotal += predicted.length;
    for (const p of predicted) {
      this.predicted[p]++;
      if (gold.includes(p)) {
        this.correct[p]++;
        this.correctTotal++;
      }
    }
    for (const g of gold) {
      this.gold[g]++;
      this.counts[g][predicted.length ? predicted[0] : this.labels.length]++;
    }
  }

  /** The result (a ClassifierTestResult), with the settings and what the caller counted besides. */
  result(k: number, threshold: number, unknownLabels: Record<string, number>, skipped: number) {
    const labels = this.labels.map((label, i) => {
      const precision = this.correct[i] / this.predicted[i];
      const recall = this.correct[i] / this.gold[i];
      return { label, gold: this.gold[i], predicted: this.predicted[i], correct: this.correct[i], precision, recall, f1: (2 * precision * recall) / (precision + recall) };
    });
    return {
      examples: this.examples,
      k,
      threshold,
      precision: this.correctTotal / this.predictedTotal,
      recall: this.correctTotal / this.goldTotal,
      labels,
      confusion: { labels: [...this.labels], counts: this.counts },
      unknownLabels,
      skipped,
    };
  }
}
