// ROC AUC by the rank-sum formula, ties counted half (same as sklearn_free_auc.py).
export function rocAuc(labels: readonly number[], scores: readonly number[]): number | null {
  const order = scores.map((s, i) => ({ s, y: labels[i] ?? 0 })).sort((a, b) => a.s - b.s);
  let rankSum = 0;
  let pos = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]?.s === order[i]?.s) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if ((order[k]?.y ?? 0) > 0.5) { rankSum += rank; pos++; }
    i = j + 1;
  }
  const neg = order.length - pos;
  if (pos === 0 || neg === 0) return null;
  return Math.round(((rankSum - (pos * (pos + 1)) / 2) / (pos * neg)) * 1e6) / 1e6;
}
