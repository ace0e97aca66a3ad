namespace ScalePlanner.Simulator.Costs;

/// <summary>
/// Alpha–beta costs of collectives over n ranks moving <c>bytes</c> (the full buffer), with per-step latency α and
/// bandwidth B in bytes/s. Ring formulas: Patarasuk &amp; Yuan 2009 (Thakur et al. 2005 for all-gather/reduce-scatter);
/// double binary tree: Sanders et al. 2009, as used by NCCL ≥ 2.4.
/// </summary>
public static class Collectives
{
    // Ring all-reduce: 2(n−1) steps of M/n bytes each.
    public static double RingAllReduce(double bytes, int n, double bandwidth, double alpha) =>
        n <= 1 ? 0 : 2 * (n - 1) * alpha + 2.0 * (n - 1) / n * bytes / bandwidth;

    // Ring all-gather or reduce-scatter: (n−1) steps of M/n bytes each.
    public static double RingGather(double bytes, int n, double bandwidth, double alpha) =>
        n <= 1 ? 0 : (n - 1) * alpha + (double)(n - 1) / n * bytes / bandwidth;

    // Double binary tree all-reduce: reduce up and broadcast down two trees, each carrying half the data, pipelined: 2·log2(n)·α + 2·M/B.
    public static double TreeAllReduce(double bytes, int n, double bandwidth, double alpha) =>
        n <= 1 ? 0 : 2 * Math.Ceiling(Math.Log2(n)) * alpha + 2 * bytes / bandwidth;

    // Pairwise-exchange all-to-all (Thakur et al. 2005, §4.5): n−1 steps, each rank sending M/n bytes to one peer per step.
    public static double PairwiseAllToAll(double bytes, int n, double bandwidth, double alpha) =>
        n <= 1 ? 0 : (n - 1) * alpha + (double)(n - 1) / n * bytes / bandwidth;

    // Point-to-point: one message.
    public static double PointToPoint(double bytes, double bandwidth, double alpha) => alpha + bytes / bandwidth;
}
