using System.Collections.Concurrent;
using ScalePlanner.Simulator.Plans;

namespace ScalePlanner.Planner.Search;

/// <summary>What one search thread keeps: the ranked pool, each cluster option's fastest and simplest layout, the shapes it met and its counts.</summary>
internal sealed class SearchAccumulator(int pool, int clusters)
{
    public readonly TopList Top = new(pool);
    public readonly Candidate?[] Fastest = new Candidate?[clusters];
    public readonly Candidate?[] Simplest = new Candidate?[clusters];
    public readonly ShapeBests Shapes = new();
    public long Considered, Fit, OverMemory, OutsideConstraints, RuledOut;

    /// <summary>Keeps the candidate with the fewest techniques (<see cref="PlanExplanation.Complexity"/>), the better one on a tie.</summary>
    public void OfferSimplest(in Candidate candidate)
    {
        if (Simplest[candidate.Cluster] is not { } current || Simpler(candidate, current)) Simplest[candidate.Cluster] = candidate;
    }

    public static bool Simpler(in Candidate a, in Candidate b)
    {
        int c = PlanExplanation.Complexity(a.Layout).CompareTo(PlanExplanation.Complexity(b.Layout));
        return c < 0 || (c == 0 && Candidate.Compare(a, b) < 0);
    }

    public void MergeInto(SearchAccumulator into)
    {
        lock (into)
        {
            into.Considered += Considered;
            into.Fit += Fit;
            into.OverMemory += OverMemory;
            into.OutsideConstraints += OutsideConstraints;
            into.RuledOut += RuledOut;
            foreach (var candidate in Top.Items) into.Top.Offer(candidate);
            for (int c = 0; c < Fastest.Length; c++)
            {
                if (Fastest[c] is { } f && (into.Fastest[c] is not { } g || Candidate.Compare(f, g) < 0)) into.Fastest[c] = f;
                if (Simplest[c] is { } s) into.OfferSimplest(s);
            }
            Shapes.MergeInto(into.Shapes);
        }
    }
}

/// <summary>
/// What every thread has proven so far, for branch and bound: the worst score of some full ranked pool (a valid cut-off for the
/// global one), each cluster option's fastest wall time, the best score met in each (tp, pp, cp) shape and each option's
/// simplest layout (so that the explanation of the winner, which shows those, is the same as an exhaustive search's).
/// </summary>
internal sealed class Incumbents(int clusters, bool enabled)
{
    private readonly object gate = new();
    private double threshold = double.PositiveInfinity;
    private readonly double[] fastest = [.. Enumerable.Repeat(double.PositiveInfinity, clusters)];
    private readonly (int Complexity, double Score)[] simplest = [.. Enumerable.Repeat((int.MaxValue, double.PositiveInfinity), clusters)];
    private readonly ConcurrentDictionary<ShapeKey, double> shapeBest = new();

    /// <summary>No layout of this shape can enter the pool or be its option's fastest.</summary>
    public bool CannotWin(in ShapeBound bound, int cluster) =>
        enabled && bound.Score > Volatile.Read(ref threshold) && bound.WallSeconds > Volatile.Read(ref fastest[cluster]);

    /// <summary>
    /// Nor be the best of its (tp, pp, cp) shape, nor the simplest of its option: its bound loses to the shape's best, and its
    /// fewest possible techniques (<paramref name="leastComplexity"/>) are more than the simplest's, or as many with a worse score.
    /// </summary>
    public bool RulesOut(in ShapeBound bound, in ShapeKey key, int leastComplexity)
    {
        if (!shapeBest.TryGetValue(key, out double best) || bound.Score <= best) return false;
        lock (gate)
        {
            var (complexity, score) = simplest[key.Job];
            return leastComplexity > complexity || (leastComplexity == complexity && bound.Score > score);
        }
    }

    public void Publish(SearchAccumulator acc, int cluster, in ShapeKey key, Candidate? best)
    {
        if (best is { } b) shapeBest.AddOrUpdate(key, b.Score, (_, old) => Math.Min(old, b.Score));
        double worst = acc.Top.WorstScore, wall = acc.Fastest[cluster]?.WallSeconds ?? double.PositiveInfinity;
        lock (gate)
        {
            if (worst < threshold) Volatile.Write(ref threshold, worst);
            if (wall < fastest[cluster]) Volatile.Write(ref fastest[cluster], wall);
            if (acc.Simplest[cluster] is { } s)
            {
                var mine = (PlanExplanation.Complexity(s.Layout), s.Score);
                if (mine.Item1 < simplest[cluster].Complexity || (mine.Item1 == simplest[cluster].Complexity && mine.Score < simplest[cluster].Score)) simplest[cluster] = mine;
            }
        }
    }
}
